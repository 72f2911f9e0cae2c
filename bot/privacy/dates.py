"""Dates that point at a patient: dates of birth, and the dates of their admission,
operation, discharge or death; an age with a date."""

from __future__ import annotations

import re

from bot.privacy.words import (
    COURSES,
    LEARNING_EVENT,
    THINGS_NUMBERED,
    Span,
)

MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
          r"|ene|abr|ago|dic|янв|фев|апр|авг|сен|окт|ноя|дек"
           r"|январ\w*|феврал\w*|март\w*|апрел\w*|ма[яй]\w*|июн\w*|июл\w*|август\w*"
           r"|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*"
           r"|січ\w*|лют\w*|берез\w*|квіт\w*|травн\w*|черв\w*|лип\w*|серп\w*|верес\w*"
           r"|жовт\w*|листопад\w*|груд\w*"
           r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre"
           r"|octubre|noviembre|diciembre"
           r"|қаңтар\w*|ақпан\w*|наурыз\w*|сәуір\w*|мамыр\w*|маусым\w*|шілде\w*|тамыз\w*"
           r"|қыркүйек\w*|қазан\w*|қараша\w*|желтоқсан\w*"
           r"|იანვ\w*|თებერვ\w*|მარტ\w*|აპრილ\w*|მაის\w*|ივნის\w*|ივლის\w*|აგვისტო\w*"
           r"|სექტემბ\w*|ოქტომბ\w*|ნოემბ\w*|დეკემბ\w*"
           r"|yanvar\w*|fevral\w*|mart\w*|aprel\w*|may\w*|iyun\w*|iyul\w*|avqust\w*"
           r"|sentyabr\w*|oktyabr\w*|noyabr\w*|dekabr\w*")
_DATE = (r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"
         r"|\d{4}-\d{2}-\d{2}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?:{MONTHS})\.?,?\s+(?:de(?:l)?\s+)?\d{{4}}"
         # "12-Mar-1947", "03/feb/52"
         rf"|\d{{1,2}}[-/.](?:{MONTHS})[-/.]\s?(?:\d{{4}}|\d{{2}})"
         rf"|(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
         # "1947 жылғы 14 қыркүйек", "1951 წლის 12 მარტი", "1949-cu il 14 may"
         rf"|\d{{4}}\s*(?:-?\s*(?:жылғы|жылы|жыл|წლის|ci|cı|cu|cü)\s*(?:il\w*)?)?\s+\d{{1,2}}"
         rf"\s*-?\s*(?:{MONTHS}))")
DATE_RE = re.compile(rf"(?i)(?<![\d.]){_DATE}(?![\d])")
_DOB = re.compile(
    # Written in full or cut anywhere, with or without the dots: "д.р", "дата рожд.", "ДР:",
    # "fecha nac", "дата народж.", "დაბადების თარ", "doğum tar.", "туған 1949 ж."
    r"(?i)(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth|\bborn(?:\s+on)?|\bb\.|"
    r"дата\s+рожд\w*\.?|(?<!\w)д\.?\s?р\b\.?|(?<!\w)д/р\b|г\.\s?р\.|родил(?:ся|ась)|"
    r"дата\s+нар(?:одж)?\w*\.?|(?<!\w)д\.\s?н\.?|р\.\s?н\.|"
    r"народил(?:ся|ася|ась)|народжен\w*|fecha\s+(?:de\s+)?nac\w*\.?|\bf\.?\s?(?:de\s+)?nac\w*\.?|"
    r"nacid[oa](?:\s+(?:el|en))?|\bfn|(?<!\w)н\.(?=\s?\d)|\bнар\.|\bнародж\.|"
    r"туған\s+(?:күні|күн|жылы|жыл|уақыты)|туылған\s+(?:күні|жылы)|(?<!\w)туған|"
    r"დაბადების\s+(?:თარიღი|თარ\w*\.?|წელი)|დაბ\.\s*(?:თარიღი|თარ\.?|წ\.)?|დაიბადა|"
    r"doğum\s+(?:tar\w*\.?|ili|günü)|\bd\.\s?t\.|anadan\s+olub|doğulub)"
    rf"\s*:?\s*(?:{_DATE}|(?:в\s+|у\s+|en\s+|in\s+)?(?:19|20)\d{{2}}(?:\s*(?:г\.|р\.|року|года|ж\.|жылы|წ\.|წელს|-?ci\s+il|il))?)")
