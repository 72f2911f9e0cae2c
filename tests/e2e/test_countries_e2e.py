"""Issue 15's "done when", over the wire: a clinician whose Telegram speaks Georgian, Kazakh
or Azerbaijani gets the bot in that language, is offered their country's framework first
after typing their city, and exports a PDF that draws their script."""

from __future__ import annotations

import pytest

from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.pdf_glyphs import drawn_characters
from tests.support.running import RunningBot


@pytest.mark.parametrize(("language", "name", "city", "framework", "period", "letters"), [
    ("ka", "ნათია", "თბილისი", "საქართველო", "მიმდინარე უპგ წელი", "ნათია"),
    ("kk", "Әйгерім", "Алматы", "Қазақстан", None, "Әйгерім"),
    ("az", "Gülşən", "Bakı", "Azərbaycan", None, "Gülşən"),
])
async def test_the_whole_bot_in_the_clinicians_language_and_script(
        bot: RunningBot, telegram: FakeTelegram, language: str, name: str, city: str,
        framework: str, period: str | None, letters: str) -> None:
    chat = Chat(telegram, 9700 + ["ka", "kk", "az"].index(language), language, first_name=name)
    replies = await chat.say("/start", expect=2)
    assert name in replies[0].params["text"]
    await chat.press(chat.labels(replies[-1])[-1], replies[-1])  # ⌨️ type the city
    [frameworks] = await chat.say(city)
    assert chat.labels(frameworks)[0].startswith(framework)  # the country's comes first
    [chosen, profession] = await chat.press(chat.labels(frameworks)[0], frameworks, expect=2)
    assert framework in chosen.params["text"]
    [cycle] = await chat.press(chat.labels(profession)[0], profession)
    [settings] = await chat.press(chat.labels(cycle)[0], cycle)  # skip the cycle's date
    assert "5E+1" not in settings.params["text"]
    await chat.say("Hypertension 2025: " + city)
    [ask] = await chat.say("/export")
    [formats] = await chat.press(period or chat.labels(ask)[0], ask)
    [pdf_label] = [label for label in chat.labels(formats) if "PDF" in label]
    await chat.press(pdf_label, formats, expect=0)
    [document] = await telegram.wait_for_sent(chat.id, 1, method="sendDocument")
    data = document.files["document"]
    assert data.startswith(b"%PDF")
    assert set(letters) <= drawn_characters(data), set(letters) - drawn_characters(data)
