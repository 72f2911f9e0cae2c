"""The privacy guard: likely patient identifiers in a clinician's note, found locally.

It runs before any text could leave the server, with or without an LLM set up. It looks for
NHS numbers (check digit verified), national ID and insurance numbers of the countries our
clinicians work in (check digits verified where they have them), record and hospital numbers
by their labels, dates of birth, phone numbers, e-mail addresses, postcodes, personal names
next to clinical words or a bed, and an age together with a date, in English, Russian,
Ukrainian and Spanish. It is a net with known holes, not a proof: the clinician sees what it
marked and decides.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.mx import curp as mx_curp
from stdnum.pe import cui as pe_cui
from stdnum.ru import inn as ru_inn
from stdnum.ua import rntrc as ua_rntrc

# Ties between kinds over the same span go to the first: a number after "РНОКПП" that
# happens to pass the NHS check too is the Ukrainian one.
KINDS = ("national_id", "nhs", "mrn", "dob", "phone", "email", "postcode", "name", "age_date")
PLACEHOLDERS = {"national_id": "[ID No.]", "nhs": "[NHS No.]", "mrn": "[record No.]",
                "dob": "[DOB]",
                "phone": "[phone]", "email": "[e-mail]", "postcode": "[postcode]",
                "name": "[name]", "age_date": "[date]"}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


# -- numbers ---------------------------------------------------------------------------------

_NHS = re.compile(r"(?<![\d\w])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d\w])")


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 over the first nine digits; 11 - remainder is the check
    digit (11 means 0, 10 means the number can't exist)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


# -- national ID and insurance numbers --------------------------------------------------------
# The check digits of Ukraine's РНОКПП, Russia's ИНН, Spain's DNI and NIE, Mexico's CURP and
# Peru's DNI are python-stdnum's; it has none for the three below, written here.


def snils_valid(digits: str) -> bool:
    """Russia's СНИЛС: weights 9..1 over the first nine digits; the sum modulo 101 (100
    counting as 0) is the last two."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    check = sum(int(d) * w for d, w in zip(digits[:9], range(9, 0, -1), strict=True)) % 101
    return (0 if check == 100 else check) == int(digits[9:])


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        return date(year, month, day) <= date.today()
    except ValueError:
        return False


def unzr_valid(number: str) -> bool:
    """Ukraine's УНЗР, YYYYMMDD-XXXXC: a real birth date, then weights 7, 3, 1 repeated over
    the twelve digits before the check digit, the sum's last digit being it."""
    digits = number.replace("-", "")
    if len(digits) != 13 or not digits.isdigit():
        return False
    if not _real_date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])):
        return False
    weights = (7, 3, 1) * 4
    return sum(int(d) * w for d, w in zip(digits[:12], weights, strict=True)) % 10 == int(
        digits[12])


def iin_valid(digits: str) -> bool:
    """Kazakhstan's ИИН: YYMMDD of birth, a century-and-sex digit (1-6), four more, and a
    check digit: weights 1..11 modulo 11, or 3..11, 1, 2 when that gives 10 (10 again: no
    such number)."""
    if len(digits) != 12 or not digits.isdigit() or not "1" <= digits[6] <= "6":
        return False
    century = 1700 + 100 * ((int(digits[6]) + 1) // 2)  # 1, 2: the 1800s; 3, 4; 5, 6
    if not _real_date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6])):
        return False
    first, second = tuple(range(1, 12)), (*range(3, 12), 1, 2)
    weights: tuple[int, ...]
    for weights in (first, second):
        check = sum(int(d) * w for d, w in zip(digits[:11], weights, strict=True)) % 11
        if check != 10:
            return check == int(digits[11])
    return False


_GEORGIA = (r"(?:georgia|грузи|грузі|tbilisi|тбилис|тбіліс|batumi|батум|kutaisi|кутаис"
            r"|кутаїс)")


def _labelled(label: str, number: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{label})\s*(?:№|#|:|-|N\.?[ºo°]\.?|n\.?[ºo°]\.?|no\.?)?\s*"
                      rf"(?P<id>{number})(?![\w-])")


def _digits(check: Callable[[str], bool]) -> Callable[[str], bool]:
    """`check` over the number with its separators (spaces, dashes, dots) taken out."""
    return lambda number: check(re.sub(r"[\s.-]", "", number))


