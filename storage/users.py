"""User rows: created on first contact, language kept when chosen."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User, utcnow
from storage.upsert import insert_for


async def upsert_user(
    session: AsyncSession, user_id: int, first_name: str | None, telegram_language: str | None
) -> str | None:
    """Create or refresh the user; return the language they chose, if any."""
    statement = insert_for(session, User).values(
        id=user_id,
        first_name=first_name,
        telegram_language=telegram_language,
        created_at=utcnow(),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[User.id],
        set_={"first_name": first_name, "telegram_language": telegram_language},
    ).returning(User.language)
    return (await session.execute(statement)).scalar_one()


async def chosen_language(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(select(User.language).where(User.id == user_id))


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(language=language))
