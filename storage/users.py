"""User rows: created on first contact, language kept when chosen."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User, utcnow
from storage.upsert import insert_for
from storage.vocabulary import Awaiting


@dataclass(frozen=True)
class Known:
    """What capture needs to know about a sender, read back by the same upsert."""

    language: str | None  # chosen with /language, if ever
    expecting_input: bool  # their next text message answers a reflection question


async def upsert_users(
    session: AsyncSession, people: Sequence[tuple[int, str | None, str | None]]
) -> dict[int, Known]:
    """Create or refresh users from (id, first name, Telegram language). Each id may appear
    once."""
    now = utcnow()
    table = User.__table__
    statement = insert_for(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=["id"],
        set_={"first_name": statement.excluded.first_name,
              "telegram_language": statement.excluded.telegram_language},
    ).returning(table.c.id, table.c.language, table.c.input_field)
    rows = [{"id": user_id, "first_name": first_name, "telegram_language": telegram_language,
             "created_at": now} for user_id, first_name, telegram_language in people]
    return {row.id: Known(row.language, row.input_field is not None)
            for row in await session.execute(statement, rows)}


async def ensure_user(session: AsyncSession, user_id: int) -> None:
    """A row for someone who may not have used the bot yet (an officer named by the CLI)."""
    await session.execute(insert_for(session, User.__table__).on_conflict_do_nothing(
        index_elements=["id"]), [{"id": user_id, "created_at": utcnow()}])


async def upsert_user(
    session: AsyncSession, user_id: int, first_name: str | None, telegram_language: str | None
) -> str | None:
    """Create or refresh one user; return their chosen language, if any."""
    return (await upsert_users(session, [(user_id, first_name, telegram_language)]))[
        user_id].language


async def chosen_language(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(select(User.language).where(User.id == user_id))


async def time_zone_of(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(select(User.time_zone).where(User.id == user_id))


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


ANSWER_PREFIX = "setting:"  # how an answer outside a reflection is stored (its historical name)


async def pending_answer(session: AsyncSession, user_id: int) -> tuple[Awaiting, str] | None:
    """What the user's next message answers outside a reflection, with its argument ("" if
    none): a city, a date, an export period, a reminder time, a voice note's line. A stored
    value this version doesn't know counts as nothing pending."""
    field = await session.scalar(select(User.input_field).where(
        User.id == user_id, User.input_reflection_id.is_(None)))
    if not field or not field.startswith(ANSWER_PREFIX):
        return None
    value = field.removeprefix(ANSWER_PREFIX)
    for what in Awaiting:
        if what.endswith(":") and value.startswith(what):
            return what, value.removeprefix(what)
    try:
        return Awaiting(value), ""
    except ValueError:
        return None


async def expect_answer(session: AsyncSession, user_id: int, what: Awaiting | None,
                        argument: str | int = "") -> None:
    """Wait for a typed answer, or stop waiting (None). A pending reflection answer is
    dropped; /reflect shows the draft and asks again."""
    assert what is None or what.endswith(":") or argument == "", (what, argument)
    await expect_input(session, user_id, None,
                       f"{ANSWER_PREFIX}{what}{argument}" if what else None)


async def forget_answer(session: AsyncSession, user_id: int) -> None:
    """Stop waiting for a typed answer (a button answered it), leaving reflections alone."""
    await session.execute(update(User).where(
        User.id == user_id, User.input_reflection_id.is_(None),
        User.input_field.startswith(ANSWER_PREFIX)).values(input_field=None))


async def wants_ai_help(session: AsyncSession, user_id: int) -> bool:
    return bool(await session.scalar(select(User.ai_help).where(User.id == user_id)))


async def voice_consent(session: AsyncSession, user_id: int) -> bool | None:
    """Whether the user let voice notes go to the transcription provider; None: not asked."""
    return await session.scalar(select(User.voice_consent).where(User.id == user_id))

