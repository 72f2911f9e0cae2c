"""End to end: guided reflection with every template, from capture to the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.common.i18n import translator
from bot.library.loader import load_library
from storage.engine import Database
from storage.models import LearningMoment, Reflection, utcnow
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.running import RunningBot

LIBRARY = load_library()
LANGUAGES = ("en", "ru", "uk", "es")
# Every template in two languages, rotating so that all four languages are walked.
TEMPLATE_RUNS = [(template_id, LANGUAGES[(2 * n + k) % 4])
                 for n, template_id in enumerate(LIBRARY.templates) for k in (0, 1)]
TIME_TYPED = {"en": ("an hour and a half", 90), "ru": ("полчаса", 30),
              "uk": ("півтори години", 90), "es": ("1 hora", 60)}


async def reflections_of(db: Database, user_id: int) -> list[Reflection]:
    async with db.session() as session:
        return list(await session.scalars(
            select(Reflection).where(Reflection.user_id == user_id).order_by(Reflection.id)))


async def moment_status(db: Database, moment_id: int) -> str | None:
    async with db.session() as session:
        return await session.scalar(select(LearningMoment.status)
                                    .where(LearningMoment.id == moment_id))


async def start_reflection(chat: Chat, note: str) -> None:
    """Capture a note and press its "reflect now" button."""
    [ack] = await chat.say(note)
    await chat.press("📝", ack)


@pytest.mark.parametrize(("template_id", "language"), TEMPLATE_RUNS)
async def test_every_template_walks_to_the_log(
        template_id: str, language: str, bot: RunningBot, telegram: FakeTelegram,
        db: Database) -> None:
    template = LIBRARY.templates[template_id]
    _ = translator(language).gettext
    chat = Chat(telegram, 3100 + list(LIBRARY.templates).index(template_id) * 4
                + LANGUAGES.index(language), language)
    await start_reflection(chat, "Шпаргалка: qSOFA ≥2 → думать о сепсисе 🩺")
    # Pick this template from the menu, whatever was suggested.
    [menu] = await chat.press("🔄")
    [first] = await chat.press(template.name.in_(language), menu)
    total = len(template.steps) + 1
    answers: dict[str, str] = {}
    for number, step in enumerate(template.steps, start=1):
        question = chat.text()
        assert f"{number}/{total}" in question.splitlines()[0]
        assert step.prompt.in_(language) in question
        assert step.hint.in_(language) in question
        if not step.required and number % 2 == 0:
            await chat.say("/skip")
            continue
        answers[step.id] = f"{step.id} answer in {language}: ✓ مرحبا"
        await chat.say(answers[step.id])
    assert f"{total}/{total}" in chat.text()
    typed, minutes = TIME_TYPED[language]
    [card] = await chat.say(typed)
    for step in template.steps:
        assert step.title.in_(language) in card.params["text"]
    for answer in answers.values():
        assert answer in card.params["text"]
    [saved] = await chat.press("💾", card)
    assert "/log" in saved.params["text"]

    [reflection] = await reflections_of(db, chat.id)
    assert (reflection.status, reflection.template_id) == ("saved", template_id)
    assert reflection.answers == answers
    assert reflection.minutes == minutes
    assert reflection.moment_id is not None
    assert await moment_status(db, reflection.moment_id) == "reflected"
    [log] = await chat.say("/log")
    assert template.name.in_(language) in log.params["text"]
    assert chat.labels(log) == ["1"]  # one entry: this one, shown by its first answer
    assert answers[template.steps[0].id][:20] in log.params["text"]
    assert "1/" in first.params["text"].splitlines()[0]  # the chosen template starts afresh


async def choose(chat: Chat, template_id: str) -> None:
    [menu] = await chat.press("🔄")
    await chat.press(LIBRARY.templates[template_id].name.in_(chat_language(chat)), menu)


async def save_quick_note(chat: Chat, note: str, answer: str) -> None:
    await start_reflection(chat, note)
    await choose(chat, "quick_note")
    await chat.say(answer)
    [card] = await chat.say("/skip")  # no time
    await chat.press("💾", card)


def chat_language(chat: Chat) -> str:
    language: str = chat.user.user.get("language_code", "en")
    return language


async def test_back_skip_and_cancel(bot: RunningBot, telegram: FakeTelegram,
                                    db: Database) -> None:
    chat = Chat(telegram, 3201)
    await start_reflection(chat, "Difficult night shift on the ward")
    await choose(chat, "gibbs")
    [refused] = await chat.say("/skip")
    assert "needs an answer" in refused.params["text"]
    [first_again] = await chat.say("/back")
    assert "first question" in first_again.params["text"]
    [feelings] = await chat.say("Two admissions at once")
    assert "2/7" in feelings.params["text"]
    [evaluation] = await chat.say("/skip")  # feelings is optional
    assert "3/7" in evaluation.params["text"]
    # /back returns to the skipped step, and again to the answered one, showing its answer.
    await chat.say("/back")
    [description] = await chat.say("/back")
    assert "1/7" in description.params["text"]
    assert "Two admissions at once" in description.params["text"]
    [feelings] = await chat.press("Keep answer", description)
    assert "2/7" in feelings.params["text"]
    # A button from an earlier question no longer works.
    await chat.press_data(chat.button("Keep answer", description), description, expect=0)
    assert chat.alert == "This button has expired."
    [stopped] = await chat.say("/cancel")
    assert "/reflect" in stopped.params["text"]
    [draft] = await reflections_of(db, chat.id)
    assert (draft.status, draft.step, draft.answers) == (
        "parked", 1, {"description": "Two admissions at once"})
    # While parked, text is a new note again, not an answer.
    [ack] = await chat.say("Potassium replacement rates")
    assert "Kept your note" in ack.params["text"]
    [choice] = await chat.say("/reflect")
    assert any("Draft" in label for label in chat.labels(choice))
    [resumed] = await chat.press("Draft", choice)
    assert "2/7" in resumed.params["text"]
    [parked] = await chat.say("/cancel")
    assert parked.params["text"] == stopped.params["text"]  # parked again, as the first time
    [again] = await chat.say("/cancel")
    assert "Nothing to cancel" in again.params["text"]
    [draft] = await reflections_of(db, chat.id)
    assert (draft.status, draft.step) == ("parked", 1)


async def test_restart_mid_reflection_continues_at_the_same_step(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3202, "uk")
    await start_reflection(chat, "Розбір випадку: пацієнт з гіперкаліємією")
    await choose(chat, "case_review")
    [second] = await chat.say("Пацієнт з K 7,1 на гемодіалізі")
    assert "2/4" in second.params["text"]
    await bot.stop()
    restarted = await RunningBot(bot.config, bot.db).start(telegram)
    try:
        [third] = await chat.say("Кальцій глюконат першим")
        assert "3/4" in third.params["text"]
        assert LIBRARY.templates["case_review"].steps[2].prompt.uk in third.params["text"]
    finally:
        await restarted.stop()
    [draft] = await reflections_of(db, chat.id)
    assert list(draft.answers.values()) == ["Пацієнт з K 7,1 на гемодіалізі",
                                            "Кальцій глюконат першим"]


async def test_a_redelivered_answer_is_applied_once(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3203)
    await start_reflection(chat, "Grand round on heart failure")
    answer = chat.user.message(text="ESC 2026 heart failure session")
    telegram.push({"message": answer})
    await chat._replies(1)
    telegram.push({"message": answer})  # Telegram redelivers after a crash
    [ack] = await chat.say("/reflect")
    assert "2/4" in ack.params["text"]
    [draft] = await reflections_of(db, chat.id)
    assert draft.step == 1


async def test_second_reflection_asks_to_finish_or_park(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3204, "es")
    [first_ack] = await chat.say("Curso de ecografía pulmonar")
    [second_ack] = await chat.say("Caso de neumonía en guardia")
    await chat.press("📝", first_ack)
    [busy] = await chat.press("📝", second_ack)
    assert len(chat.labels(busy)) == 2
    [finish_question] = await chat.press("▶", busy)
    assert "1/4" in finish_question.params["text"]
    [started] = await chat.press("⏸", busy)
    assert "1/4" in started.params["text"]
    first, second = await reflections_of(db, chat.id)
    assert (first.status, second.status) == ("parked", "open")
    assert second.template_id == "case_review" and first.template_id == "event"


async def test_use_my_note_and_reflect_with_text(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3205)
    [question] = await chat.say("/reflect Looked up the NICE guideline on cellulitis dosing")
    assert "1/4" in question.params["text"]
    [second] = await chat.press("Use my note", question)
    assert "2/4" in second.params["text"]
    [draft] = await reflections_of(db, chat.id)
    assert draft.template_id == "point_of_care"
    assert draft.answers == {"question": "Looked up the NICE guideline on cellulitis dosing"}


async def test_reflect_with_nothing_waiting_explains(
        bot: RunningBot, telegram: FakeTelegram) -> None:
    chat = Chat(telegram, 3206, "ru")
    [reply] = await chat.say("/reflect")
    assert "/reflect" in reply.params["text"] and "Nothing" not in reply.params["text"]


async def test_very_long_answers_are_kept_and_split_safely(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3207)
    await start_reflection(chat, "Night shift learning")
    await choose(chat, "gibbs")
    too_long = "Д" * 4096
    [refusal] = await chat.say(too_long)
    assert "4096" in refusal.params["text"] and "2000" in refusal.params["text"]
    async with db.session() as session:
        kept = await session.scalar(select(LearningMoment).where(
            LearningMoment.user_id == chat.id, LearningMoment.text == too_long))
    assert kept is not None and kept.status == "new"
    answers = {}
    for step in LIBRARY.templates["gibbs"].steps:
        answers[step.id] = (f"{step.id}: " + "слово 🩺 " * 400)[:step.max_length]
        await chat.say(answers[step.id])
    replies = await chat.say("30 min", expect=4)
    for reply in replies:
        assert len(reply.params["text"].encode("utf-16-le")) // 2 <= 4096
    whole = "\n".join(reply.params["text"] for reply in replies)
    for answer in answers.values():
        assert answer.strip() in whole.replace("\n", " ") or answer.strip() in whole
    assert "💾 Save" in chat.labels(replies[-1])
    assert all("reply_markup" not in reply.params for reply in replies[:-1])


async def test_an_idle_draft_is_parked_and_the_message_kept_as_a_note(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3208)
    await start_reflection(chat, "Morning teaching")
    async with db.session.begin() as session:
        [draft] = await session.scalars(select(Reflection).where(Reflection.user_id == chat.id))
        draft.updated_at = utcnow() - timedelta(days=2)
    ack, notice = await chat.say("A new pearl, days later", expect=2)
    assert "Kept your note" in ack.params["text"]
    assert "/reflect" in notice.params["text"]
    [draft] = await reflections_of(db, chat.id)
    assert (draft.status, draft.answers) == ("parked", {})


async def age(db: Database, user_id: int, delta: timedelta) -> None:
    """Make the user's reflections look untouched for `delta`."""
    async with db.session.begin() as session:
        for reflection in await session.scalars(
                select(Reflection).where(Reflection.user_id == user_id)):
            reflection.updated_at = utcnow() - delta