_BIRTH_YEAR = re.compile(rf"(?i)(?<![\d.])(?:{_DATE}|(?:19|20)\d{{2}})\s*(?:г\.\s?р\.|р\.\s?н\.|"
                         r"года\s+рожд\w*|року\s+народж\w*|г\.\s?р|р\.\s?н|гр\.|"
                         r"(?:-?\s*(?:ci|cı|cu|cü)\s+il\w*\s+)?(?:təvəllüdlü|doğumlu|anadan\s+olub)"
                         r"|(?:ж\.|жылы)\s+туған|ж\.\s?т\.|წელს\s+დაბადებული|(?:წ\.|წლის)\s+დაბადებ\w*"
                         # a full date, then "born": "2008 жылғы 3 наурыз туған"
                         r"|(?<=\D)(?:туған|туылған|doğulub|დაიბადა|родил\w*|народил\w*|born)\b)")
# A full date a few words after a word of birth ("the dob on it was 2nd Nov 1939", "дату
# рождения 17.04.1941", "туған күнін растады – 14.09.1947"), or in the last century: in a
# note on one's learning, a date from before 2000 is someone's birthday.
_BIRTH_WORD = re.compile(
    r"(?i)(?:\bd\.?o\.?b\b|\bbirth|\bborn\b|(?<!ново)рожд|родил|(?<!ново)народж|народил|\bнар\.|туған"
    r"|туыл"
    r"|დაბადებ|დაიბადა|doğum|doğul|təvəllüd|anadan\s+olub|nacimiento|naci[ód]|\bf\.?\s?nac"
    r"|\bnac\.)[^\n!?]{0,40}$")
_BIRTH_WINDOW = 60
# A day and month alone is a birthday only after a label that says so: "mum gave DOB as 2nd
# March"; "курс по реанимации новорождённых 21–22 ноября" is a course.
_BIRTH_LABEL = re.compile(
    r"(?i)(?:\bd\.?o\.?b\b|date\s+of\s+birth|birthday|дат\w*\s+рожд|дат\w*\s+народж|д\.\s?р\."
    r"|день\s+рожд|fecha\s+de\s+nac|\bf\.\s?nac|туған\s+күн|doğum\s+tarix|doğum\s+günü"
    r"|დაბადების\s+თარიღ)[^\n!?]{0,40}$")


def _birth_date(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - _BIRTH_WINDOW):match.start()]
    if not re.search(r"\d{4}|[./-]\d{2}$", match.group()):  # a day and month, no year
        return bool(_BIRTH_LABEL.search(before))
    if _BIRTH_WORD.search(before):
        return True
    year = re.findall(r"\d{4}", match.group())
    return bool(year) and "1900" <= year[-1] < "2000" and not (
        THINGS_NUMBERED.search(before) or LEARNING_EVENT.search(before[-30:]))


_AGE = re.compile(
    r"(?i)(?<![\d.])\d{1,3}\s*-?\s*(?:years?[\s-]*old|y/?o\b|yrs?\b|лет\b|года\b|год\b"
    r"|років\b|роки\b|рік\b|р\.(?!\s?н)|años\b|año\b|a\.(?=\s)"
    r"|жаста\w*|жас\b|жасар\w*|წლის\b|yaş\w*)"
    r"|\b(?:[MFМЖ]|male|female|муж|жен|чол|жін)\.?\s?\d{1,3}\b(?![.,:/]\d)")


# A day and month near a word of admission, discharge, operation or death: a date of the
# patient's care ("admitted 12/01", "поступил 03.02", "11.02-де ауруханаға түсті").
_DAY_MONTH = re.compile(
    rf"(?i)(?<![\d.,/:])(?!24/7\b)(?:(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])(?![\d]|[./:,]\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?:{MONTHS})(?!\w)(?!\s*(?:de\s+)?\d))")