def _any(number: str) -> bool:
    return True


# Each: a pattern with the number in group "id", and the check that number must pass.
_NATIONAL_IDS: list[tuple[re.Pattern[str], Callable[[str], bool]]] = [
    # СНИЛС written as it is printed, "123-456-789 01", or labelled.
    (re.compile(r"(?<![\d-])(?P<id>\d{3}-\d{3}-\d{3}[ -]\d{2})(?![\d-])"), _digits(snils_valid)),
    (_labelled(r"(?i:снилс|snils|страхов\w+\s+номер\w*)",
               r"\d{3}[- ]?\d{3}[- ]?\d{3}[- ]?\d{2}"), _digits(snils_valid)),
    # РНОКПП/ІПН (10 digits, Ukraine) or ИНН (12, Russia), labelled: bare ten-digit numbers
    # are too common (a tenth of them pass).
    (_labelled(r"(?i:\bрнокпп|\bрнукпн|\bіпн|\bипн|\bинн|\brnokpp|\binn\b|\bipn\b"
               r"|ідентифікаційн\w+\s+(?:код|номер)\w*|идентификационн\w+\s+(?:код|номер)\w*"
               r"|податков\w+\s+номер\w*|налогов\w+\s+номер\w*)",
               r"\d{10}|\d{12}"),
     lambda number: ua_rntrc.is_valid(number) or ru_inn.is_valid(number)),
    # УНЗР: a birth date, a dash, five digits (the dash may be left out after the label).
    (re.compile(r"(?<![\d-])(?P<id>(?:19|20)\d{6}-\d{5})(?![\d-])"), _digits(unzr_valid)),
    (_labelled(r"(?i:\bунзр|\bunzr)", r"(?:19|20)\d{6}-?\d{5}"), _digits(unzr_valid)),
    # ИИН/IIN/ЖСН: twelve digits holding a birth date and a check digit, anywhere.
    (re.compile(r"(?<![\d-])(?P<id>\d{12})(?![\d-])"), iin_valid),
    (_labelled(r"(?i:\bиин|\biin\b|\bжсн)", r"\d{6}[ -]?\d{6}"), _digits(iin_valid)),
    # Georgia's personal number: eleven digits, no check digit, so only after its label, or
    # in a sentence that names Georgia.
    (_labelled(r"(?i:personal\s+(?:number|no\b\.?|id\b)|(?:личн|персональн|особист|особов)\w*\s+"
               r"номер\w*|número\s+personal|პირადი\s+ნომერი|პ/ნ)", r"\d{11}"), _any),
    (re.compile(rf"(?i:{_GEORGIA}[^.!?\n]{{0,60}}?)(?<![\d-])(?P<id>\d{{11}})(?![\d-])"), _any),
    (re.compile(rf"(?<![\d-])(?P<id>\d{{11}})(?![\d-])(?=[^.!?\n]{{0,60}}?(?i:{_GEORGIA}))"), _any),
    # Azerbaijan's FIN: seven Latin letters and digits after "FIN" or "ФИН" (capitals: "fin"
    # is Spanish for "end").
    (_labelled(r"(?<!\w)(?:FIN|FİN|ФИН|ФІН)\b(?:\s*(?:kodu?|код|code))?",
               r"(?=[A-Z]*\d)[A-Z0-9]{7}"), _any),
    # Spain's DNI (8 digits and a control letter) and NIE (X/Y/Z, 7 digits, letter): the
    # letter is the check, so anywhere.
    (re.compile(r"(?<![\w.-])(?P<id>(?:\d{8}|\d{2}\.\d{3}\.\d{3})[ -]?[A-Z])(?![\w-])"),
     _digits(es_dni.is_valid)),
    (re.compile(r"(?<![\w-])(?P<id>[XYZ][ -]?\d{7}[ -]?[A-Z])(?![\w-])"), _digits(es_nie.is_valid)),
    # DNI by its label: Spain's with its letter, or Peru's eight digits (and check character).
    (_labelled(r"(?i:\bdni\b|documento\s+(?:nacional\s+)?de\s+identidad)",
               r"(?:\d{8}|\d{2}\.\d{3}\.\d{3})(?:[ -]?[0-9A-Z])?"),
     _digits(lambda number: es_dni.is_valid(number) or pe_cui.is_valid(number))),
    # Mexico's CURP: 18 characters holding name letters, a birth date, sex, state and a check.
    (re.compile(r"(?<![A-Za-z\d])(?P<id>[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z\d]\d)(?![A-Za-z\d])"),
     mx_curp.is_valid),
]


