"""Duration and date parsing across English, Russian, Ukrainian and Spanish."""

from __future__ import annotations

from datetime import date

import pytest

from bot.common.dates import DateProblem, parse_date
from bot.common.durations import parse_duration

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(("phrase", "minutes"), [
    # English
    ("20 min", 20), ("1.5 h", 90), ("an hour", 60), ("half an hour", 30), ("2 hours", 120),
    ("1h30", 90), ("1 h 30 min", 90), ("10m", 10), ("45", 45), ("1:30", 90),
    ("two hours", 120), ("an hour and a half", 90), ("quarter of an hour", 15),
    ("about 40 minutes", 40), ("Hour", 60),
    # Russian
    ("полчаса", 30), ("1,5 ч", 90), ("полтора часа", 90), ("час", 60), ("40 мин.", 40),
    ("1 ч 15 мин", 75), ("двадцать минут", 20), ("два с половиной часа", 150),
    ("сорок минут", 40), ("3 часа", 180),
    # Ukrainian
    ("півгодини", 30), ("півтори години", 90), ("1 година 20 хвилин", 80), ("30 хв", 30),
    ("2 год", 120), ("п'ять хвилин", 5), ("п’ятнадцять хвилин", 15), ("година", 60),
    # Spanish
    ("1 hora", 60), ("media hora", 30), ("hora y media", 90), ("una hora y media", 90),
    ("90 minutos", 90), ("3 horas", 180), ("dos horas y media", 150),
    ("un cuarto de hora", 15), ("veinte minutos", 20),
])
def test_durations(phrase: str, minutes: int) -> None:
    assert parse_duration(phrase) == minutes


@pytest.mark.parametrize("phrase", [
    "", "abc", "0", "0 min", "25 h", "20 patients", "sepsis", "три", "-5 min", "100000",
])
def test_not_a_duration(phrase: str) -> None:
    assert parse_duration(phrase) is None


@pytest.mark.parametrize(("phrase", "expected"), [
    ("today", date(2026, 11, 22)), ("yesterday", date(2026, 11, 21)),
    ("5 days ago", date(2026, 11, 17)), ("12 march", date(2026, 3, 12)),
    ("3 Mar", date(2026, 3, 3)), ("2026-11-01", date(2026, 11, 1)),
    ("вчера", date(2026, 11, 21)), ("позавчера", date(2026, 11, 20)),
    ("3 дня назад", date(2026, 11, 19)), ("12 марта", date(2026, 3, 12)),
    ("сегодня", date(2026, 11, 22)),
    ("вчора", date(2026, 11, 21)), ("сьогодні", date(2026, 11, 22)),
    ("5 днів тому", date(2026, 11, 17)), ("12 березня", date(2026, 3, 12)),
    ("15 листопада", date(2026, 11, 15)),
    ("ayer", date(2026, 11, 21)), ("anteayer", date(2026, 11, 20)),
    ("hace 3 días", date(2026, 11, 19)), ("12 de marzo", date(2026, 3, 12)),
    ("25 noviembre", date(2025, 11, 25)),  # this year's would be in the future
    ("12.03", date(2026, 3, 12)), ("03.12", date(2025, 12, 3)),
    ("12/03/2026", date(2026, 3, 12)), ("1.12.25", date(2025, 12, 1)),
    ("22.11", date(2026, 11, 22)), ("23.11", date(2025, 11, 23)),
])
def test_dates(phrase: str, expected: date) -> None:
    assert parse_date(phrase, TODAY) == expected


@pytest.mark.parametrize(("phrase", "problem"), [
    ("tomorrow", DateProblem.IN_FUTURE), ("завтра", DateProblem.IN_FUTURE),
    ("mañana", DateProblem.IN_FUTURE), ("2027-01-01", DateProblem.IN_FUTURE),
    ("01.01.2020", DateProblem.TOO_OLD), ("400 days ago", DateProblem.TOO_OLD),
    ("31.02", DateProblem.UNREADABLE), ("someday", DateProblem.UNREADABLE),
    ("", DateProblem.UNREADABLE), ("12 smarch", DateProblem.UNREADABLE),
])
def test_date_problems(phrase: str, problem: DateProblem) -> None:
    assert parse_date(phrase, TODAY) is problem


# Kazakh, Georgian and Azerbaijani: the words in bot/common/phrases.toml, month names from CLDR.
@pytest.mark.parametrize(("language", "phrase", "minutes"), [
    ("kk", "20 мин", 20), ("kk", "1.5 сағ", 90), ("kk", "жарты сағат", 30),
    ("kk", "екі сағат", 120), ("kk", "1 сағат 30 минут", 90),
    ("ka", "20 წთ", 20), ("ka", "1.5 სთ", 90), ("ka", "ნახევარი საათი", 30),
    ("ka", "ორი საათი", 120), ("ka", "1 სთ 30 წთ", 90),
    ("az", "20 dəq", 20), ("az", "1.5 saat", 90), ("az", "yarım saat", 30),
    ("az", "iki saat", 120), ("az", "1 saat 30 dəqiqə", 90),
])
def test_durations_in_kazakh_georgian_azerbaijani(language: str, phrase: str,
                                                  minutes: int) -> None:
    assert parse_duration(phrase) == minutes, language


@pytest.mark.parametrize(("language", "phrase", "expected"), [
    ("kk", "бүгін", date(2026, 11, 22)), ("kk", "кеше", date(2026, 11, 21)),
    ("kk", "3 күн бұрын", date(2026, 11, 19)), ("kk", "12 наурыз", date(2026, 3, 12)),
    ("ka", "დღეს", date(2026, 11, 22)), ("ka", "გუშინ", date(2026, 11, 21)),
    ("ka", "3 დღის წინ", date(2026, 11, 19)), ("ka", "12 მარტი", date(2026, 3, 12)),
    ("az", "bu gün", date(2026, 11, 22)), ("az", "dünən", date(2026, 11, 21)),
    ("az", "3 gün əvvəl", date(2026, 11, 19)), ("az", "12 mart", date(2026, 3, 12)),
])
def test_dates_in_kazakh_georgian_azerbaijani(language: str, phrase: str,
                                              expected: date) -> None:
    assert parse_date(phrase, TODAY) == expected, language