_CARE_WORDS = (
    r"(?:re-?)?admitted|adm\b|(?:re)?admission|discharged|presented|died|operated|op\b|arrived"
    r"|brought\s+in|stepped\s+down|transferred|inserted|placed|put\s+in|removed|sited"
    r"|passed\s+away|death|surgery|operation|procedure|underwent|first\s+seen|seen\s+here"
    r"|attended|re-?attend\w*|orif|fixation|arthroplasty|repair\w*|performed|done"
    r"|остеосинтез\w*|эндопротез\w*|ендопротез\w*|ампутац\w*|ამპუტაცი\w*|amputasiya\w*"
    r"|amputation|amputación|scope|endoscop\w*|colonoscop\w*|\bOGD\b|ERCP|biops\w*"
    r"|проведен\w*|выполнен\w*|сделан\w*|зроблен\w*|виконан\w*|ჩატარდ\w*|გაკეთდ\w*"
    r"|edildi|aparıldı|çıxarıl\w*|olunub|edilib|qoyulub|yatırıl\w*|ჩაუდგ\w*|ჩაიდგ\w*"
    r"|stroke|инсульт\w*|інсульт\w*|ინსულტ\w*|insult\w*|infarct\w*|инфаркт\w*|інфаркт\w*"
    r"|ინფარქტ\w*"
    r"|had\s+(?:an?\s+|her\s+|his\s+)?[\w\s]{2,20}?\s+on"
    r"|induced|delivered|gave\s+birth|c-section|caesarean"
    r"|поступ\w*|госпитал\w*|выпис\w*|оперирован\w*|прооперир\w*|умер\w*|доставлен\w*"
    r"|привез\w*|надійш\w*|госпіталіз\w*|випис\w*|прооперов\w*|помер\w*"
    r"|операци\w*|операці\w*|оперов\w*|родил\w*|родоразреш\w*|народил\w*"
    r"|ingres\w*|operad\w*|intervenid\w*|dad[oa]\s+de\s+alta|alta|falleci\w*|lleg[óo]"
    r"|cirugía|operación|intervención|parto|pari[óo]|cesárea"
    r"|түсті|түскен|жатқызыл\w*|шығарыл\w*|ота\w*|жасал\w*|қайтыс|босанд\w*"
    r"|შემოვიდა|შემოიყვანეს|მოთავსდა|გაეწერ\w*|გაწერ\w*|ოპერირ\w*|ოპერაცი\w*|გარდაიცვალა|მიიღეს"
    r"|მშობიარობ\w*"
    r"|daxil\s+ol\w*|yerləşdiril\w*|yazıl\w*|əməliyyat\w*|vəfat|gətiril\w*|qəbul\s+olun\w*"
    r"|doğdu|doğuş\w*"
    r"|\w*(?:ectom|эктом|ектом|ექტომ|ektom|ostom|остом|plast|пласт)\w*")
# A course named earlier in the sentence: its date is the course's.
_COURSE_BEFORE = re.compile(rf"(?i)(?:{COURSES})[^!?\n]{{0,60}}$")
_CARE_EVENT = re.compile(
    rf"(?i)(?:{_CARE_WORDS})[^\n.!?]{{0,20}}?$"
    rf"|(?:-?(?:де|да|те|та|ს|ში|də|da|dən|dan|ден|нан)?[\s,]+)(?:[^\W\d][\w-]*\s+){{0,2}}"
    rf"(?i:{_CARE_WORDS})")


def find(text: str) -> list[Span]:
    """Dates of birth, and dates of a patient's care with or without an age."""
    found: list[Span] = [("dob", *match.span()) for pattern in (_DOB, _BIRTH_YEAR)
                         for match in pattern.finditer(text)]
    found += [("dob", *match.span()) for pattern in (DATE_RE, _DAY_MONTH)
              for match in pattern.finditer(text) if _birth_date(text, match)]
    ages = list(_AGE.finditer(text))
    dates = [m for m in DATE_RE.finditer(text)
             if not LEARNING_EVENT.search(text[max(0, m.start() - 30):m.start()])
             and not THINGS_NUMBERED.search(text[max(0, m.start() - 40):m.start()])]
    if ages and dates:
        found += [("age_date", *match.span()) for match in (*ages, *dates)]
    for match in (*dates, *_DAY_MONTH.finditer(text)):
        if _COURSE_BEFORE.search(text[max(0, match.start() - 60):match.start()]):
            continue  # "лекція проф. Гордійчука О.В. 17.04 про інфаркт"
        if _CARE_EVENT.search(text[max(0, match.start() - 30):match.start()]) or (
                _CARE_EVENT.match(text, match.end())):
            age = next((a for a in reversed(ages) if 0 <= match.start() - a.end() <= 40), None)
            found.append(("age_date", age.start() if age else match.start(), match.end()))
    return found
