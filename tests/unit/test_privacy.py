"""The privacy guard: the corpus's recall and precision, and the pieces they rest on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.privacy.guard import find_identifiers, marked, nhs_number_valid, redact
from tests.support.privacy_corpus import CORPUS as CORPUS_PATH
from tests.support.privacy_corpus import FIRST_HOLDOUT, load, score

CORPUS = load()


def test_corpus_is_big_enough_in_every_language() -> None:
    for section in ("identifiable", "clean"):
        per_language = Counter(entry["language"] for entry in CORPUS[section])
        assert sum(per_language.values()) >= 80, section
        assert set(per_language) == {"en", "ru", "uk", "es"}, section
        assert min(per_language.values()) >= 20, (section, per_language)
    kinds = Counter(entry["kind"] for entry in CORPUS["identifiable"])
    assert set(kinds) == {"nhs", "mrn", "dob", "phone", "email", "postcode", "name",
                          "age_date"}


@pytest.mark.parametrize("path", [CORPUS_PATH, FIRST_HOLDOUT], ids=lambda path: path.name)
def test_recall_and_precision_meet_their_targets(path: Path) -> None:
    result = score(load(path))
    print(f"privacy guard: recall {result.recall:.3f} over {result.identifiable} identifiable "
          f"snippets, precision {result.precision:.3f} with {result.clean} clean ones")
    assert result.recall >= 0.9, [entry["must_flag"] for entry in result.missed]
    assert result.precision >= 0.8, (result.flagged_clean,
                                     [entry["must_flag"] for entry in result.wrong_span])


def test_a_finding_in_the_wrong_place_catches_nothing() -> None:
    """The scorer itself: only a finding over the named identifier counts as caught."""
    right = {"language": "en", "kind": "nhs", "text": "NHS 943 476 5919, sepsis",
             "must_flag": "943 476 5919"}
    # The guard marks the NHS number here, but the identifier the corpus names is the name,
    # which it misses.
    wrong = {"language": "en", "kind": "name",
             "text": "NHS 943 476 5919, spoke to john qwzx about it", "must_flag": "john qwzx"}
    assert [f.kind for f in find_identifiers(wrong["text"])] == ["nhs"]
    result = score({"identifiable": [right, wrong], "clean": []})
    assert (result.identifiable, result.caught, result.flagged_identifiable) == (2, 1, 2)
    assert result.missed == [wrong] and result.wrong_span == [wrong]
    assert (result.recall, result.precision) == (0.5, 0.5)
    with pytest.raises(AssertionError, match="is not in its note"):
        score({"identifiable": [{**right, "must_flag": "943 476 5918"}], "clean": []})


@pytest.mark.parametrize(("number", "valid"), [
    ("9434765919", True), ("4010232137", True), ("9434765918", False),
    ("1234567890", False),  # the check digit would be 10: no such number
    ("943476591", False), ("94347659199", False),
])
def test_nhs_check_digit(number: str, valid: bool) -> None:
    assert nhs_number_valid(number) is valid


def test_only_valid_nhs_numbers_are_flagged() -> None:
    assert [f.kind for f in find_identifiers("NHS 943 476 5919")] == ["nhs"]
    assert find_identifiers("ref 943 476 5918") == []


def test_redact_and_mark_cover_exactly_the_spans() -> None:
    text = "пациентка Петрова, тел. +7 (912) 345-67-89, NHS 943-476-5919 😊"
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == ["name", "phone", "nhs"]
    assert redact(text, findings) == "[name], тел. [phone], NHS [NHS No.] 😊"
    assert marked(text, findings).count("⟦") == 3
    assert "Петрова" not in redact(text, findings)


@pytest.mark.parametrize("text", [
    "", "🩺", "Hb 84 g/L, K+ 6.2, QTc 480 ms", "BP 120/80 mmHg, ratio 2:1",
    "a 72-year-old with sepsis", "course on 12/03/2026", "ICD-10 I48.91, ATC B01AF02",
    "lecture by Prof. Smith on Murphy's sign", "https://www.nice.org.uk/guidance/ng51",
    "x" * 4096,
])
def test_plain_clinical_learning_is_left_alone(text: str) -> None:
    assert find_identifiers(text) == []