def _national_ids(text: str) -> list[tuple[int, int]]:
    return [match.span("id") for pattern, valid in _NATIONAL_IDS
            for match in pattern.finditer(text) if valid(match.group("id"))]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with phone-style separators; kept only if it has 9-13 digits and starts
# like a phone number does (+, 0, 8 or a bracket), so doses, dates and ratios stay out.
_PHONE = re.compile(r"(?<![\w/.,:+])(?:\+\s?)?\(?\d[\d\s().-]{7,20}\d(?![\w/]|[.,]\d)")
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b")
# Lower case too, but only after an address word: "b12 1mg" is a dose, not a place.
_UK_POSTCODE_AFTER_ADDRESS = re.compile(
    r"(?i)(?:address|postcode|post code|lives at|living at|home|flat|street|road)\b[^.\n]{0,20}?"
    r"\b([a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2})\b")
_LABELLED_POSTCODE = re.compile(
    r"(?i)\b(?:c\.\s?p\.|cp|código postal|cod\. postal|postcode|post code|zip|индекс|"
    r"почтовый индекс|індекс|поштовий індекс)\s*:?\s*\d{5,6}\b")

# -- record numbers, dates of birth, ages ------------------------------------------------------

_ID = r"[A-ZА-Я]{0,4}[-\s]?\d[\d/.-]{2,}[A-Za-zА-Яа-яІіЇї\d]*"
_MRN = re.compile(
    r"(?i)(?:\bmrn|\bhosp(?:ital)?\.?\s*(?:no|num(?:ber)?|#)\.?|\bhospital\s+number"
    r"|\bunit\s+(?:no|number)\.?|\bpatient\s+(?:id|number|no)\.?|\bcase\s+(?:no|number)\.?"
    r"|\bmedical\s+record(?:\s+(?:no|number))?\.?|\bchi\b|\bnhi\b"
    r"|истори[яи]\s+болезни|номер\s+истории|медкарт\w*|медицинск\w+\s+карт\w*"
    r"|\bИБ\b|\bи/б\b|\bі/х\b|\bамб\.\s*карт\w*|карт\w*\s+стац\w*\s+\w+|\bexpediente"
    r"|амбулаторн\w+\s+карт\w*|карт[аиы]\s+(?:стационарного|амбулаторного)\s+\w+"
    r"|історі[яї]\s+хвороби|медичн\w+\s+карт\w*|\bnhc\b|\bhc\b"
    r"|historia\s+clínica|n\.?[ºo°]?\s*(?:de\s+)?historia(?:\s+clínica)?"
    r"|número\s+de\s+historia|\bcase\s+notes?|номер\w*\s+карт\w*)"
    rf"\s*(?:№|#|no\.?|n\.?[ºo°]|nº|:)?\s*(?:№\s*)?{_ID}")

_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
           r"|январ\w*|феврал\w*|март\w*|апрел\w*|ма[яй]\w*|июн\w*|июл\w*|август\w*"
           r"|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*"
           r"|січ\w*|лют\w*|берез\w*|квіт\w*|травн\w*|черв\w*|лип\w*|серп\w*|верес\w*"
           r"|жовт\w*|листопад\w*|груд\w*"
           r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre"
           r"|octubre|noviembre|diciembre")
