"""AI help without the wire: grounding, the schema, the prompts, the breaker, durations, config."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from openai.lib._pydantic import to_strict_json_schema

from bot.assist.breaker import Breaker
from bot.assist.drafting import draft_schema, keep_grounded, system_prompt
from bot.assist.grounding import ground, minutes_stated
from bot.common.durations import find_duration
from bot.config import ConfigError, load_config
from bot.library.data_files import DataFileError
from bot.library.loader import BUILT_IN_DIR, load_library

LIBRARY = load_library()
EVENT = LIBRARY.templates["event"]
NOTE = ("Webinar on sepsis, 45 min. Learned that qSOFA of two or more means think sepsis "
        "early; lactate above 2 needs a repeat.")


@pytest.mark.parametrize(("section", "kept"), [
    ("Webinar on sepsis.", "Webinar on sepsis."),
    ("qSOFA of two or more means think of sepsis early.",
     "qSOFA of two or more means think of sepsis early."),
    ("Lactate above 2 needs a repeat.", "Lactate above 2 needs a repeat."),
    # Invented facts: a number that isn't in the note, or words that aren't.
    ("Lactate above 4 needs a repeat.", None),
    ("Gave 40 mg furosemide IV.", None),
    ("Felt anxious and discussed it with the consultant afterwards.", None),
    ("Webinar on sepsis. Started antibiotics within the hour for every patient.",
     "Webinar on sepsis."),
    ("", None),
    (None, None),
])
def test_grounding_keeps_only_supported_sentences(section: str | None, kept: str | None) -> None:
    assert ground(section, NOTE) == kept


def test_grounding_follows_inflection_in_russian_and_ukrainian() -> None:
    note = "Разобрали сепсис у пожилых пациентов: qSOFA ≥2 — повод думать о сепсисе."
    assert ground("Разбор сепсиса у пожилых пациентов.", note) is not None
    assert ground("Назначили цефтриаксон 2 г внутривенно.", note) is None
    note_uk = "Вебінар про інсульт: тромболізис до 4,5 години від початку симптомів."
    assert ground("Тромболізис до 4,5 години від початку.", note_uk) is not None
    assert ground("Тромболізис до 6 годин.", note_uk) is None


def test_minutes_only_when_the_note_states_them() -> None:
    assert minutes_stated(45, NOTE) == 45
    assert minutes_stated(60, NOTE) is None
    assert minutes_stated(90, "курс полтора часа") == 90
    assert minutes_stated(30, "read for half an hour") == 30
    assert minutes_stated(None, NOTE) is None


@pytest.mark.parametrize(("text", "minutes"), [
    ("a 20-min webinar on sepsis", 20), ("курс 1,5 часа по ЭКГ", 90),
    ("spent half an hour reading", 30), ("webinar, 1 h 30 min", 90),
    ("вебінар дві години", 120), ("charla de 45 minutos", 45),
    ("I saw 3 patients at 3 am", None), ("qSOFA ≥2", None),
])
def test_a_time_is_found_inside_a_note(text: str, minutes: int | None) -> None:
    assert find_duration(text) == minutes


def test_schema_is_strict_and_matches_the_template() -> None:
    schema = to_strict_json_schema(draft_schema(LIBRARY, EVENT))
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"title", "activity", "minutes", "tags", "sections",
                                       "questions"}
    sections = schema["$defs"]["Sections"]
    assert list(sections["properties"]) == [step.id for step in EVENT.steps]
    assert set(sections["required"]) == set(sections["properties"])
    assert sections["additionalProperties"] is False
    assert schema["properties"]["activity"]["enum"] == list(LIBRARY.activities)


def test_keep_grounded_turns_unsupported_sections_into_questions() -> None:
    schema = draft_schema(LIBRARY, EVENT)
    answer = schema.model_validate({
        "title": "qSOFA", "activity": "event", "minutes": 50, "tags": ["Sepsis", "early warning"],
        "sections": {"what": "Webinar on sepsis.", "key_learning": None,
                     "practice_change": "Will give fluids 30 ml/kg."},
        "questions": {"what": None, "key_learning": "What did you learn?",
                      "practice_change": None},
    })
    kept = keep_grounded(LIBRARY, EVENT, answer, NOTE)
    assert kept.sections == {"what": "Webinar on sepsis."}
    assert kept.questions == {"key_learning": "What did you learn?"}
    assert kept.dropped == ["practice_change"]
    assert kept.minutes is None  # 50 isn't in the note
    assert kept.tags == ["sepsis", "early_warning"]


def test_prompts_exist_for_every_language_and_carry_the_sections() -> None:
    for language in ("en", "ru", "uk", "es"):
        prompt = system_prompt(LIBRARY, EVENT, language)
        assert EVENT.name.in_(language) in prompt
        assert all(f"- {step.id}: {step.title.in_(language)}" in prompt for step in EVENT.steps)
        assert "{" not in prompt.replace("{}", "")


def test_a_broken_prompt_file_stops_start_up(tmp_path: Path) -> None:
    copy = tmp_path / "prompts"
    shutil.copytree(BUILT_IN_DIR, copy)
    (copy / "assist" / "uk.md").write_text("Без розділів", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"assist/uk.md: \{template\}: must appear"):
        load_library(copy)
    (copy / "assist" / "uk.md").unlink()
    with pytest.raises(DataFileError, match=r"uk\.md: cannot be read"):
        load_library(copy)


def test_breaker_opens_after_failures_then_probes() -> None:
    now = SimpleNamespace(t=0.0)
    breaker = Breaker(3, 60, clock=lambda: now.t)
    for _ in range(3):
        assert breaker.allows()
        breaker.failed()
    assert not breaker.allows()
    now.t = 61
    assert breaker.allows()  # one probe
    assert not breaker.allows()  # and only one
    breaker.failed()
    assert not breaker.allows()
    now.t = 122
    assert breaker.allows()
    breaker.succeeded()
    assert breaker.allows() and breaker.allows()


def test_llm_and_privacy_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[llm]\nenabled = true\nbase_url = "http://localhost:8080/v1"\n'
                    '[privacy]\nsend_to_llm = "never"\n')
    config = load_config(str(path), environ={})
    assert config.llm.usable and config.llm.timeout == 20 and config.llm.max_retries == 1
    assert config.privacy.send_to_llm == "never"
    assert not load_config(str(path), environ={}).llm.api_key
    assert "sk-secret" not in repr(load_config(str(path), {"OPENAI_API_KEY": "sk-secret"}))
    path.write_text('[privacy]\nsend_to_llm = "sometimes"\n')
    with pytest.raises(ConfigError, match=r"privacy\.send_to_llm"):
        load_config(str(path), environ={})
    path.write_text('[llm]\nbase_url = "localhost:8080"\n')
    with pytest.raises(ConfigError, match=r"llm\.base_url: must start with http"):
        load_config(str(path), environ={})
    path.write_text('[llm]\nenabled = true\n')
    assert not load_config(str(path), environ={}).llm.usable  # no key and no server
