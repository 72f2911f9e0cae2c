"""The privacy guard: the corpus's recall and precision, and the pieces they rest on."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.privacy.guard import (
    KINDS,
    PLACEHOLDERS,
    find_identifiers,
    iin_valid,
    marked,
    nhs_number_valid,
    redact,
    snils_valid,
)
from handlers.privacy import FINDING_NAMES
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
             "text": "NHS 943 476 5919, spoke to qwzx vbnm about it", "must_flag": "qwzx vbnm"}
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


# -- national ID and insurance numbers ---------------------------------------------------------
# Every number below is invented; each passes (or, in the near misses, fails) its check.


@pytest.mark.parametrize(("language", "text", "number"), [
    ("en", "Russian patient, SNILS 112-233-445 95 on the transfer letter", "112-233-445 95"),
    ("en", "Kazakh student, IIN 900201401233, seen in A&E", "900201401233"),
    ("en", "Personal number 01024056789 on the Georgian referral", "01024056789"),
    ("en", "Tourist from Baku, FIN: 5ZQ8J2K on the insurance form", "5ZQ8J2K"),
    ("en", "Mexican visitor, CURP GOMR850715MDFRRS00, asthma review", "GOMR850715MDFRRS00"),
    ("en", "Peruvian student, DNI 41234567, chest pain", "41234567"),
    ("en", "UNZR 19900201-00455 on her Ukrainian ID card", "19900201-00455"),
    ("ru", "СНИЛС 112-233-445 95, пациент с ХСН", "112-233-445 95"),
    ("ru", "страховой номер 11223344595 в выписке", "11223344595"),
    ("ru", "ИИН 850715300122, пациентка с пневмонией", "850715300122"),
    ("ru", "пациент из Тбилиси, личный номер 01024056789", "01024056789"),
    ("ru", "ФИН 5ZQ8J2K в направлении из Баку", "5ZQ8J2K"),
    ("ru", "ИНН 500123456750 в договоре", "500123456750"),
    ("uk", "РНОКПП 3154028760 у виписці", "3154028760"),
    ("uk", "ІПН: 2987654313, хворий з пневмонією", "2987654313"),
    ("uk", "УНЗР 19850715-00121 у направленні", "19850715-00121"),
    ("uk", "запис ЄДДР 20031225-01017 на ID-картці", "20031225-01017"),
    ("es", "DNI 12345678Z, paciente con EPOC", "12345678Z"),
    ("es", "NIE X1234567L en el informe", "X1234567L"),
    ("es", "trae el Y7654321G anotado en la pulsera", "Y7654321G"),
    ("es", "CURP GOMR850715MDFRRS00 en la hoja de urgencias", "GOMR850715MDFRRS00"),
    ("es", "DNI 41234567-9 en la historia", "41234567-9"),
    ("es", "número personal 01024056789 (Georgia)", "01024056789"),
])
def test_national_ids_are_found(language: str, text: str, number: str) -> None:
    findings = find_identifiers(text)
    assert [(f.kind, f.text) for f in findings] == [("national_id", number)], language
    assert number not in redact(text, findings) and "[ID No.]" in redact(text, findings)


@pytest.mark.parametrize(("language", "text", "number"), [
    ("en", "SNILS 112-233-445 96 on the letter", "112-233-445 96"),  # check number 95
    ("en", "IIN 900201401234 on the referral", "900201401234"),  # check digit 3
    ("ru", "СНИЛС пациентки 11223344596 — опечатка", "11223344596"),
    ("ru", "ИНН 3154028761", "3154028761"),
    ("uk", "РНОКПП 3154028761", "3154028761"),  # check digit 0
    ("uk", "ІПН пацієнта 9492566554 вказала в рецепті", "9492566554"),
    ("uk", "УНЗР 19850715-00122", "19850715-00122"),  # check digit 1
    ("es", "DNI 12345678A en el informe", "12345678A"),  # control letter Z
    ("es", "la CURP mal capturada, la buena es GOMR870312MJCNRS09", "GOMR870312MJCNRS09"),
    ("az", "fin 7RDM2XA başqa karta bağlı idi", "7RDM2XA"),
    ("az", "FİN kodunu səhv yazmışam. Düzgünü 5ZK3P7M idi", "5ZK3P7M"),
])
def test_a_labelled_number_is_flagged_whatever_its_check_digit(
        language: str, text: str, number: str) -> None:
    """A typo in a check digit leaves the number pointing at the patient."""
    assert [f.text for f in find_identifiers(text)] == [number], language


@pytest.mark.parametrize(("language", "text"), [
    ("en", "112-233-445 96 on the letter"),  # a СНИЛС's shape, check number 95, no label
    ("en", "Final 5ZQ8J2K score"),  # not the label FIN
    ("uk", "20251301-00121 у направленні"),  # no 13th month
    ("es", "12345678A en el informe"),  # control letter Z
    ("es", "X1234567M en el informe"),  # control letter L
    ("es", "GOMR851315MDFRRS01 en la hoja"),  # a CURP's shape, no 13th month
    ("es", "fin de semana 5ZQ8J2K"),  # "fin" is a word, not the label
    ("en", "Lot number on the vial was 3004118827, expiry 06/2025"),  # a vaccine's lot
])
def test_unlabelled_numbers_failing_their_check_are_not_national_ids(
        language: str, text: str) -> None:
    assert find_identifiers(text) == [], language


@pytest.mark.parametrize(("number", "valid"), [
    ("11223344595", True), ("12345678964", True), ("11223344596", False), ("1122334459", False),
])
def test_snils_check_number(number: str, valid: bool) -> None:
    assert snils_valid(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("850715300122", True), ("030912603453", True), ("850715300123", False),
    ("601125500774", False),  # born in 2060
    ("851315300122", False),  # no 13th month
    ("850715700122", False),  # no 7th century digit
])
def test_iin_check_digit(number: str, valid: bool) -> None:
    assert iin_valid(number) is valid


def test_every_kind_has_a_name_and_a_placeholder() -> None:
    assert set(FINDING_NAMES) == set(KINDS) == set(PLACEHOLDERS)
    assert "privacy/*.toml" in tomllib.loads(
        (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    )["tool"]["setuptools"]["package-data"]["bot"]


# -- names: a bare surname by a bed, and eponyms and cities that are no one --------------------


@pytest.mark.parametrize(("language", "text", "surname"), [
    ("en", "Petrov from bed 5 asked for his notes", "Petrov"),
    ("en", "bed 5 (Okafor) refused bloods", "Okafor"),
    ("ru", "Петров из 5 палаты жаловался на боль", "Петров"),
    ("ru", "Сидорова из палаты №3 просила выписку", "Сидорова"),
    ("uk", "Петренко з 5 палати скаржився", "Петренко"),
    ("uk", "Коваль із палати 4 відмовився від крапельниці", "Коваль"),
    ("es", "la de la cama 3 (García) me preguntó por el alta", "García"),
    ("es", "García, cama 3, refiere dolor", "García"),
])
def test_a_surname_by_its_bed_is_a_name(language: str, text: str, surname: str) -> None:
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [("name", surname)], language


@pytest.mark.parametrize(("language", "text"), [
    ("en", "Transferred from bed 5 to ITU"),
    ("en", "Parkinson's disease, 3 patients on the ward"),
    ("en", "Glasgow Coma Scale, 14 on arrival"),
    ("en", "Pt Wells score 6, CTPA booked"),
    ("en", "Guillain-Barré, 2 cases this year"),
    ("en", "London, 12 beds closed"),
    ("en", "Kyiv, 3 cases of measles"),
    ("ru", "Пациентка из 5 палаты жалуется"),
    ("ru", "Перевели из 5 палаты"),
    ("ru", "Бабушку из 5 палаты перевели в реанимацию"),
    ("ru", "Болезнь Паркинсона, 12 пациентов в отделении"),
    ("ru", "болезнь Иценко-Кушинга, 2 случая"),
    ("ru", "пациентка Хашимото"),
    ("ru", "пациенты Москва и Казань"),
    ("uk", "Хвора з 5 палати скаржиться"),
    ("uk", "хвороба Паркінсона у хворого"),
    ("uk", "хворобою Альцгеймера страждає вже 3 роки"),
    ("uk", "пацієнти Київ, 12 випадків"),
    ("es", "Paciente, cama 3"),
    ("es", "Urgencias, box 3: dolor torácico"),
    ("es", "La de la cama 3 refiere dolor"),
    ("es", "enfermedad de Crohn y tiroiditis de Hashimoto"),
    ("es", "Enfermedad de Crohn, 3 casos esta semana"),
    ("es", "Madrid, 12 camas cerradas"),
    ("es", "paciente Lima"),
])
def test_eponyms_cities_and_descriptions_are_no_names(language: str, text: str) -> None:
    assert find_identifiers(text) == [], language


def test_an_eponym_after_a_title_is_a_person() -> None:
    assert [f.text for f in find_identifiers("Mr Parkinson, 45, came back")] == ["Mr Parkinson"]