async def test_a_draft_picked_up_again_after_days_takes_answers(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3209)
    [ack] = await chat.say("Teaching session on ECGs")
    await chat.press("📝", ack)
    await chat.say("/cancel")
    await age(db, chat.id, timedelta(days=3))
    [question] = await chat.press("📝", ack)
    assert "1/4" in question.params["text"]
    [second] = await chat.say("ST elevation criteria")
    assert "2/4" in second.params["text"]


async def test_messages_that_are_not_answers_are_still_kept(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3210)
    await start_reflection(chat, "Audit of discharge letters")
    await choose(chat, "quick_note")
    # A forwarded post is a new note even mid-question.
    [ack] = await chat.say("Channel post about AKI", forward_origin={
        "type": "channel", "date": 1700000000, "message_id": 5,
        "chat": {"id": -100123, "type": "channel", "title": "Nephro pearls"}})
    assert "Nephro pearls" in ack.params["text"]
    await chat.say("Letters need a medication section")
    [refused] = await chat.say("no idea really")  # not a duration
    assert "/inbox" in refused.params["text"]
    async with db.session() as session:
        texts = set(await session.scalars(
            select(LearningMoment.text).where(LearningMoment.user_id == chat.id)))
    assert {"Channel post about AKI", "no idea really"} <= texts
    assert "Letters need a medication section" not in texts


