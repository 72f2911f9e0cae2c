"""End to end: /log paging and search, editing saved entries, delete and undo, ownership."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.library.loader import load_library
from storage.engine import Database
from storage.models import LearningMoment, Reflection, utcnow
from tests.e2e.test_reflection_e2e import (
    choose,
    reflections_of,
    save_quick_note,
    start_reflection,
)
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.running import RunningBot

LIBRARY = load_library()


async def entry(db: Database, reflection_id: int) -> Reflection:
    async with db.session() as session:
        found = await session.get(Reflection, reflection_id)
        assert found is not None
        return found


async def test_log_pages_newest_first_and_opens_in_full(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3301)
    for number in range(1, 8):
        await save_quick_note(chat, f"pearl {number}", f"learned thing number {number}")
    [log] = await chat.say("/log")
    text = log.params["text"]
    assert "7 reflections" in text
    assert text.index("number 7") < text.index("number 3")
    assert "number 2" not in text
    assert chat.labels(log)[:5] == ["1", "2", "3", "4", "5"]
    await chat.press("▶", log, expect=0)
    assert await chat.settle() == []  # paging edits the list and sends nothing new
    page_two = telegram.calls_to("editMessageText")[-1].params["text"]
    assert "number 2" in page_two and "number 1" in page_two and "number 7" not in page_two
    [opened] = await chat.press("1", log)
    assert "learned thing number 7" in opened.params["text"]
    assert "Quick note" in opened.params["text"]


async def test_search_by_keyword_and_tag(bot: RunningBot, telegram: FakeTelegram) -> None:
    chat = Chat(telegram, 3302)
    await save_quick_note(chat, "note one", "Septic shock: noradrenaline early #ICU")
    await save_quick_note(chat, "note two", "Asthma: check inhaler technique")
    await save_quick_note(chat, "note three", "СЕПСИС у детей: другие нормы #педиатрия")
    [found] = await chat.say("/log septic")
    assert "1 reflection matches" in found.params["text"] and "noradrenaline" in found.params[
        "text"]
    [cyrillic] = await chat.say("/log сепсис")
    assert "другие нормы" in cyrillic.params["text"]
    [tagged] = await chat.say("/log #icu")
    assert "noradrenaline" in tagged.params["text"] and "Asthma" not in tagged.params["text"]
    [partial_tag] = await chat.say("/log #ic")
    assert "Nothing in your log matches" in partial_tag.params["text"]
    [wildcard] = await chat.say("/log %")
    assert "Nothing in your log matches" in wildcard.params["text"]


async def test_proposed_topic_tags_can_be_added(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3303)
    await start_reflection(chat, "Sepsis bundle teaching")
    await choose(chat, "quick_note")
    await chat.say("Start antibiotics within the hour in septic shock")
    [card] = await chat.say("/skip")
    assert "#sepsis" in card.params["text"]
    [tagged] = await chat.press("➕", card)
    assert "#sepsis #antibiotics" in tagged.params["text"]
    [reflection] = await reflections_of(db, chat.id)
    assert reflection.tags == ["sepsis", "antibiotics"]


async def test_edit_every_field_of_a_saved_entry(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3304, "ru")
    await save_quick_note(chat, "Лекция по ХСН", "Главное: иНГЛТ-2 всем с СНнФВ")
    [reflection] = await reflections_of(db, chat.id)
    [log] = await chat.say("/log")
    [view] = await chat.press("1", log)
    [menu] = await chat.press("✏️", view)
    [prompt] = await chat.press(LIBRARY.templates["quick_note"].steps[0].title.ru, menu)
    assert "иНГЛТ-2" in prompt.params["text"]
    [edited] = await chat.say("Главное: иНГЛТ-2 при СНнФВ с первого дня")
    assert "с первого дня" in edited.params["text"]
    [date_menu] = await chat.press("📅", edited)
    assert "12.03" in date_menu.params["text"]  # it asks for a date, typed or picked
    [refused] = await chat.say("завтра")
    assert "Эта дата в будущем." in refused.params["text"]
    today = utcnow().date()
    assert (await entry(db, reflection.id)).activity_date == today  # unchanged
    [dated] = await chat.say("вчера")  # still asked for: the next answer is the date
    assert (await entry(db, reflection.id)).activity_date == today - timedelta(days=1)
    [time_menu] = await chat.press("⏱", dated)
    [timed] = await chat.say("полтора часа")
    assert (await entry(db, reflection.id)).minutes == 90
    [time_menu] = await chat.press("⏱", timed)
    [timed] = await chat.press("45", time_menu)
    [activity_menu] = await chat.press("🏷", timed)
    [changed] = await chat.press(LIBRARY.activities["event"].name.ru, activity_menu)
    [tags_prompt] = await chat.press("#️⃣", changed)
    [tagged] = await chat.say("#ХСН кардио")
    saved = await entry(db, reflection.id)
    assert (saved.minutes, saved.activity_type, saved.tags) == (45, "event", ["хсн", "кардио"])
    assert saved.answers == {"note": "Главное: иНГЛТ-2 при СНнФВ с первого дня"}
    assert saved.status == "saved"
    assert "#хсн #кардио" in tagged.params["text"]
    # After an edit, text is a new note again.
    assert "#️⃣" in tags_prompt.params["text"]
    [ack] = await chat.say("Новая заметка")
    assert "reply_parameters" in ack.params and "Сохранил вашу заметку." in ack.params["text"]
    assert (await entry(db, reflection.id)).tags == ["хсн", "кардио"]  # not taken as tags
    async with db.session() as session:
        notes = list(await session.scalars(select(LearningMoment.text).where(
            LearningMoment.user_id == chat.id).order_by(LearningMoment.id)))
    assert notes[0] == "Лекция по ХСН" and notes[-1] == "Новая заметка"
    # The answers given to the edit prompts were taken as answers, not kept as notes.
    assert not {"Главное: иНГЛТ-2 при СНнФВ с первого дня", "вчера", "полтора часа",
                "#ХСН кардио"} & set(notes)


async def test_cancel_leaves_an_edit_unchanged(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3305)
    await save_quick_note(chat, "note", "original answer")
    [log] = await chat.say("/log")
    [view] = await chat.press("1", log)
    [menu] = await chat.press("✏️", view)
    await chat.press("Learning", menu)
    [shown] = await chat.say("/cancel")
    assert "original answer" in shown.params["text"]
    [reflection] = await reflections_of(db, chat.id)
    assert reflection.answers == {"note": "original answer"}


async def test_delete_asks_and_can_be_undone(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3306)
    await save_quick_note(chat, "note", "to be deleted")
    [reflection] = await reflections_of(db, chat.id)
    [log] = await chat.say("/log")
    [view] = await chat.press("1", log)
    [confirm] = await chat.press("🗑", view)
    assert "30 days" in confirm.params["text"]
    assert (await entry(db, reflection.id)).status == "saved"
    [deleted] = await chat.press("🗑", confirm)
    assert (await entry(db, reflection.id)).status == "deleted"
    [empty] = await chat.say("/log")
    assert "empty" in empty.params["text"]
    await chat.press_data(chat.button("Yes", confirm), confirm, expect=0)  # pressed twice
    assert chat.alert == "This button has expired."
    notice, restored = await chat.press("↩️", deleted, expect=2)
    assert "Restored" in notice.params["text"]
    assert "to be deleted" in restored.params["text"]
    assert (await entry(db, reflection.id)).status == "saved"
    # Delete again, and restore from the log's recently-deleted list.
    [confirm] = await chat.press("🗑", restored)
    await chat.press("🗑", confirm)
    [log] = await chat.say("/log")
    [listing] = await chat.press("Recently deleted (1)", log)
    await chat.press("↩️", listing, expect=2)
    assert (await entry(db, reflection.id)).status == "saved"


async def test_past_the_undo_window_a_delete_is_final(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 3307)
    await save_quick_note(chat, "note", "old entry")
    [reflection] = await reflections_of(db, chat.id)
    [log] = await chat.say("/log")
    [view] = await chat.press("1", log)
    [confirm] = await chat.press("🗑", view)
    [deleted] = await chat.press("🗑", confirm)
    async with db.session.begin() as session:
        row = await session.get(Reflection, reflection.id)
        assert row is not None
        row.deleted_at = utcnow() - timedelta(days=31)
    await chat.press("↩️", deleted, expect=0)
    assert chat.alert == "This button has expired."
    await chat.say("/log")
    assert await reflections_of(db, chat.id) == []


async def test_no_one_can_reach_another_users_entries(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    owner, intruder = Chat(telegram, 3308), Chat(telegram, 3309)
    await save_quick_note(owner, "owner's note", "owner's private reflection")
    await start_reflection(owner, "owner's draft note")
    [reflection, draft] = await reflections_of(db, owner.id)
    async with db.session() as session:
        moment_ids = list(await session.scalars(
            select(LearningMoment.id).where(LearningMoment.user_id == owner.id)))
    await intruder.say("my own note")  # the intruder is a real user too
    forged = [f"rf:{action}:{reflection.id}" for action in
              ("v", "dl", "dy", "un", "ed", "dt", "tm", "ac", "tg", "tt", "sh", "sv", "ds")]
    forged += [f"rf:sc:{reflection.id}:note", f"rf:d:{reflection.id}:1",
               f"rf:m:{reflection.id}:30", f"rf:a:{reflection.id}:event",
               f"rf:go:{draft.id}", f"rf:cx:{draft.id}", f"rf:sk:{draft.id}:0",
               f"rf:nt:{draft.id}:0", f"rf:tl:{draft.id}", f"rf:tp:{draft.id}:gibbs",
               f"rf:pk:{draft.id}:{moment_ids[0]}", f"rf:bk:{draft.id}:1"]
    forged += [f"m:{action}:{moment_id}" for moment_id in moment_ids for action in "rkdu"]
    forged += ["rf:zz:1", "rf:v:abc", "rf:v:" + "9" * 30, "rf:", "x" * 64, "lg:abc", "m:r:"]
    for data in forged:
        await intruder.press_data(data, expect=0)
        assert intruder.alert == "This button has expired.", data
    assert await intruder.settle() == []  # no message for any press, then or later
    assert all("owner" not in call.params.get("text", "") for call in intruder.messages)
    after = await reflections_of(db, owner.id)
    assert [(r.id, r.status, r.answers, r.tags, r.minutes, r.activity_date) for r in after] == [
        (r.id, r.status, r.answers, r.tags, r.minutes, r.activity_date)
        for r in (reflection, draft)]
    async with db.session() as session:
        statuses = set(await session.scalars(
            select(LearningMoment.status).where(LearningMoment.user_id == owner.id)))
    assert statuses <= {"reflected", "new"}
    # The intruder's own log and search show nothing of the owner's.
    [log] = await intruder.say("/log owner")
    assert "owner's private" not in log.params["text"]
