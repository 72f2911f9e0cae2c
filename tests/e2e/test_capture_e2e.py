"""End to end: the real application against the fake Bot API keeps every capture kind."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import func, select

from storage.engine import Database
from storage.models import LearningMoment
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram, buttons
from tests.support.running import RunningBot


async def moments_of(db: Database, user_id: int) -> list[LearningMoment]:
    async with db.session() as session:
        rows = await session.scalars(
            select(LearningMoment).where(LearningMoment.user_id == user_id)
            .order_by(LearningMoment.id))
        return list(rows)


async def capture(telegram: FakeTelegram, db: Database, user_id: int = 501,
                  language: str = "en", **fields: Any) -> tuple[LearningMoment, Any]:
    """Send one message, wait for its acknowledgement, return the stored moment and ack."""
    user = telegram.user(user_id, language_code=language)
    before = len(telegram.sent(user_id))
    sent = user.send(**fields)
    acks = await telegram.wait_for_sent(user_id, before + 1)
    for _ in range(500):  # the bot records the ack's id just after Telegram accepts it
        stored = [m for m in await moments_of(db, user_id)
                  if m.message_id == sent["message_id"]]
        if stored and stored[0].ack_message_id is not None:
            break
        await asyncio.sleep(0.01)
    assert len(stored) == 1
    return stored[0], acks[before]


async def test_text_is_kept_and_acknowledged_with_three_buttons(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    moment, ack = await capture(telegram, db, text="qSOFA ≥2 should trigger a lactate")
    assert (moment.kind, moment.text, moment.urls) == (
        "text", "qSOFA ≥2 should trigger a lactate", [])
    assert moment.status == "new" and moment.sent_at.tzinfo is not None
    assert moment.ack_message_id == ack.result["message_id"]
    assert "Kept your note." in ack.params["text"]
    assert ack.params["reply_parameters"]["message_id"] == moment.message_id
    labels = [label for label, _ in buttons(ack)]
    assert labels == ["📝 Reflect now", "⏳ Later", "🗑 Drop"]
    assert all(data.endswith(f":{moment.id}") for _, data in buttons(ack))


async def test_links_are_extracted_with_utf16_offsets(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    text = "🩺🧠 read https://www.bmj.com/content/384/e077 and www.nice.org.uk/ng51 today"
    moment, ack = await capture(telegram, db, text=text)
    assert moment.kind == "link"
    assert moment.urls == ["https://www.bmj.com/content/384/e077", "www.nice.org.uk/ng51"]
    assert "Kept your link." in ack.params["text"]


async def test_hidden_text_link_is_extracted(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    moment, _ = await capture(telegram, db, text="Sepsis guideline", entities=[
        {"type": "text_link", "offset": 0, "length": 6, "url": "https://example.org/sepsis"}])
    assert moment.kind == "link" and moment.urls == ["https://example.org/sepsis"]


async def test_forwarded_channel_post_keeps_its_origin(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    origin_date = int(time.time()) - 86400
    moment, ack = await capture(telegram, db, text="New AHA guidance on ROSC care", forward_origin={
        "type": "channel", "date": origin_date, "message_id": 77, "author_signature": "Ed",
        "chat": {"id": -1001234, "type": "channel", "title": "BMJ Learning",
                 "username": "bmjlearning"}})
    assert moment.forward_origin is not None
    assert moment.forward_origin["type"] == "channel"
    assert moment.forward_origin["name"] == "BMJ Learning"
    assert moment.forward_origin["username"] == "bmjlearning"
    assert moment.forward_origin["message_id"] == 77
    assert moment.forward_origin["date"].startswith(
        time.strftime("%Y-%m-%d", time.gmtime(origin_date)))
    assert "BMJ Learning" in ack.params["text"]


async def test_forwarded_from_a_person_and_a_hidden_person(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    now = int(time.time())
    person, _ = await capture(telegram, db, text="Pearls from rounds", forward_origin={
        "type": "user", "date": now,
        "sender_user": {"id": 42, "is_bot": False, "first_name": "Iryna", "last_name": "K"}})
    hidden, _ = await capture(telegram, db, text="Another pearl", forward_origin={
        "type": "hidden_user", "date": now, "sender_user_name": "Dr Who"})
    assert person.forward_origin is not None and person.forward_origin["name"] == "Iryna K"
    assert hidden.forward_origin is not None and hidden.forward_origin["name"] == "Dr Who"


async def test_photo_with_and_without_caption(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    sizes = [{"file_id": f"ph{n}", "file_unique_id": f"uph{n}", "width": 90 * n,
              "height": 90 * n, "file_size": 1000 * n} for n in (1, 2, 3)]
    with_caption, ack = await capture(telegram, db, photo=sizes, caption="Slide: ECG in PE")
    assert (with_caption.kind, with_caption.text) == ("photo", "Slide: ECG in PE")
    assert (with_caption.file_id, with_caption.file_unique_id) == ("ph3", "uph3")
    assert "Kept your photo." in ack.params["text"]
    bare, ack = await capture(telegram, db, photo=sizes, caption="")
    assert (bare.kind, bare.text) == ("photo", "")
    assert "Kept your photo." in ack.params["text"]


async def test_documents_and_oversized_files(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    certificate, ack = await capture(telegram, db, document={
        "file_id": "doc1", "file_unique_id": "udoc1", "file_name": "ALS certificate.pdf",
        "mime_type": "application/pdf", "file_size": 120_000})
    assert (certificate.kind, certificate.file_name, certificate.mime_type) == (
        "document", "ALS certificate.pdf", "application/pdf")
    assert "20 MB" not in ack.params["text"]
    huge, ack = await capture(telegram, db, document={
        "file_id": "doc2", "file_unique_id": "udoc2", "file_name": "lecture.mp4",
        "file_size": 300 * 1024 * 1024}, caption="Grand round recording")
    assert huge.file_size == 300 * 1024 * 1024 and huge.file_id == "doc2"
    assert "20 MB" in ack.params["text"]


async def test_voice_audio_video_and_video_notes(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    voice, ack = await capture(telegram, db, voice={
        "file_id": "v1", "file_unique_id": "uv1", "duration": 42, "mime_type": "audio/ogg"})
    assert (voice.kind, voice.file_id, voice.file_unique_id, voice.duration_seconds) == (
        "voice", "v1", "uv1", 42)
    assert "Kept your voice note." in ack.params["text"]
    # No transcription here: the bot asks for a typed line to go with it.
    [_ack, asked] = (await telegram.wait_for_sent(501, 2))[-2:]
    assert "Type a line about what you learned" in asked.params["text"]
    audio, _ = await capture(telegram, db, audio={
        "file_id": "a1", "file_unique_id": "ua1", "duration": 1800, "title": "Podcast"})
    video_note, _ = await capture(telegram, db, video_note={
        "file_id": "vn1", "file_unique_id": "uvn1", "duration": 12, "length": 240})
    video, _ = await capture(telegram, db, video={
        "file_id": "vd1", "file_unique_id": "uvd1", "duration": 90, "width": 640,
        "height": 360})
    assert [audio.kind, video_note.kind, video.kind] == ["audio", "video_note", "video"]
    assert video_note.file_unique_id == "uvn1"


async def test_ack_is_in_the_users_telegram_language(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    expected = {"ru": "Сохранил вашу заметку.", "uk": "Зберіг вашу нотатку.",
                "es": "Guardé tu nota.", "kk": "Жазбаңыз сақталды.",
                "ka": "თქვენი ჩანაწერი შენახულია.", "az": "Qeydiniz saxlanıldı.",
                "ky": "Сохранил вашу заметку.", "fr": "Kept your note."}
    for offset, (language, sentence) in enumerate(expected.items()):
        _, ack = await capture(telegram, db, user_id=600 + offset, language=language,
                               text="Гіпокаліємія: контроль ЕКГ")
        assert sentence in ack.params["text"], language


async def test_redelivered_update_makes_one_moment_and_one_ack(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(700)
    message = user.message(text="Duplicate me")
    update = telegram.push({"message": message})
    await telegram.wait_for_sent(700, 1)
    # Telegram redelivers the same update, and a retried webhook could send the
    # same message under a new update id: both must be recognised.
    telegram.push({"message": message}, update_id=update["update_id"])
    telegram.push({"message": message})
    user.send_text("a later message")
    await telegram.wait_for_sent(700, 2)
    # The second reply is the later message's: no second acknowledgement came before it.
    assert "a later message" in telegram.sent(700)[1].params["text"]
    assert [m.text for m in await moments_of(db, 700)] == ["Duplicate me", "a later message"]
    assert len(telegram.sent(700)) == 2


async def test_edit_updates_the_moment_and_its_ack(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(710)
    original = user.send_text("Hyperkalemia: give calcium first")
    await telegram.wait_for_sent(710, 1)
    user.edit(original, text="Hyperkalaemia: calcium gluconate first, see https://rcuk.org")
    await telegram.wait_until(lambda: telegram.calls_to("editMessageText"), what="ack edit")
    [moment] = await moments_of(db, 710)
    assert moment.text.startswith("Hyperkalaemia: calcium gluconate")
    assert moment.kind == "link" and moment.urls == ["https://rcuk.org"]
    assert moment.edited_at is not None
    edit = telegram.calls_to("editMessageText")[-1]
    assert int(edit.params["message_id"]) == moment.ack_message_id
    assert "calcium gluconate" in edit.params["text"]
    chat = Chat(telegram, 710)
    chat.seen = 1  # the acknowledgement
    assert await chat.settle() == []  # no second acknowledgement, then or later
    assert len(telegram.calls_to("editMessageText")) == 1


async def test_edit_of_an_unknown_message_is_captured(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(720)
    user.edit(user.message(text="never seen"), text="edited before I knew it")
    await telegram.wait_for_sent(720, 1)
    assert [m.text for m in await moments_of(db, 720)] == ["edited before I knew it"]


async def test_hostile_text_is_kept_verbatim(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    long_text = ("Аритмії після кардіохірургії. " * 200)[:4096]
    emoji_rtl = "👩🏽‍⚕️ نقص بوتاسيوم الدم 🫀 עם שינויי אק\"ג — learned today"
    long_moment, ack = await capture(telegram, db, text=long_text)
    assert long_moment.text == long_text and len(ack.params["text"]) < 400
    rtl, ack = await capture(telegram, db, text=emoji_rtl)
    assert rtl.text == emoji_rtl
    assert "\u2068" in ack.params["text"] and "\u2069" in ack.params["text"]
    nul, _ = await capture(telegram, db, text="dose\x00 5 mg")
    assert nul.text == "dose 5 mg"


async def test_unsupported_kinds_get_a_friendly_answer_and_are_not_kept(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(730, language_code="es")
    user.send(sticker={"file_id": "s1", "file_unique_id": "us1", "type": "regular",
                       "width": 512, "height": 512, "is_animated": False, "is_video": False})
    user.send(poll={"id": "p1", "question": "Best IV fluid?", "options": [
        {"persistent_id": "o1", "text": "NaCl", "voter_count": 0},
        {"persistent_id": "o2", "text": "RL", "voter_count": 0}],
        "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False, "allows_revoting": False})
    user.send(contact={"phone_number": "+380000000", "first_name": "Nurse"})
    user.send(venue={"location": {"latitude": 50.45, "longitude": 30.52}, "title": "Clinic",
                     "address": "Khreshchatyk 1"})
    replies = await telegram.wait_for_sent(730, 4)
    assert all("No puedo guardar" in reply.params["text"] for reply in replies)
    assert "ubicación" in replies[3].params["text"]
    chat = Chat(telegram, 730, "es")
    chat.seen = 4
    assert await chat.settle() == []  # one answer each, and nothing after
    assert await moments_of(db, 730) == []


async def test_group_chats_are_told_to_use_a_private_chat(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    group = {"id": -4001, "type": "group", "title": "ICU team"}
    member = telegram.user(740, language_code="uk", chat=group)
    member.send_text("/start")
    member.send_text("what we learned on rounds")
    replies = await telegram.wait_for_sent(-4001, 2)
    assert all("особистих чатах" in reply.params["text"] for reply in replies)
    assert "@cpd_test_bot" in replies[0].params["text"]
    # The member's own updates are handled in order, group or private: once /help in a
    # private chat is answered, the group messages are done with.
    assert await Chat(telegram, 740, "uk").settle() == []
    assert len(telegram.sent(-4001)) == 2
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(LearningMoment)) == 0


async def test_a_429_on_the_ack_is_waited_out(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    moment, ack = await capture(telegram, db, user_id=750, text="after a rate limit")
    assert telegram.too_many_requests == 1
    assert moment.ack_message_id == ack.result["message_id"]


async def test_an_update_this_version_cannot_read_is_answered_and_blocks_nothing(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    user = telegram.user(760, language_code="ru")
    user.send(poll={"id": "p2", "question": "?", "options": []})  # missing required fields
    user.send_text("next message still arrives")
    replies = await telegram.wait_for_sent(760, 2)
    assert "Такое сообщение я сохранить не могу." in replies[0].params["text"]
    assert [m.text for m in await moments_of(db, 760)] == ["next message still arrives"]
