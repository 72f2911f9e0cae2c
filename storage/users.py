"""User rows: created on first contact, language kept when chosen."""

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User, utcnow
from storage.upsert import insert_for


async def upsert_users(
    session: AsyncSession, people: Sequence[tuple[int, str | None, str | None]]
) -> dict[int, str | None]:
    """Create or refresh users from (id, first name, Telegram language); return each one's
    chosen language, if any. Each id may appear once."""
    now = utcnow()
    statement = insert_for(session, User.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["id"],
        set_={"first_name": statement.excluded.first_name,
              "telegram_language": statement.excluded.telegram_language},
    ).returning(User.__table__.c.id, User.__table__.c.language)
    rows = [{"id": user_id, "first_name": first_name, "telegram_language": telegram_language,
             "created_at": now} for user_id, first_name, telegram_language in people]
    return {row.id: row.language for row in await session.execute(statement, rows)}


async def upsert_user(
    session: AsyncSession, user_id: int, first_name: str | None, telegram_language: str | None
) -> str | None:
    return (await upsert_users(session, [(user_id, first_name, telegram_language)]))[user_id]


async def chosen_language(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(select(User.language).where(User.id == user_id))


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(language=language))


async def pending_input(session: AsyncSession, user_id: int) -> tuple[int, str] | None:
    """(reflection id, field) that the user's next text message answers, if any."""
    row = (await session.execute(
        select(User.input_reflection_id, User.input_field).where(User.id == user_id))).first()
    if row is None or row.input_reflection_id is None or row.input_field is None:
        return None
    return row.input_reflection_id, row.input_field


async def expect_input(
    session: AsyncSession, user_id: int, reflection_id: int | None, field: str | None
) -> None:
    await session.execute(update(User).where(User.id == user_id)
                          .values(input_reflection_id=reflection_id, input_field=field))


async def stop_expecting(session: AsyncSession, user_id: int, reflection_id: int) -> None:
    """Forget the pending input, if it still belongs to this reflection."""
    await session.execute(
        update(User).where(User.id == user_id, User.input_reflection_id == reflection_id)
        .values(input_reflection_id=None, input_field=None))
