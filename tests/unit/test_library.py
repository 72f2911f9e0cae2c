"""The data files in prompts/: every shipped file is valid, and a broken one is named exactly."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.common.i18n import SUPPORTED_LANGUAGES
from bot.library.data_files import DataFileError
from bot.library.loader import BUILT_IN_DIR, load_library
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import write_config

REQUIRED_TEMPLATES = {"rolfe", "gibbs", "point_of_care", "case_review", "event", "quick_note"}


def test_shipped_templates_cover_the_known_models() -> None:
    library = load_library()
    assert REQUIRED_TEMPLATES <= set(library.templates)
    gibbs = library.templates["gibbs"]
    assert [step.title.en for step in gibbs.steps] == [
        "Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"]
    assert [s.title.en for s in library.templates["rolfe"].steps] == [
        "What?", "So what?", "Now what?"]
    assert [s.id for s in library.templates["point_of_care"].steps] == [
        "question", "sources", "application"]
    assert len(library.templates["quick_note"].steps) == 1
    for template in library.templates.values():
        assert template.source_url.startswith("https://")
        for step in template.steps:
            assert step.max_length <= 4000


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "prompts"
    shutil.copytree(BUILT_IN_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    ("templates/gibbs.toml", 'ru = "Что произошло?", ', "",
     "templates/gibbs.toml: steps[0].prompt.ru: missing"),
    ("templates/rolfe.toml", "required = true", 'required = "often"',
     "templates/rolfe.toml: steps[0].required: Input should be a valid boolean"),
    ("templates/rolfe.toml", "max_length = 2000", "max_length = 9000",
     "templates/rolfe.toml: steps[0].max_length: Input should be less than or equal to 4000"),
    ("templates/rolfe.toml", 'id = "so_what"', 'id = "what"',
     "templates/rolfe.toml: steps: step ids must be unique; repeated: what"),
    ("templates/event.toml", 'id = "event"', 'id = "events"',
     "templates/event.toml: id: must match the file name ('event')"),
    ("templates/event.toml", 'suggested_for = ["event"]', 'suggested_for = ["party"]',
     "templates/event.toml: suggested_for: unknown activity type 'party'"),
    ("templates/quick_note.toml", "[name]", "[name]\nfr = \"Note\"",
     "templates/quick_note.toml: name.fr: unknown key"),
    ("templates/case_review.toml", 'order = 40', 'order = 40\norder = 41',
     "templates/case_review.toml: not valid TOML"),
    ("activities.toml", 'kinds = ["photo"]', 'kinds = ["hologram"]',
     "activities.toml: event.kinds: unknown capture kind 'hologram'"),
    ("topics.toml", 'tag = { en = "stroke", ', 'tag = { ',
     "topics.toml: stroke.tag.en: missing"),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN)
def test_a_broken_file_is_named_with_its_key(prompts_copy: Path, file: str, old: str,
                                             new: str, message: str) -> None:
    _edit(prompts_copy / file, old, new)
    with pytest.raises(DataFileError) as caught:
        load_library(prompts_copy)
    assert str(caught.value).startswith(f"{prompts_copy}/{message.split(': ', 1)[0]}: ")
    assert message.split(": ", 1)[1] in str(caught.value)


def test_missing_files_are_reported(prompts_copy: Path) -> None:
    (prompts_copy / "topics.toml").unlink()
    with pytest.raises(DataFileError, match=r"topics\.toml: file not found"):
        load_library(prompts_copy)
    shutil.copy(BUILT_IN_DIR / "topics.toml", prompts_copy / "topics.toml")
    shutil.rmtree(prompts_copy / "templates")
    (prompts_copy / "templates").mkdir()
    with pytest.raises(DataFileError, match="no template files"):
        load_library(prompts_copy)


def test_a_broken_template_stops_start_up(
        prompts_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(prompts_copy / "templates/gibbs.toml", 'uk = "Опис", ', "")
    config_path = write_config(tmp_path / "config.toml", FakeTelegram(), "sqlite:///x.db")
    with config_path.open("a", encoding="utf-8") as config:
        config.write(f'\n[prompts]\ndir = "{prompts_copy}"\n')
    assert main(["--config", str(config_path), "run"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (f"cpdbot: data file error: {prompts_copy}/templates/gibbs.toml: "
                     "steps[0].title.uk: missing")


def test_every_shipped_text_is_in_every_interface_language() -> None:
    """A clinic's own files may leave out the newer languages (the nearest stands in); the
    shipped ones may not."""
    def localised(value: object) -> list[dict[str, object]]:
        if isinstance(value, dict):
            if {"en", "ru"} <= set(value):
                return [value]
            return [found for item in value.values() for found in localised(item)]
        if isinstance(value, list):
            return [found for item in value for found in localised(item)]
        return []

    for path in sorted(BUILT_IN_DIR.rglob("*.toml")):
        for text in localised(tomllib.loads(path.read_text(encoding="utf-8"))):
            missing = [language for language in SUPPORTED_LANGUAGES if not text.get(language)]
            assert not missing, (path.name, text["en"], missing)
    for language in SUPPORTED_LANGUAGES:
        assert (BUILT_IN_DIR / "assist" / f"{language}.md").is_file(), language