_DATE = (r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"
         r"|\d{4}-\d{2}-\d{2}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+)?(?:{_MONTHS})\.?,?\s+(?:de(?:l)?\s+)?\d{{4}}"
         rf"|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
_DATE_RE = re.compile(rf"(?i)(?<![\d.]){_DATE}(?![\d])")
_DOB = re.compile(
    r"(?i)(?:\bd\.?o\.?b\.?|\bdate\s+of\s+birth|\bborn(?:\s+on)?|\bb\.|"
    r"дата\s+рождения|д\.\s?р\.|\bдр\b|г\.\s?р\.|родил(?:ся|ась)|дата\s+народження|д\.\s?н\.|"
    r"р\.\s?н\.|"
    r"народил(?:ся|ася)|народжен\w*|fecha\s+de\s+nacimiento|\bf\.?\s?(?:de\s+)?nac\.?|"
    r"nacid[oa](?:\s+el)?|\bfn)"
    rf"\s*:?\s*(?:{_DATE}|(?:в\s+|у\s+|en\s+|in\s+)?(?:19|20)\d{{2}}(?:\s*(?:г\.|р\.|року|года))?)")
_BIRTH_YEAR = re.compile(rf"(?i)(?<![\d.])(?:{_DATE}|(?:19|20)\d{{2}})\s*(?:г\.\s?р\.|р\.\s?н\.|"
                         r"года рождения|року народження|г\.р|р\.н)")
_AGE = re.compile(
    r"(?i)(?<![\d.])\d{1,3}\s*-?\s*(?:years?[\s-]*old|y/?o\b|yrs?\b|лет\b|года\b|год\b"
    r"|років\b|роки\b|рік\b|р\.(?!\s?н)|años\b|año\b|a\.(?=\s))"
    r"|\b(?:[MFМЖ]|male|female|муж|жен|чол|жін)\.?\s?\d{1,3}\b(?![.,:/]\d)")

# -- names -------------------------------------------------------------------------------------

# A capitalised word, double-barrelled too: "Okonjo-Bright", "Кравчук-Лісова".
_LATIN_WORD = r"[A-ZÁÉÍÓÚÑÜ][a-záéíóúñü'’]+(?:-[A-ZÁÉÍÓÚÑÜ]?[a-záéíóúñü'’]+)*"
_LATIN_NAME = rf"{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{0,2}}"
_CYRILLIC_WORD = r"[А-ЯЁІЇЄҐ][а-яёіїєґ'’]+(?:-[А-ЯЁІЇЄҐ]?[а-яёіїєґ'’]+)*"
_INITIALS = r"(?:\s+[А-ЯЁІЇЄҐA-Z]\.\s?(?:[А-ЯЁІЇЄҐA-Z]\.)?)?"
# Words for a patient or a person described: a name may follow them ("пациентка Петрова"),
# and none is a surname itself ("Бабушку из 5 палаты перевели"). "хворий" and "хвора" are
# patients; "хвороба" is a disease ("хвороба Паркінсона").
_CYRILLIC_PEOPLE = (r"пациент\w*|больн\w+|пацієнт\w*|хвор(?!об)\w+|роженица|породілл\w+"
                    r"|ребён\w+|ребен\w+|дитин\w+|мальчик\w*|девочк\w+|хлопчик\w*|дівчинк\w+"
                    r"|мужчин\w+|женщин\w+|чоловік\w*|жінк\w+|бабушк\w+|дедушк\w+|бабус\w+"
                    r"|дідус\w+")
_PEOPLE = re.compile(rf"(?i:{_CYRILLIC_PEOPLE}|patients?|pt|clients?|residents?|señor[a]?"
                     r"|señorita|pacientes?|enferm[oa]s?|niñ[oa]s?|bebés?)")
# Each pattern's name is its group "name" (the whole match when it has none); the span
# marked is group "surname" when there is one, else the whole match. A name after a title
# ("Mr", "Sra.") is a person even when it is an eponym too: those patterns come first.
_TITLED = 2
_NAMES = [
    re.compile(rf"(?i:\b(?:mr|mrs|ms|miss|mx|sr|sra|srta|dña?|don|doña)\.?\s+){_LATIN_NAME}"),
    re.compile(r"(?i:\b(?:mr|mrs|ms|miss|don|doña)\.?\s+)[a-z][a-z'’-]{2,}\b(?<!\bthe)"),
    # "Handover: Eileen Marsh, 84" or "Edna Threlfall 91F": a name followed by an age.
    re.compile(rf"(?<!\w)(?:{_LATIN_NAME}|{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD})"
               rf"(?=,\s*\d{{1,3}}\b(?![.,:/–-]\d)|\s+\d{{1,3}}\s?[MFМЖ]\b)"),
    re.compile(rf"(?i:\b(?:patient|pt\.?|client|resident|service user|señor|señora|señorita"
               rf"|paciente|enferm[oa]|niñ[oa]|bebé)\s+(?:called\s+|named\s+|llamad[oa]\s+)?)"
               rf"(?!(?:The|This|That|With|In|On|At|A|An|I|He|She|We|They|Who|Was|Is|Has|Had)"
               rf"\b)(?P<name>{_LATIN_NAME})"),
    re.compile(rf"(?i:(?:{_CYRILLIC_PEOPLE})\s+)"
               rf"(?P<name>{_CYRILLIC_WORD}(?:\s+{_CYRILLIC_WORD}){{0,2}}){_INITIALS}"),
    # A surname with initials, or a full name with a patronymic, is a person wherever it is.
    re.compile(rf"{_CYRILLIC_WORD}\s+[А-ЯЁІЇЄҐ]\.\s?[А-ЯЁІЇЄҐ]\."),
    re.compile(rf"{_LATIN_WORD}\s+[A-Z]\.\s?[A-Z]\."),
    re.compile(rf"{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD}\s+[А-ЯЁІЇЄҐ][а-яёіїєґ]+"
               rf"(?:ович|евич|йович|овна|евна|ична|івна|ївна|інична)\b"),
    # A bare surname by the bed or ward it came from: "Petrov from bed 5", "Петров из 5
    # палаты", "Петров з палати 5", "García, cama 3", "la de la cama 3 (García)".
    re.compile(rf"(?P<surname>{_LATIN_WORD})\s+from\s+(?:bed|bay|cubicle|side\s+room)\s*"
               r"(?:no\.?\s*)?\d{1,3}\b"),
    re.compile(rf"(?P<surname>{_CYRILLIC_WORD})\s+(?:из|с|з|із|зі)\s+"
               r"(?:\d{1,3}(?:-?[а-яії]{1,2})?\s+палат\w*|палат\w*\s+(?:№\s*)?\d{1,3}\b)"),
    re.compile(rf"(?P<surname>{_LATIN_WORD})(?:,\s*|\s+(?:de|en)\s+la\s+|\s*\(\s*)"
               r"(?:cama|habitación|hab\.|box)\s*(?:n\.?[ºo°]\s*)?\d{1,3}\b"),
    re.compile(rf"(?i:\b(?:bed|bay|cama|habitación|box|палат\w*)\s*(?:no\.?\s*|№\s*)?\d{{1,3}}"
               rf"\s*\(\s*)(?P<surname>{_LATIN_WORD}|{_CYRILLIC_WORD})\s*\)"),
    re.compile(rf"(?i:\b\d{{1,3}}(?:-?[а-яії]{{1,2}})?\s+палат\w*\s*\(\s*)"
               rf"(?P<surname>{_CYRILLIC_WORD})\s*\)"),
]
# ...unless a colleague's title comes just before it: "зав. отделением Смирнова Н.А.".
_STAFF_BEFORE = re.compile(
    r"(?i)(?:prof|professor|dr|doctor|lecturer|consultant|registrar|colleague|speaker|nurse"
    r"|проф|доц|зав|заведующ|лектор|доклад|врач|лікар|доктор|д-р|колег|наставник|керівник"
    r"|руковод|медсестр|ponente|profesor|doctora?|dra?|jef[ae]|adjunt[oa]|colega)\w*\.?"
    r"(?:\s+\w+\.?)?\s*$")

# Eponyms, cities and the clinical nouns that travel with them, which a name must not be
# wholly made of; and words that start a sentence before "from bed 5" (eponyms.toml).
_WORDS = tomllib.loads((Path(__file__).parent / "eponyms.toml").read_text(encoding="utf-8"))
_NOT_A_PERSON = frozenset(word.casefold() for key in ("eponyms", "places", "clinical_words")
                          for word in _WORDS[key])
_NOT_A_SURNAME = frozenset(word.casefold() for word in _WORDS["not_names"]) | _NOT_A_PERSON
_ENDINGS = tuple(_WORDS["endings"])
_POSSESSIVE = re.compile(r"['’]s?$")


def _known(word: str, words: frozenset[str]) -> bool:
    """`word` is in `words`, as it stands, without a possessive ("Parkinson's"), or less a
    Russian or Ukrainian case ending ("Паркинсона", "Бабинского" from "Бабинск")."""
    word = word.casefold()
    base = _POSSESSIVE.sub("", word)
    return (word in words or base in words
            or any(base.endswith(ending) and base[:-len(ending)] in words for ending in _ENDINGS))


def _not_a_person(name: str, words: frozenset[str] = _NOT_A_PERSON) -> bool:
    """Every word of the name (every part of a double-barrelled one) is an eponym, a city or
    a clinical noun: "Glasgow Coma Scale", "Болезнь Паркинсона", "Guillain-Barré"."""
    return all(_known(word, words) or ("-" in word and all(
        _known(part, words) for part in word.split("-"))) for word in name.split())


# A date right after one of these is when the clinician learned, not about a patient.
_LEARNING_EVENT = re.compile(
    r"(?i)(course|webinar|conference|lecture|seminar|workshop|session|meeting|teaching|"
    r"training|journal club|module|exam|вебинар|вебінар|курс|конференц|лекци|лекці|семинар|"
    r"семінар|тренинг|тренінг|занят|заняття|экзамен|іспит|curso|congreso|jornada|seminario|"
    r"taller|sesión|charla|clase|ponencia|webinario)\w*[^.!?\n]{0,25}$")


_PHONE_WORD = re.compile(r"(?i)(?:tel|phone|mob|mobile|cell|teléfono|telefono|tlf|móvil|movil"
                         r"|celular|тел|телефон|моб)\w*\.?[^\d\n]{0,15}$")


def _phone_like(match: re.Match[str], text: str) -> bool:
    """9-13 digits that start as phone numbers do (+, 0, 8, a bracket), or any such run
    right after a word like "tel", "móvil" or "тел"."""
    found = match.group().strip()
    digits = sum(ch.isdigit() for ch in found)
    if not 9 <= digits <= 13 or _DATE_RE.fullmatch(found):
        return False
    return found[0] in "+0(8" or bool(_PHONE_WORD.search(text[max(0, match.start() - 25):
                                                             match.start()]))


def find_identifiers(text: str) -> list[Finding]:
    """Spans that look patient-identifying, in order, overlaps merged into the first kind."""
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(Finding(kind, start, end, text[start:end]))

    for start, end in _national_ids(text):
        add("national_id", start, end)
    for match in _NHS.finditer(text):
        if nhs_number_valid("".join(match.groups())):
            add("nhs", match.start(), match.end())
    for match in _UK_POSTCODE_AFTER_ADDRESS.finditer(text):
        add("postcode", match.start(1), match.end(1))
    for kind, pattern in (("mrn", _MRN), ("dob", _DOB), ("dob", _BIRTH_YEAR),
                          ("email", _EMAIL), ("postcode", _UK_POSTCODE),
                          ("postcode", _LABELLED_POSTCODE)):
        for match in pattern.finditer(text):
            add(kind, match.start(), match.end())
    for match in _PHONE.finditer(text):
        if _phone_like(match, text):
            add("phone", match.start(), match.end())
    for number, pattern in enumerate(_NAMES):
        for match in pattern.finditer(text):
            if _STAFF_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
                continue
            groups = pattern.groupindex
            span = match.span("surname") if "surname" in groups else match.span()
            name = match.group("name" if "name" in groups else "surname" if "surname" in groups
                               else 0)
            if number >= _TITLED and _not_a_person(
                    name, _NOT_A_SURNAME if "surname" in groups else _NOT_A_PERSON):
                continue
            if "surname" in groups and _PEOPLE.fullmatch(name):
                continue
            add("name", *span)
    ages = list(_AGE.finditer(text))
    dates = [m for m in _DATE_RE.finditer(text)
             if not _LEARNING_EVENT.search(text[max(0, m.start() - 30):m.start()])]
    if ages and dates:
        for match in (*ages, *dates):
            add("age_date", match.start(), match.end())
    return _merged(found)


def _merged(found: list[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -f.end, KINDS.index(f.kind))):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            if finding.end > last.end:
                merged[-1] = Finding(last.kind, last.start, finding.end,
                                     last.text + finding.text[last.end - finding.start:])
            continue
        merged.append(finding)
    return merged


def redact(text: str, findings: list[Finding]) -> str:
    """Each span replaced by a placeholder naming what was there."""
    parts, position = [], 0
    for finding in findings:
        parts += [text[position:finding.start], PLACEHOLDERS[finding.kind]]
        position = finding.end
    return "".join([*parts, text[position:]])


def marked(text: str, findings: list[Finding]) -> str:
    """The text with each span between ⟦ ⟧, to show the clinician what was found."""
    parts, position = [], 0
    for finding in findings:
        parts += [text[position:finding.start], "⟦", text[finding.start:finding.end], "⟧"]
        position = finding.end
    return "".join([*parts, text[position:]])
