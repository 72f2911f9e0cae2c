"""End to end: commands, menus, the inbox, capture buttons and forged callbacks."""

from __future__ import annotations

from sqlalchemy import select

from storage.engine import Database
from storage.models import LearningMoment, User
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram, buttons
from tests.support.running import RunningBot


async def status_of(db: Database, moment_id: int) -> str | None:
    async with db.session() as session:
        return await session.scalar(
            select(LearningMoment.status).where(LearningMoment.id == moment_id))


async def test_command_menus_are_published_in_every_language(
        bot: RunningBot, telegram: FakeTelegram) -> None:
    assert set(telegram.commands) == {"", "en", "ru", "uk", "es", "kk", "ka", "az"}
    assert [c["command"] for c in telegram.commands["uk"]] == [
        "start", "reflect", "inbox", "log", "summary", "export", "import", "settings", "remind",
        "organisations", "org", "console", "privacy", "language", "help"]
    assert telegram.commands["ru"][0]["description"] == "Как работает бот"
    assert telegram.commands["es"][-1]["description"] == "Qué puedo hacer"
    delete_webhook = telegram.calls_to("deleteWebhook")[0]
    assert delete_webhook.params.get("drop_pending_updates") in (None, False)


async def test_start_greets_in_three_steps_in_telegrams_language(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    telegram.user(801, first_name="Оксана", language_code="uk").send_text("/start")
    reply = (await telegram.wait_for_sent(801, 2))[0]  # the greeting, then set-up
    lines = reply.params["text"].splitlines()
    assert lines[0].startswith("Вітаю, Оксана!")
    assert [line[:2] for line in lines[1:]] == ["1.", "2.", "3."]
    async with db.session() as session:
        user = await session.get(User, 801)
    assert user is not None and user.telegram_language == "uk" and user.language is None


async def test_help_lists_the_commands(bot: RunningBot, telegram: FakeTelegram) -> None:
    telegram.user(802, language_code="es").send_text("/help")
    [reply] = await telegram.wait_for_sent(802, 1)
    for command in ("/start", "/inbox", "/language", "/help"):
        assert command in reply.params["text"]
    assert "paciente" in reply.params["text"]


async def test_unknown_command_points_to_help(bot: RunningBot, telegram: FakeTelegram) -> None:
    telegram.user(803).send_text("/frobnicate")
    [reply] = await telegram.wait_for_sent(803, 1)
    assert "/help" in reply.params["text"]


async def test_language_switch_changes_every_later_reply(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(804, language_code="en")
    user.send_text("/language")
    [menu] = await telegram.wait_for_sent(804, 1)
    assert [label for label, _ in buttons(menu)] == ["✓ English", "Русский", "Українська",
                                                     "Español", "Қазақша", "ქართული",
                                                     "Azərbaycanca"]
    user.press(dict((label, data) for label, data in buttons(menu))["Русский"], menu.result)
    await telegram.wait_until(lambda: telegram.calls_to("editMessageText"), what="edit")
    assert telegram.calls_to("editMessageText")[-1].params["text"] == "Язык: Русский."
    user.send_text("Антибиотики при сепсисе в первый час")
    [_, ack] = await telegram.wait_for_sent(804, 2)
    assert "Сохранил вашу заметку." in ack.params["text"]
    async with db.session() as session:
        stored = await session.get(User, 804)
    assert stored is not None and stored.language == "ru"


async def test_inbox_pages_newest_first(bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(805)
    for number in range(1, 13):
        user.send_text(f"pearl number {number}")
    await telegram.wait_for_sent(805, 12)
    user.send_text("/inbox")
    [*_, first] = await telegram.wait_for_sent(805, 13)
    text = first.params["text"]
    assert text.startswith("12 learning moments are waiting for reflection.")
    assert text.index("pearl number 12") < text.index("pearl number 8")
    assert "pearl number 7" not in text
    assert [label for label, _ in buttons(first)] == ["1/3", "▶"]
    user.press(buttons(first)[1][1], first.result)
    await telegram.wait_until(lambda: telegram.calls_to("editMessageText"), what="page 2")
    second = telegram.calls_to("editMessageText")[-1]
    assert "pearl number 7" in second.params["text"]
    assert "pearl number 8" not in second.params["text"]
    assert [label for label, _ in buttons(second)] == ["◀", "2/3", "▶"]


async def test_empty_inbox(bot: RunningBot, telegram: FakeTelegram) -> None:
    telegram.user(806, language_code="ru").send_text("/inbox")
    [reply] = await telegram.wait_for_sent(806, 1)
    assert reply.params["text"].startswith("Ничего не ждёт.")


async def test_later_drop_and_undo(bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(807)
    user.send_text("ECG: de Winter T waves")
    [ack] = await telegram.wait_for_sent(807, 1)
    actions = {label.split()[-1]: data for label, data in buttons(ack)}
    moment_id = int(actions["Later"].rsplit(":", 1)[1])

    user.press(actions["Later"], ack.result)
    await telegram.wait_until(lambda: len(telegram.calls_to("editMessageText")) == 1)
    assert await status_of(db, moment_id) == "kept"
    assert "Kept for later" in telegram.calls_to("editMessageText")[-1].params["text"]

    user.press(actions["Drop"], ack.result)
    await telegram.wait_until(lambda: len(telegram.calls_to("editMessageText")) == 2)
    assert await status_of(db, moment_id) == "dropped"
    dropped = telegram.calls_to("editMessageText")[-1]
    assert [label for label, _ in buttons(dropped)] == ["↩️ Undo"]
    user.send_text("/inbox")
    await telegram.wait_for_sent(807, 2)
    assert telegram.sent(807)[-1].params["text"].startswith("Nothing is waiting")

    user.press(buttons(dropped)[0][1], ack.result)
    await telegram.wait_until(lambda: len(telegram.calls_to("editMessageText")) == 3)
    assert await status_of(db, moment_id) == "new"
    assert len(buttons(telegram.calls_to("editMessageText")[-1])) == 3


async def test_pressing_the_same_button_twice_is_harmless(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(808)
    user.send_text("Dropping twice")
    [ack] = await telegram.wait_for_sent(808, 1)
    drop = buttons(ack)[2][1]
    user.press(drop, ack.result)
    user.press(drop, ack.result)
    await telegram.wait_until(lambda: len(telegram.calls_to("answerCallbackQuery")) == 2)
    assert await status_of(db, int(drop.rsplit(":", 1)[1])) == "dropped"
    assert all(call.result is True for call in telegram.calls_to("answerCallbackQuery"))
    chat = Chat(telegram, 808)
    chat.seen = 1  # the acknowledgement
    assert await chat.settle() == []  # no error message was sent, then or later
    # The second press changed nothing: at most an edit Telegram refused as "not modified".
    assert len([call for call in telegram.calls_to("editMessageText") if call.result]) == 1


async def test_reflect_now_on_a_dropped_moment_has_expired(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(809, language_code="uk")
    user.send_text("Reflect on me")
    [ack] = await telegram.wait_for_sent(809, 1)
    reflect, drop = buttons(ack)[0][1], buttons(ack)[2][1]
    user.press(drop, ack.result)
    await telegram.wait_until(lambda: len(telegram.calls_to("answerCallbackQuery")) == 1)
    user.press(reflect, ack.result)
    await telegram.wait_until(lambda: len(telegram.calls_to("answerCallbackQuery")) == 2)
    answer = telegram.calls_to("answerCallbackQuery")[-1]
    assert answer.params["text"] == "Ця кнопка застаріла."
    assert await status_of(db, int(reflect.rsplit(":", 1)[1])) == "dropped"
    chat = Chat(telegram, 809, "uk")
    chat.seen = 1  # the acknowledgement
    assert await chat.settle() == []  # no question of a reflection, then or later


async def test_forged_and_foreign_buttons_reveal_and_change_nothing(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    owner, intruder = telegram.user(810), telegram.user(811, language_code="ru")
    owner.send_text("Private pearl about a patient-free topic")
    [ack] = await telegram.wait_for_sent(810, 1)
    moment_id = int(buttons(ack)[0][1].rsplit(":", 1)[1])
    forged = [f"m:d:{moment_id}", f"m:k:{moment_id}", f"m:r:{moment_id}",
              f"m:u:{moment_id}", "m:d:999999", "m:x:1", "m:d:-1", "lang:xx", "inbox:abc",
              "garbage", "m:d:" + "9" * 40]
    for data in forged:
        intruder.press(data)
    await telegram.wait_until(
        lambda: len(telegram.calls_to("answerCallbackQuery")) == len(forged), what="answers")
    answers = [call.params.get("text") for call in telegram.calls_to("answerCallbackQuery")]
    assert answers == ["Эта кнопка устарела."] * len(forged)
    assert await Chat(telegram, 811, "ru").settle() == []  # nothing, then or later
    assert await status_of(db, moment_id) == "new"
    assert not telegram.calls_to("editMessageText")


async def test_someone_elses_inbox_button_shows_only_your_own_inbox(
        bot: RunningBot, telegram: FakeTelegram) -> None:
    owner, other = telegram.user(812), telegram.user(813)
    owner.send_text("owner's secret learning")
    await telegram.wait_for_sent(812, 1)
    other.press("inbox:1")
    await telegram.wait_until(lambda: telegram.calls_to("editMessageText"))
    shown = telegram.calls_to("editMessageText")[-1].params["text"]
    assert "owner's secret" not in shown and shown.startswith("Nothing is waiting")


async def test_language_takes_the_language_typed_after_it(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 840, "en")
    [reply] = await chat.say("/language ru")
    assert reply.params["text"] == "Язык: Русский."
    assert "✓ Русский" in chat.labels(reply)
    async with db.session() as session:
        stored = await session.get(User, 840)
    assert stored is not None and stored.language == "ru"
    [reply] = await chat.say("/language Español")
    assert reply.params["text"] == "Idioma: Español."
    [reply] = await chat.say("/language klingon")
    assert reply.params["text"].startswith("⚠️") and "klingon" in reply.params["text"]
    assert "✓ Español" in chat.labels(reply), "the menu comes with the problem"
    async with db.session() as session:
        stored = await session.get(User, 840)
    assert stored is not None and stored.language == "es", "nothing changed"
    [reply] = await chat.say("/language")
    assert not reply.params["text"].startswith("⚠️") and len(chat.labels(reply)) == 7