async def test_an_edited_answer_is_not_a_new_note(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3211)
    await start_reflection(chat, "Ward round pearl")
    answer = chat.user.message(text="Typo in my answr")
    telegram.push({"message": answer})
    await chat._replies(1)
    chat.user.edit(answer, text="Typo in my answer")
    [reply] = await chat._replies(1)
    assert "Edit a section" in reply.params["text"]
    async with db.session() as session:
        texts = set(await session.scalars(
            select(LearningMoment.text).where(LearningMoment.user_id == chat.id)))
    assert texts == {"Ward round pearl"}


async def test_editing_an_entry_mid_reflection_returns_to_the_draft(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3212)
    await save_quick_note(chat, "First note", "First learning")
    [ack] = await chat.say("Second note")
    await chat.press("📝", ack)
    [log] = await chat.say("/log")
    [view] = await chat.press("1", log)
    await chat.press("📅", view)
    await chat.say("yesterday")
    [question] = await chat.say("An answer to the open draft")
    assert "2/" in question.params["text"].splitlines()[0]  # the draft's second question
    *_, draft = await reflections_of(db, chat.id)
    assert list(draft.answers.values()) == ["An answer to the open draft"]


async def test_an_abandoned_edit_prompt_does_not_swallow_a_later_note(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3213)
    await save_quick_note(chat, "Note", "Learning")
    [log] = await chat.say("/log")
    [view] = await chat.press("1", log)
    await chat.press("#️⃣", view)
    await age(db, chat.id, timedelta(hours=2))
    [ack] = await chat.say("Great talk on sepsis and fluids today")
    assert "Kept your note" in ack.params["text"]
    [entry] = await reflections_of(db, chat.id)
    assert entry.tags == []


async def test_the_time_stated_in_the_note_is_the_first_button(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3990, "en")
    await start_reflection(chat, "20 min on the new sepsis protocol")
    [menu] = await chat.press("🔄")
    [_first] = await chat.press(LIBRARY.templates["quick_note"].name.in_("en"), menu)
    [question] = await chat.say("Lactate within the first hour")
    assert "Now: 20 min" in question.params["text"]
    assert chat.labels(question)[0] == "✓ 20 min"  # one tap keeps it
    [card] = await chat.press("✓ 20 min", question)
    assert "⏱ 20 min" in card.params["text"]
    [times] = await chat.press("⏱", card)
    assert chat.labels(times)[0] == "✓ 20 min"
    [reflection] = await reflections_of(db, 3990)
    assert reflection.minutes == 20
