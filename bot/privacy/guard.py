"""The privacy guard: likely patient identifiers in a clinician's note, found locally.

It runs before any text could leave the server, with or without an LLM set up, and reads the
seven interface languages: English, Russian, Ukrainian, Spanish, Kazakh (Cyrillic), Georgian
and Azerbaijani (Latin). The kinds it finds (`KINDS`):

- `national_id`: national ID and insurance numbers of the countries our clinicians work in,
  check digits verified where they have them (СНИЛС, ИНН, РНОКПП, УНЗР, ИИН/ЖСН, DNI, NIE,
  CURP), the rest only after their label (Georgia's პირადი N / პ/ნ, Azerbaijan's FİN);
- `nhs`: NHS numbers, check digit verified;
- `mrn`: record and hospital numbers by their labels ("MRN", "ИБ №", "Ауру тарихы №",
  "სამედიცინო ბარათი №", "Xəstəlik tarixi №", "HC");
- `dob`: dates of birth by their labels ("DOB", "д.р.", "туған күні", "დაბადების თარიღი",
  "doğum tarixi", "fecha de nacimiento"), cut short or without their dots ("д.р", "дата рожд",
  "fecha nac", "დაბადების თარ"), or after the year ("1950 г.р.", "1952-ci il təvəllüdlü");
- `phone` (after a word like "tel" or "llamar al", starting as phones do, or grouped as they
  are read out: "91 234 56 78"), `email`, `postcode`;
- `address`: a street word, a name and a house number, perhaps a flat ("ул. Абая, 14, кв. 7",
  "14 Elm Road", "ჭავჭავაძის გამზ. 37, ბინა 12"); with no street word, a house with a flat
  ("д. 5 кв. 12", "14 үй, 7 пәтер"), a name with a house and a flat ("Профсоюзная 43 к2 кв
  118", "ჭავჭავაძის 37/2, ბინა 8") or house-block-flat ("Ленина 14-2-7"); street words are in
  addresses.toml;
- `name`: personal names after a title or a patient word, by a bed or ward, with an age, with
  initials or a patronymic (Turkic ones too: "Нұрланұлы", "Rauf oğlu"), a known first name
  with a surname, and surnames whose ending gives them away (Georgian -შვილი and -ძე,
  Azerbaijani -ov, -yev, -zadə), a patronymic in any case ("Ивановой Марии Петровне"), a
  Kazakh case on a surname ("Омаровқа"), a surname in or by a ward ("у Кузнецова в 4 палате",
  "Bed 7 - Kowalski -"), after a title ("пані Коваль", "ქალბატონი ლომაია") or a verb of seeing
  ("saw Gareth Pritchard", "зашла к Ивановой", "შენგელიას ვესტუმრე"), and surnames in capitals
  before a first name ("GARCÍA LÓPEZ, Antonio"); eponyms, cities, institutions and colleagues
  teaching are left alone. Word lists are in names.toml and eponyms.toml;
- `age_date`: an age together with a date.

It is a net with known holes, not a proof: the clinician sees what it marked and decides.
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

# Ties between kinds over the same span go to the first: a number after "РНОКПП" that
# happens to pass the NHS check too is the Ukrainian one.
KINDS = ("national_id", "nhs", "mrn", "dob", "phone", "email", "postcode", "address", "name",
         "age_date")
PLACEHOLDERS = {"national_id": "[ID No.]", "nhs": "[NHS No.]", "mrn": "[record No.]",
                "dob": "[DOB]",
                "phone": "[phone]", "email": "[e-mail]", "postcode": "[postcode]",
                "address": "[address]", "name": "[name]", "age_date": "[date]"}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


# -- letters and word lists ---------------------------------------------------------------

# A capitalised word, double-barrelled too: "Okonjo-Bright", "Кравчук-Лісова", in the Latin
# letters of English, Spanish and Azerbaijani, and the Cyrillic of Russian, Ukrainian and
# Kazakh. Georgian has no capitals: its names are found by their endings (below).
_LATIN_UP, _LATIN_LOW = "A-ZÁÉÍÓÚÑÜƏÇĞİÖŞ", "a-záéíóúñüəçğıöş"
_CYR_UP, _CYR_LOW = "А-ЯЁІЇЄҐӘҒҚҢӨҰҮҺ", "а-яёіїєґәғқңөұүһ"
_KA = "ა-ჰ"  # Georgian
_LATIN_WORD = rf"[{_LATIN_UP}][{_LATIN_LOW}'’]+(?:-[{_LATIN_UP}]?[{_LATIN_LOW}'’]+)*"
_LATIN_NAME = rf"{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{0,2}}"
_CYRILLIC_WORD = rf"[{_CYR_UP}][{_CYR_LOW}'’]+(?:-[{_CYR_UP}]?[{_CYR_LOW}'’]+)*"
_INITIALS = rf"(?:\s+[{_CYR_UP}A-Z]\.\s?(?:[{_CYR_UP}A-Z]\.)?)?"
_WORDS = tomllib.loads((Path(__file__).parent / "eponyms.toml").read_text(encoding="utf-8"))
_NAMES_DATA = tomllib.loads((Path(__file__).parent / "names.toml").read_text(encoding="utf-8"))


def _stems(*groups: list[str]) -> str:
    """An alternation of word stems, each followed by any ending."""
    return "|".join(rf"{re.escape(stem)}\w*" for group in groups for stem in group)


def _alternation(words: list[str]) -> str:
    """The words as a regex alternation, longest first."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


# -- numbers ---------------------------------------------------------------------------------

_NHS = re.compile(r"(?<![\d\w])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d\w])")


# After its label an NHS number is one whatever its check digit: a typo is still hers.
_NHS_LABEL = re.compile(r"(?i)\bnhs\b[^\d\n.!?]{0,60}$")
# The UK's National Insurance number: two letters, six digits, a letter A-D.
_NI_NUMBER = re.compile(r"(?<![\w-])(?:[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]|[a-z]{2}\d{6}[a-d])"
                        r"(?![\w-])")


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


# Between a label and its number: "№", a colon, or a few words with no digit ("СНИЛС
# пациентки 12115006479", "ІПН пацієнта 9492566554", "ИИН-і 911123502734").
_LABEL_GAP = r"(?:\s*(?:№|#|:|-|N\.?[ºo°]\.?|n\.?[ºo°]\.?|no\.?)?\s*|[^\d\n!?;]{1,30}?)"


def _labelled(label: str, number: str) -> re.Pattern[str]:
    """A number of its shape after its label: a check digit that fails is a typo, and the
    number as written still points at the patient."""
    return re.compile(rf"(?:{label}){_LABEL_GAP}(?P<id>{number})(?![\w-])")


def _digits(check: Callable[[str], bool]) -> Callable[[str], bool]:
    """`check` over the number with its separators (spaces, dashes, dots) taken out."""
    return lambda number: check(re.sub(r"[\s.-]", "", number))


def _any(number: str) -> bool:
    return True


def _born_on(number: str) -> bool:
    """A number that starts with a real birth date, YYYYMMDD (УНЗР)."""
    return _real_date(int(number[:4]), int(number[4:6]), int(number[6:8]))


def _curp_born_on(number: str) -> bool:
    """A CURP's letters and a real birth date, YYMMDD, whatever its check digit."""
    year = int(number[4:6])
    return any(_real_date(century + year, int(number[6:8]), int(number[8:10]))
               for century in (1900, 2000))


# Each: a pattern with the number in group "id", and the check that number must pass.
_NATIONAL_IDS: list[tuple[re.Pattern[str], Callable[[str], bool]]] = [
    # СНИЛС written as it is printed, "123-456-789 01", or labelled.
    (re.compile(r"(?<![\d-])(?P<id>\d{3}-\d{3}-\d{3}[ -]\d{2})(?![\d-])"), _digits(snils_valid)),
    (_labelled(r"(?i:снилс|snils|страхов\w+\s+номер\w*)",
               r"\d{3}[- ]?\d{3}[- ]?\d{3}[- ]?\d{2}"), _any),
    # РНОКПП/ІПН (10 digits, Ukraine) or ИНН (12, Russia), labelled: bare ten-digit numbers
    # are too common (a tenth of them pass).
    (_labelled(r"(?i:\bрнокпп|\bрнукпн|\bіпн|\bипн|\bинн|\brnokpp|\binn\b|\bipn\b"
               r"|ідентифікаційн\w+\s+(?:код|номер)\w*|идентификационн\w+\s+(?:код|номер)\w*"
               r"|податков\w+\s+номер\w*|налогов\w+\s+номер\w*)",
               r"(?:\d[\s-]?){11}\d|(?:\d[\s-]?){9}\d"),
     _any),
    # УНЗР: a birth date, a dash, five digits (the dash may be left out after the label).
    (re.compile(r"(?<![\d-])(?P<id>(?:19|20)\d{6}-\d{5})(?![\d-])"), _born_on),
    (_labelled(r"(?i:\bунзр|\bunzr)", r"(?:19|20)\d{6}[-\s]?\d{5}"), _any),
    (_labelled(r"(?i:\bnie\b)", r"[XYZ][ -]?\d{7}[ -]?[A-Z]"), _any),
    # ИИН/IIN/ЖСН: twelve digits holding a birth date and a check digit, anywhere.
    (re.compile(r"(?<![\d-])(?P<id>\d{12})(?![\d-])"), iin_valid),
    (_labelled(r"(?i:\bиин|\biin\b|\bжсн)", r"(?:\d[\s-]?){11}\d"), _any),
    # Georgia's personal number: eleven digits, no check digit, so only after its label, or
    # in a sentence that names Georgia.
    (_labelled(r"(?i:personal\s+(?:number|no\b\.?|id\b)|(?:личн|персональн|особист|особов)\w*\s+"
               r"номер\w*|número\s+personal|piradi\s+nom\w*|პირადი\s+(?:ნომერი|N|№|ნ\.?)|პირ\.\s*ნომ\.?|პ/ნ|პ\.\s?ნ\.)",
               r"\d{11}|\d{3}\s\d{4}\s\d{4}|(?:\d[\s-]?){10}\d"), _any),
    (re.compile(rf"(?i:{_GEORGIA}[^.!?\n]{{0,60}}?)(?<![\d-])(?P<id>\d{{11}})(?![\d-])"), _any),
    (re.compile(rf"(?<![\d-])(?P<id>\d{{11}})(?![\d-])(?=[^.!?\n]{{0,60}}?(?i:{_GEORGIA}))"), _any),
    # Azerbaijan's FIN: seven Latin letters and digits after "FIN" or "ФИН" (capitals: "fin"
    # is Spanish for "end"), or "fin kodu" in any case.
    (_labelled(r"(?<!\w)(?:(?:FIN|FİN|ФИН|ФІН)\b(?:[\s-]*(?:kodu?|код|code))?"
               r"|(?i:f[iİı]n\s+kodu?)\b)",
               r"(?=[A-Z]*\d)[A-Z0-9]{7}|(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{7}"), _any),
    (re.compile(r"(?<!\w)(?i:f[iİı]n)[\s:#-]*(?P<id>(?=[A-Z]*\d)[A-Z0-9]{7})(?![\w-])"), _any),
    # Spain's DNI (8 digits and a control letter) and NIE (X/Y/Z, 7 digits, letter): the
    # letter is the check, so anywhere.
    (re.compile(r"(?<![\w.-])(?P<id>(?:\d{8}|\d{2}\.\d{3}\.\d{3})[ -]?[A-Z])(?![\w-])"),
     _digits(es_dni.is_valid)),
    (re.compile(r"(?<![\w-])(?P<id>[XYZ][ -]?\d{7}[ -]?[A-Z])(?![\w-])"), _digits(es_nie.is_valid)),
    # DNI by its label: Spain's with its letter, or Peru's eight digits (and check character).
    (_labelled(r"(?i:\bdni\b|documento\s+(?:nacional\s+)?de\s+identidad)",
               r"(?:\d{8}|\d{2}\.\d{3}\.\d{3})(?:[ -]?[0-9A-Z])?"),
     _any),
    # Mexico's CURP: 18 characters holding name letters, a birth date, sex, state and a check.
    (re.compile(r"(?<![A-Za-z\d])(?P<id>[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z\d]\d)(?![A-Za-z\d])"),
     _curp_born_on),
    # Passports, ID cards and health insurance policies, only after their label: "паспорт
    # 45 06 123456", "ID-картка 001234567", "жеке куәлік № 043217896", "şəxsiyyət vəsiqəsi
    # AZE12345678", "полис ОМС 7700123456789012", "NSS 12345678901".
    (_labelled(r"(?i:\bpassport(?:\s+(?:no\.?|number))?|\bpasaporte|\bpasport\w*|паспорт\w*"
               r"(?:\s+(?:серия|серії|серія|сериясы|РФ|України))?|პასპორტ\w*"
               r"|\bid[-\s]?карт\w*|\bid[-\s]?card|жеке\s+куәлік\w*"
               r"|удостоверени\w+\s+личности|посвідченн\w+\s+особи|პირადობის\s+მოწმობ\w*"
               r"|şəxsiyyət\s+vəsiqə\w*|(?<!\w)ş[/.]\s?v\b\.?|уд\.\s*личн\w*)",
               r"[A-ZА-ЯІЄЇ]{1,3}\s?\d{6,9}|\d{2}\s?\d{2}\s?\d{6}|\d{9}"), _any),
    (_labelled(r"(?i:полис\w*(?:\s+(?:ОМС|обязательного\s+медицинского\s+страхования))?"
               r"|\bОМС\b|\bNSS\b|\bNUSS\b|\bNASS\b|seguridad\s+social|tarjeta\s+sanitaria"
               r"|\bCIP(?:-SNS)?\b|sığorta\s+(?:polisi|nömrəsi)|медичн\w+\s+поліс\w*)",
               r"(?:[A-Z]{2,4})?\d{2}(?:[/ -]?\d){7,14}"), _any),
    (_labelled(r"(?i:afiliaci[oó]n|\bSS\b|\bNUSS\b)", r"\d{2}[/ -]?\d{8}[/ -]?\d{2}"), _any),
]


# Georgia's personal number is also taken anywhere in a note written in Georgian: its phone
# numbers have nine digits.
_ELEVEN_DIGITS = re.compile(r"(?<![\d-])\d{11}(?![\d-])")
_GEORGIAN_LETTER = re.compile(r"[ა-ჰ]")


# Ten to sixteen digits in a row are someone's number whatever their label (an ИИН, a policy,
# a phone): doses, dates, lab values and order numbers are shorter.
_LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{10,16}(?![\w,/-]|\.\d)")
# ...but a vaccine's lot, an article's PMID or an order's number is no one's.
_THINGS_NUMBERED = re.compile(
    r"(?i)(?:\blot\b|batch|серія|серії|серии|серия|партия|партії|\blote|partiya|seriya|სერია"
    r"|ლოტ|isbn|doi|pmid|наказ|приказ|\border\b|orden|əmr|бұйрық|бұйрығ|ბრძანებ)[^\d\n]{0,40}$")
# A note that names the FIN anywhere: its seven letters and digits wherever they are
# ("FİN kodunu səhv yazmışam. Düzgünü 5ZK3P7M idi").
_FIN_NAMED = re.compile(r"(?<!\w)(?:FIN|FİN|ФИН|ФІН|(?i:f[iİı]n\s+kod\w*))(?!\w)")
_FIN = re.compile(r"(?<![\w-])(?=[A-Z0-9]*\d)(?=(?:[0-9]*[A-Z]){2})[A-Z0-9]{7}(?![\w-])")


def _national_ids(text: str) -> list[tuple[int, int]]:
    found = [match.span("id") for pattern, valid in _NATIONAL_IDS
             for match in pattern.finditer(text) if valid(match.group("id"))]
    if _GEORGIAN_LETTER.search(text):
        found += [match.span() for match in _ELEVEN_DIGITS.finditer(text)]
    found += [match.span() for match in _NI_NUMBER.finditer(text)]
    if _FIN_NAMED.search(text):
        found += [match.span() for match in _FIN.finditer(text)]
    return found


# (starting where a run of address characters starts: from inside one, the scan is quadratic)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with phone-style separators; kept only if it has 9-13 digits and starts
# like a phone number does (+, 0, 8 or a bracket), so doses, dates and ratios stay out.
_PHONE = re.compile(r"(?<![\w/,+])(?<!\d[.:])(?<!\.\.)(?:\+\s?)?\(?\d[\d\s().-]{7,20}\d"
                    r"(?![\w/]|[.,]\d)")
# Digits grouped the way phone numbers are read out: "91 234 56 78", "612-34-56-78", "916 123
# 45 67", "599 12 34 56" (not from 1, so "110 95 88 76", a trend of heart rates, stays out).
_PHONE_GROUPS = re.compile(r"[2-9]\d{1,2}[ -]\d{3}[ -]\d{2}[ -]\d{2}"
                           r"|[2-9]\d{2}[ -]\d{2}[ -]\d{2}[ -]\d{2}")
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b")
# Lower case too, but only after an address word: "b12 1mg" is a dose, not a place.
_UK_POSTCODE_AFTER_ADDRESS = re.compile(
    r"(?i)(?:address|postcode|post code|lives at|living at|home|flat|street|road)\b[^.\n]{0,20}?"
    r"\b([a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2})\b")
_LABELLED_POSTCODE = re.compile(
    r"(?i)(?<!\w)(?:c\.\s?p\.|cp|c[oó]digo\s+postal|cod\.\s+postal|postcode|post\s+code|zip"
    r"|индекс\w*|індекс\w*|ინდექს\w*|indeks\w*)(?:\s*[:№-]?\s*|[^\d\n.!?]{1,25}?)"
    r"(?<![\w-])(?:\d{4,6}|AZ\s?-?\d{4})(?!\w)")
# Azerbaijan's "AZ1073" anywhere, and five digits by a city: "08027 Barcelona", "Lima 15074".
_CITIES = _alternation(_WORDS["places"])
_POSTCODES = re.compile(rf"(?<![\w-])AZ\s?-?\d{{4}}(?![\w-])"
                        rf"|(?<![\w.,-])\d{{5}}(?=,?\s+(?:{_CITIES})(?!\w))"
                        rf"|(?<!\w)(?:{_CITIES}),?\s+(?!(?:19|20)\d\d(?!\d))\d{{4,6}}(?![\w-]|[.,]\d)"
                        r"|(?<![\w.,-])\d{4,6}\s+(?i:индекс\w*|індекс\w*|ინდექს\w*|indeks\w*)"
                        # after where one lives: "живёт 143407 Красногорск", "ცხოვრობს Tbilisi 0186"
                        r"|(?i:живёт|живет|проживает|проживає|живе|lives|living|vive|reside"
                        r"|тұрады|ცხოვრობს|yaşayır)\s+(?:(?:в|у|in|en|at)\s+)?(?:[^\W\d]+,?\s+){0,2}?"
                        r"(?:AZ\s?-?\d{4}|\d{4,6})(?![\w-]|[.,]\d)")

# -- street addresses ---------------------------------------------------------------------------
# A street word, the street's name and a house number, then perhaps a flat (addresses.toml).

_STREETS = tomllib.loads((Path(__file__).parent / "addresses.toml").read_text(encoding="utf-8"))
_STREET_WORD_GAP = r"(?:(?<=[./])\s*|\s+)"  # "ул.Ленина", but "calle Mayor"
# A capitalised word of a street's name ("Абая", "Лесі", "S.Vurğun", "Самал-2"), not an
# abbreviation in capitals ("пр. МЗ РФ №203" is an order, not an avenue).
_CAPITALISED = (rf"[{_LATIN_UP}{_CYR_UP}](?:\.\s?[{_LATIN_UP}{_CYR_UP}])?[{_LATIN_LOW}{_CYR_LOW}'’]"
                rf"[{_LATIN_LOW}{_CYR_LOW}{_LATIN_UP}{_CYR_UP}'’.-]*(?:-\d{{1,2}}(?!\d))?")
_CONNECTOR = r"(?:de|del|la|las|los|el|y|san|santa|би|бі)"
# A date may open it ("Av. 28 de Julio", "ул. 8 Марта"), and capitals end it ("Героїв УПА").
_STREET_NAME = (rf"(?:\d{{1,2}}\s+(?:de\s+)?)?(?:{_CONNECTOR}\s+)*{_CAPITALISED}"
                rf"(?:\s+(?:{_CONNECTOR}\s+)*{_CAPITALISED}){{0,3}}"
                rf"(?:\s+[{_LATIN_UP}{_CYR_UP}]{{2,5}}(?![\w.]))?(?:\s+(?:би|бі|bi))?")
# A house number, not a year ("plaza de Cardiología, 2024").
_HOUSE = (rf"(?:,\s*|\s+)(?:(?i:{_alternation(_STREETS['house'])})\s*)?"
          r"(?!(?:19|20)\d\d(?!\d))\d{1,4}"
          r"(?:\s?-?[a-zа-яіA-ZА-ЯІა-ჰ](?!\w))?(?:[/-]\d{1,4}[a-zа-я]?)?(?!\d)"
          r"(?:\s*-?\s*(?:үй|үйі)(?!\w))?")
_UNIT = (rf"(?:,?\s*(?:(?i:{_alternation(_STREETS['units'])})\s*№?\s*\d{{1,4}}[a-zA-Zа-я]?(?!\d)"
         r"|\d{1,4}\s*-?\s*(?i:пәтер|үй)(?!\w)"
         r"|\d{1,2}\s*\.?\s*[º°ª]\s*(?:[A-Za-z](?!\w))?(?:\s*(?i:izq|izda|dcha|der|dra)\w*)?))")
# A house by its word and then a flat, with no street named: "д. 5 кв. 12", "буд. 7, кв 19",
# "дом 14/2, кв 7", "14 үй, 7 пәтер" (after a district perhaps: "5 мкр, 14 үй, 7 пәтер").
_HOUSE_WORDS = sorted({w.rstrip(".") for w in _STREETS["house"] if w[0].isalpha()}, key=len)
_HOUSE_WORD_NUMBER = (rf"(?:(?i:{_alternation(_HOUSE_WORDS)})\.?"
                      r"\s*№?\s*\d{1,4}|\d{1,4}\s*-?\s*(?i:үй|үйі)(?!\w))"
                      r"(?:\s?-?[a-zа-яі](?!\w))?(?:/\d{1,4}[a-zа-я]?)?(?!\d)")
_DISTRICT = (r"(?:(?i:\d{1,3}\s*-?\s*(?:cu|cü|ci|cı)?\s*"
             r"(?:мкр|мкрн|мкр-н|ш/а|микрорайон|шағын\s+аудан\w*"
             r"|mkr|mikrorayon\w*)\.?"
             r"|(?:мкр|мкрн|мкр-н|ш/а|mkr)\.?\s*(?:\d{1,3}|[А-ЯЁӘҒҚҢӨҰҮҺA-Z][\w-]*)"
             r"|[ა-ჰ]+ის\s+მე-?\d{1,2}\s+მიკრორაიონ\w*)(?!\w),?\s*)?")
# A street's name with no street word, a house and then a flat or a block ("Профсоюзная 43 к2
# кв 118", "Сихівська 12/3, кв. 45"), or house, block and flat in one ("Ленина 14-2-7").
_NOT_STREETS = _alternation(_STREETS["not_streets"] + _NAMES_DATA["institutions"])
_NAMED_HOUSE = (rf"(?<![\w.-])(?!(?i:{_NOT_STREETS})(?![\w'’-]))"
                rf"[{_LATIN_UP}{_CYR_UP}][{_LATIN_LOW}{_CYR_LOW}'’-]+,?\s+"
                r"(?!(?:19|20)\d\d(?!\d))\d{1,4}")
# Georgian: a street in the genitive, a house and a flat: "ჭავჭავაძის 37/2, ბინა 8".
_KA_STREET = rf"(?<![{_KA}-])[{_KA}][{_KA}-]+(?:ის|ას|ეს|ოს|უს)\s+\d{{1,4}}(?:[/-]\d{{1,4}})?(?!\d)"
_ADDRESSES = [
    re.compile(rf"(?<![\w.-]){_DISTRICT}{_HOUSE_WORD_NUMBER}{_UNIT}{{1,3}}"),
    # a district named, then a house with or without a flat: "мкр Самал-2, д.58"
    re.compile(rf"(?<![\w.-])(?=[^,]{{0,25}}(?i:мкр|микрорайон|mkr|ш/а|шағын|მიკრორაიონ)){_DISTRICT}"
               rf"{_HOUSE_WORD_NUMBER}{_UNIT}{{0,3}}"),
    re.compile(rf"{_NAMED_HOUSE}(?:\s?[a-zа-яі](?!\w))?(?:/\d{{1,4}})?(?!\d){_UNIT}{{1,3}}"),
    re.compile(rf"(?=[{_CYR_UP}]){_NAMED_HOUSE}-\d{{1,3}}-\d{{1,4}}(?![\d-])"),
    re.compile(rf"{_KA_STREET}{_UNIT}{{1,3}}"),
    # "ул. Абая, 14, кв. 7", "вул. Хрещатик, буд. 22, кв. 15", "Av. Arequipa 1234, dpto 502"
    re.compile(rf"(?<!\w)(?i:{_alternation(_STREETS['before'])}){_STREET_WORD_GAP}{_STREET_NAME}"
               rf"{_HOUSE}{_UNIT}{{0,3}}"),
    # "flat 3, 22 Church St", "14 Elm Road"
    re.compile(rf"(?<![\w/.,-])(?:(?i:flat|apartment|apt\.?|unit)\s*\d{{1,4}}[a-zA-Z]?,?\s+)?"
               rf"\d{{1,4}}[a-zA-Z]?\s+{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{0,2}}"
               rf"\s+(?i:{_alternation(_STREETS['after_en'])})\b\.?"),
    # "Төле би көшесі 59, 12-пәтер", "ჭავჭავაძის გამზ. 37, ბინა 12", "Nizami küçəsi 45"
    re.compile(rf"(?<![\w.-])(?:[^\W\d_][\w'’.-]*\s+)?[^\W\d_][\w'’.-]*\s+"
               rf"(?i:{_alternation(_STREETS['after'])}){_HOUSE}{_UNIT}{{0,3}}"),
    # Peru's block and lot: "Mz. B Lt. 12", "manzana C lote 4"
    re.compile(r"(?i)(?<!\w)(?:mz|mza|manzana)\.?\s*[a-z]\d?\s*,?\s*(?:lt|lote)\.?\s*\d{1,3}(?!\d)"),
    # After its label and a colon, whatever the street is called: "მისამართი: ვაკე,
    # ჭავჭავაძის 37", "ünvan: Yasamal r-nu, Şərifzadə 12", "адрес: мкр-н 5, дом 12"
    re.compile(rf"(?i:(?<!\w)(?:home\s+address|address|адрес|адреса|мекенжай\w*|მისამართი"
               rf"|ünvan\w*|domicilio|dirección|direccion|прож(?:ивает|иває)?\.?\s+по\s+адрес\w*)"
               rf"\s*[:–-]?\s*)(?P<address>(?=[{_LATIN_UP}{_CYR_UP}{_KA}]"
               rf"|(?i:{_alternation(_STREETS['before'])}))"
               rf"(?:[^\W\d_][\w'’.-]*[\s,]+){{1,6}}?(?:№\s*)?"
               rf"\d{{1,4}}(?:\s?[a-zа-я](?!\w))?(?:[/-]\d{{1,4}}[a-zа-я]?)?(?!\d){_UNIT}{{0,3}}"
               # ...and on over more parts with a number: "Flat 2, Rosebank House, 12 Mill Lane"
               rf"(?:,\s*(?:[^\W\d_][\w'’.-]*[\s,]+){{0,3}}\d{{1,4}}[a-zA-Zа-я]?(?!\d)"
               rf"(?:\s+[{_LATIN_UP}{_CYR_UP}][\w'’.-]*){{0,2}})*)"),
]

# -- record numbers, dates of birth, ages ------------------------------------------------------

_ID = r"[A-ZА-Я]{0,4}[-\s]?\d[\d/.-]{2,}[A-Za-zА-Яа-яІіЇї\d]*"
# Kazakh, Georgian and Azerbaijani record labels: "Ауру тарихы №15872/24", "სამედიცინო
# ბარათი № 4512/25", "Xəstəlik tarixi № 2745/25".
_MRN_COUNTRIES = (r"ауру\s+тарих\w*|медициналық\s+карт\w*|амбулаторлық\s+карт\w*"
                  r"|стационарлық\s+карт\w*|науқастың\s+карт\w*"
                  r"|სამედიცინო\s+ბარათ\w*|ავადმყოფობის\s+ისტორი\w*|ამბულატორიული\s+ბარათ\w*"
                  r"|სტაციონარული\s+ბარათ\w*|ისტორიის\s+ნომერ\w*"
                  r"|xəstəlik\s+tarix\w*|tibbi\s+kart\w*|ambulator\s+kart\w*"
                  r"|stasionar\s+kart\w*|xəstə\s+kart\w*|(?<!\w)x/t\b|(?<!\w)x\.\s?t\.|ауру\s+тар\."
                  r"|(?<![ა-ჰ])ისტ(?:ორია)?\.?(?=\s*№)|(?:სამედ\.?|მედ\.)\s*ბარათ\w*"
                  r"|ბარათ\w*\s+(?:ნომერ\w*|ნომ\.|№)")
_MRN = re.compile(
    r"(?i)(?:\bmrn|\bhosp(?:ital)?\.?\s*(?:no|num(?:ber)?|#)\.?|\bhospital\s+number"
    r"|\bunit\s+(?:no|number)\.?|\bpatient\s+(?:id|number|no)\.?|\bcase\s+(?:no|number)\.?"
    r"|\bmedical\s+record(?:\s+(?:no|number))?\.?|\bchi\b|\bnhi\b"
    r"|(?:истори[яи]|ист\.?)\s*(?:болезни|бол\.?)|номер\s+истории|медкарт\w*|медицинск\w+\s+карт\w*"
    r"|(?:історі[яї]|іст\.?)\s*(?:хвороби|хв\.?)|\bмед\.\s*карт\w*|\bамб\.?\s*карт\w*"
    r"|\bИБ\b|\bи/б\b|\bі/х\b|(?<!\w)м/к\b|(?<!\w)а/к\b|\bамб\.\s*карт\w*|карт\w*\s+стац\w*\s+\w+|\bexpediente"
    r"|амбулаторн\w+\s+карт\w*|карт[аиы]\s+(?:стационарного|амбулаторного)\s+\w+"
    r"|історі[яї]\s+хвороби|медичн\w+\s+карт\w*|\bnhc\b|\bhc\b"
    r"|historia\s+clínica|n\.?[ºo°]?\s*(?:de\s+)?historia(?:\s+clínica)?"
    rf"|número\s+de\s+historia|\bcase\s+notes?|номер\w*\s+карт\w*|{_MRN_COUNTRIES}"
    r"|(?:истори[яи]|історі[яї])\s+\w+(?=\s*№))"
    rf"(?:\s+(?:нөмірі|нөмір|nömrəsi|nömrə|номер|ნომერი|number|no))?"
    rf"(?:\s*(?:№|#|no\.?|n\.?[ºo°]|nº|:)?\s*|[^\d\n!?;]{{1,30}}?(?<![\w-]))(?:№\s*)?{_ID}")

_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
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
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?:{_MONTHS})\.?,?\s+(?:de(?:l)?\s+)?\d{{4}}"
         # "12-Mar-1947", "03/feb/52"
         rf"|\d{{1,2}}[-/.](?:{_MONTHS})[-/.]\s?(?:\d{{4}}|\d{{2}})"
         rf"|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
         # "1947 жылғы 14 қыркүйек", "1951 წლის 12 მარტი", "1949-cu il 14 may"
         rf"|\d{{4}}\s*(?:-?\s*(?:жылғы|жыл|წლის|ci|cı|cu|cü)\s*(?:il\w*)?)?\s+\d{{1,2}}"
         rf"\s*-?\s*(?:{_MONTHS}))")
_DATE_RE = re.compile(rf"(?i)(?<![\d.]){_DATE}(?![\d])")
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
                         r"|(?:ж\.|жылы)\s+туған|ж\.\s?т\.|წელს\s+დაბადებული|(?:წ\.|წლის)\s+დაბადებ\w*)")
# A full date a few words after a word of birth ("the dob on it was 2nd Nov 1939", "дату
# рождения 17.04.1941", "туған күнін растады – 14.09.1947"), or in the last century: in a
# note on one's learning, a date from before 2000 is someone's birthday.
_BIRTH_WORD = re.compile(
    r"(?i)(?:\bd\.?o\.?b\b|\bbirth|\bborn\b|рожд|родил|народж|народил|\bнар\.|туған|туыл"
    r"|დაბადებ|დაიბადა|doğum|doğul|təvəllüd|anadan\s+olub|nacimiento|naci[ód]|\bf\.?\s?nac"
    r"|\bnac\.)[^\n!?]{0,40}$")
_BIRTH_WINDOW = 60


def _birth_date(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - _BIRTH_WINDOW):match.start()]
    if _BIRTH_WORD.search(before):
        return True
    year = re.findall(r"\d{4}", match.group())
    return bool(year) and "1900" <= year[-1] < "2000" and not (
        _THINGS_NUMBERED.search(before) or _LEARNING_EVENT.search(before[-30:]))


_AGE = re.compile(
    r"(?i)(?<![\d.])\d{1,3}\s*-?\s*(?:years?[\s-]*old|y/?o\b|yrs?\b|лет\b|года\b|год\b"
    r"|років\b|роки\b|рік\b|р\.(?!\s?н)|años\b|año\b|a\.(?=\s)"
    r"|жаста\w*|жас\b|жасар\w*|წლის\b|yaş\w*)"
    r"|\b(?:[MFМЖ]|male|female|муж|жен|чол|жін)\.?\s?\d{1,3}\b(?![.,:/]\d)")

# -- names -------------------------------------------------------------------------------------

# Words for a patient or a person described: a name may follow them ("пациентка Петрова"),
# and none is a surname itself ("Бабушку из 5 палаты перевели"). "хворий" and "хвора" are
# patients; "хвороба" is a disease ("хвороба Паркінсона").
_CYRILLIC_PEOPLE = (r"пациент\w*|больн\w+|пацієнт\w*|хвор(?!об)\w+|роженица|породілл\w+"
                    r"|ребён\w+|ребен\w+|дитин\w+|мальчик\w*|девочк\w+|хлопчик\w*|дівчинк\w+"
                    r"|мужчин\w+|женщин\w+|чоловік\w*|жінк\w+|бабушк\w+|дедушк\w+|бабус\w+"
                    r"|дідус\w+|"
                    + _stems(_NAMES_DATA["people"]["kk"], _NAMES_DATA["people"]["ru"]))
_PEOPLE = re.compile(rf"(?i:{_CYRILLIC_PEOPLE}|patients?|pt|clients?|residents?|señor[a]?"
                     r"|señorita|pacientes?|enferm[oa]s?|niñ[oa]s?|bebés?|"
                     + _stems(_NAMES_DATA["people"]["ka"], _NAMES_DATA["people"]["az"]) + ")")
# Each pattern's name is its group "name" (the whole match when it has none); the span
# marked is group "surname" when there is one, else the whole match. A name after a title
# ("Mr", "Sra.") is a person even when it is an eponym too: those patterns come first.
_TITLED = 2
_NAMES = [
    # (not "MR enterography" or "MS relapse": the titles are never all capitals)
    re.compile(rf"\b(?:[Mm]rs?|[Mm]s|[Mm]iss|[Mm]x|[Ss]ra?|[Ss]rta|[Dd]ña?|[Dd]on|[Dd]oña)\.?\s+"
               rf"{_LATIN_NAME}"),
    re.compile(r"(?<!\d)(?<!\d\s)\b(?:[Mm]rs?|[Mm]s|[Mm]iss|[Dd]on|[Dd]oña)\.?\s+[a-z][a-z'’-]{2,}\b(?<!\bthe)"
               r"(?:\s+(?!(?:and|with|was|has|had|is|the|on|in|at|for|to|of|who|came)\b)"
               r"[a-z][a-z'’-]{2,}\b){0,2}"),
    # "Handover: Eileen Marsh, 84" or "Edna Threlfall 91F": a name followed by an age.
    re.compile(rf"(?<!\w)(?:{_LATIN_NAME}|{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD})"
               rf"(?=,\s*\d{{1,3}}\b(?![.,:/–-]\d)|\s+\d{{1,3}}\s?[MFМЖ]\b)"),
    re.compile(rf"(?i:\b(?:patient|pt\.?|client|resident|service user|señor|señora|señorita"
               rf"|paciente|enferm[oa]|niñ[oa]|bebé|xəstə(?:nin|yə|ni)?|pasiyent\w*)\s+"
               rf"(?:called\s+|named\s+|llamad[oa]\s+)?)"
               rf"(?!(?:The|This|That|With|In|On|At|A|An|I|He|She|We|They|Who|Was|Is|Has|Had)"
               rf"\b)(?P<name>{_LATIN_NAME})"),
    re.compile(rf"(?i:(?:{_CYRILLIC_PEOPLE})\s+)"
               rf"(?P<name>{_CYRILLIC_WORD}(?:\s+{_CYRILLIC_WORD}){{0,2}}){_INITIALS}"),
    # A surname with initials, or a full name with a patronymic, is a person wherever it is.
    re.compile(rf"{_CYRILLIC_WORD}\s+[{_CYR_UP}]\.\s?[{_CYR_UP}]\."),
    re.compile(rf"{_LATIN_WORD}\s+[A-Z]\.\s?[A-Z]\."),
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
    re.compile(rf"(?i:\b(?:bed|bay|cubicle|cama|habitación|hab\.|box|койк\w*|ліжк\w*|палат\w*)"
               rf"\s*(?:no\.?\s*|№\s*|n\.?[ºo°]\s*)?\d{{1,3}}\s*[-–—:,]\s*)"
               rf"(?P<surname>{_LATIN_WORD}|{_CYRILLIC_WORD})(?=\s*[-–—,;(/]|\s*$)"),
]
# ...unless a colleague's title comes just before it: "зав. отделением Смирнова Н.А.".
_STAFF_BEFORE = re.compile(
    r"(?i)(?:prof|professor|dr|doctor|lecturer|consultant|registrar|colleague|speaker|nurse"
    r"|проф|доц|зав|заведующ|лектор|доклад|врач|лікар|доктор|д-р|колег|наставник|керівник"
    r"|руковод|медсестр|ponente|profesor|doctora?|dra?|jef[ae]|adjunt[oa]|colega"
    r"|лекци|лекці|вебинар|вебінар|семинар|семінар|кардиолог|завідувач|lecture|webinar"
    # thanked: "Спасибо Марине Олеговне", "Дякую Наталії Іванівні"
    r"|thank|gracias|agradec|спасиб|благодар|дякую|дяку|подяк|рахмет|алғыс|მადლობ|təşəkkür"
    r"|наставни|mentor|tutor|supervisor|matron|pharmacist|midwife|physio|олог|ólog|ologist|хирург|хірург|ქირურგ|cirujan|surgeon"
    r"|педиатр|педіатр|pediatr|терапевт|anestesi|резидент|residente|რეზიდენტ|"
    + "|".join(re.escape(stem) for language in ("kk", "ka", "az")
               for stem in _NAMES_DATA["staff"][language]) + r")\w*\.?"
    # "зав. отделением", "завідувачки відділення анестезіології", "jefa del servicio de"
    r"(?:\s+(?:відділенн\w*|отделени\w*|кафедр\w*|department|dept\.?|of|de|del|servicio"
    r"|бөлім\w*|განყოფილებ\w*|şöbə\w*|\w+(?:ології|ологии|ology|logía|ologiya|ოლოგიის)))*"
    r"(?:\s+\w+\.?)?\s*$")
# ...or learning from them: "learnt the anastomosis from Ms Kowalski", "aprendí de la Dra.".
_TAUGHT_BY = re.compile(r"(?i)(?:learn\w*|taught|teaching|lesson|tips?|advice|talk|aprend\w*"
                        r"|научил\w*|навчил\w*|узнал\w*"
                        r"|дізнал\w*|үйрен\w*|ვისწავლე|öyrən\w*)[^.!?\n]{0,60}"
                        r"(?:\bfrom|\bby|\bde|\bот|\bвід|\bу)\s+(?:[\w.]+[\s,]+){0,2}$")
# ...or a colleague's role, a teacher's verb or thanks just after: "Mr Adeyemi (consultant
# vascular surgeon)", "Mr Fraser pointed out".
_STAFF_AFTER = re.compile(
    r"(?i)\s+(?:pointed\s+out|showed|taught|explained|demonstrated|told\s+us|mostró|explicó|enseñó"
    r"|объяснил\w*|показал\w*|пояснил\w*|пояснив\w*|показав\w*|розпові\w*|түсіндір\w*"
    r"|გვაჩვენ\w*|აგვიხსნ\w*|izah\s+etdi|göstərdi)"
    r"|\s*[(,–—-]\s*(?:the\s+|our\s+|el\s+|la\s+|наш\w*\s+|нашей\s+|nuestr\w+\s+)?(?:\w+\s+)?"
    r"(?:pharmacist|midwife|mw\b|matron|nurse|sister|physio\w*|enfermer\w*|matrona|farmac\w*"
    r"|медсестр\w*|медбрат|акушер\w*|фармац\w*|\w*олог\w*|провизор|мейірбике|ექთან\w*"
    r"|tibb\s+bacı\w*|consultant|registrar"
    r"|professor|prof\b|lecturer|surgeon|physician|nurse\s+specialist|зав\b|заведующ|завідувач"
    r"|профессор|професор|доцент|лектор|jef[ae]|adjunt|profesor|médic[oa]\s+adjunt"
    r"|резидент|rezident|რეზიდენტ|ექიმ|дәрігер|həkim|біздің\s+\w+|ჩვენი\s+\w+|bizim\s+\w+|"
    + "|".join(re.escape(stem) for language in ("kk", "ka", "az")
               for stem in _NAMES_DATA["staff"][language]) + ")"
    # or thanked just after: "Серікбаевқа рахмет", "ლომიძეს დიდი მადლობა"
    r"|\s*(?:\([^)]{0,30}\)\s*)?(?:(?:дуже|очень|большое|огромное|დიდი|çox|үлкен)\s+)?"
    r"(?:рахмет|спасибо|дякую|მადლობ|təşəkkür|thanks|gracias)")

# Eponyms, cities and the clinical nouns that travel with them, which a name must not be
# wholly made of; and words that start a sentence before "from bed 5" (eponyms.toml).
_NOT_A_PERSON = frozenset(word.casefold() for key in ("eponyms", "places", "clinical_words")
                          for word in _WORDS[key])
_NOT_A_SURNAME = frozenset(word.casefold() for word in _WORDS["not_names"]) | _NOT_A_PERSON
_ENDINGS = tuple(_WORDS["endings"])
_POSSESSIVE = re.compile(r"['’]s?$")


def _known(word: str, words: frozenset[str]) -> bool:
    """`word` is in `words`, as it stands, without a possessive ("Parkinson's"), or less a
    case ending from eponyms.toml ("Паркинсона", "Бабинского" from "Бабинск", "Bakıdan")."""
    word = word.casefold()
    base = _POSSESSIVE.sub("", word)
    return (word in words or base in words
            or any(base.endswith(ending) and base[:-len(ending)] in words for ending in _ENDINGS))


def _not_a_person(name: str, words: frozenset[str] = _NOT_A_PERSON) -> bool:
    """Every word of the name (every part of a double-barrelled one) is an eponym, a city or
    a clinical noun: "Glasgow Coma Scale", "Болезнь Паркинсона", "Guillain-Barré"."""
    return all(_known(word, words) or ("-" in word and all(
        _known(part, words) for part in word.split("-"))) for word in name.split())


# -- names in Kazakh, Georgian and Azerbaijani, and full names ----------------------------------
# Each pattern's name is its group "name"; its check gets the match and says whether it is a
# person. A first name from names.toml followed by a surname, a surname with its country's
# ending next to a first name, a Turkic patronymic ("Нұрланұлы", "Rauf oğlu"), a Georgian
# surname in -შვილი or -ძე anywhere (the other endings only after a first name or by a bed),
# an Azerbaijani surname in -ov, -yev, -zadə anywhere, and a surname by its bed or ward.

_CYRILLIC_CASES = {"а": "а|ы|и|у|ой|е|ою|і|ю", "я": "я|и|ю|ей|е|ї|єю|ею|і", "й": "й|я|ю|ем|є|ї",
                   "ь": "ь|я|ю|ем|і|е"}


# Kazakh case endings, on a surname or a first name: "Омаровқа", "Сейітованы", "Ерланның".
_KK_CASE = (r"(?:ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|ны|ні|ды|ді|ты|ті|да|де|та|те|дағы|дегі"
            r"|дан|ден|тан|тен|нан|нен|мен|бен|пен)")


def _cyrillic_forms(name: str) -> str:
    """A Russian, Ukrainian or Kazakh first name in its cases: "Нурлана", "Ольгу", "Андрія",
    "Ерланның"."""
    if name[-1] in _CYRILLIC_CASES:
        return f"{re.escape(name[:-1])}(?:{_CYRILLIC_CASES[name[-1]]}|{name[-1]}{_KK_CASE})"
    return f"{re.escape(name)}(?:а|у|ом|е|ові|ым|ем|і|{_KK_CASE})?"


_FIRST = {script: _alternation(words) for script, words in _NAMES_DATA["first_names"].items()}
_FIRST["cyrillic"] = "|".join(_cyrillic_forms(name) for name in sorted(
    set(_NAMES_DATA["first_names"]["cyrillic"]), key=len, reverse=True))
_FIRST_NAME = re.compile("|".join(f"(?:{names})" for names in _FIRST.values()))
_INSTITUTIONS = frozenset(word.casefold() for word in _NAMES_DATA["institutions"])
_PATRONYMIC = re.compile(r"(?i)(?:(?:ович|евич|йович|овн|евн|ичн|івн|ївн|інічн)\w{0,3}|ovich|evich"
                         r"|ovna|evna|ovych|ivna|ұлы|улы|қызы|кызы|uly|kyzy)$")
_CYRILLIC_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын|ск|цк|енко|енку|енка|енком|ук|юк|ян|ник|ар|ець"
                               r"|ли"
                               r"|дзе|швили|ұлы"
                               r"|қызы)(?:а|у|ой|ым|им|ому|ого|ий|ая|ую|ей|ій|ої|ою|ом)?$")
_LATIN_SURNAME = (r"(?:ov|ova|yev|yeva|[b-df-hj-np-tv-zçğş]ev|[b-df-hj-np-tv-zçğş]eva|zadə|zade"
                  r"|dze|shvili)")
_AZ_CASE = (r"(?:un|ün|ın|in|nın|nin|nun|nün|a|ə|ya|yə|u|ü|ı|i|nı|ni|nu|nü|da|də|dan|dən|la|lə"
            r"|yla|ylə|dakı|dəki)")
# A Russian, Ukrainian or Kazakh surname's ending that ordinary words (past tenses in -ли,
# "вторник") do not share: a name by itself near a ward or after a verb of seeing.
_STRICT_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын|ск|цк|енко|ук|юк|чук|ян|швили|дзе)"
                             r"(?:а|у|ой|ым|им|ому|ого|ий|ая|ую|ей|ій|ої|ою|ом)?$")
_LATIN_SURNAME_END = re.compile(rf"{_LATIN_SURNAME}{_AZ_CASE}?$|(?<=\w{{4}})l[ıiuü]$")
_KA_CASE_I = r"(?:ი|ს|მა|ის|ით|ად|თან|ისთვის|ზე|ში|ისგან)"
_KA_CASE_E = r"(?:ე|ეს|ემ|ის|ით|ედ|ესთან|ისთვის|ეზე|ეში|ისგან)"
_KA_CASE_A = r"(?:ა|ას|ამ|ათ|ათი|ად|ასთან|ასთვის|აზე|აში|ისგან)"
_KA_KIN = _alternation(_NAMES_DATA["georgian_kin"])
# -შვილი and -ძე: surnames wherever they are ("ხარაიშვილს", "ბერიძემ").
_KA_STRONG = rf"(?!{_KA_KIN})[{_KA}]{{3,}}(?:შვილ{_KA_CASE_I}|ძ{_KA_CASE_E})"
# -ია, -ავა, -უა, -ური, -ანი, -ელი: surnames too, but common words end so ("ანემია").
_KA_WEAK = rf"[{_KA}]{{2,}}(?:(?:ი|ავ|უ){_KA_CASE_A}|(?:ურ|ან|ელ){_KA_CASE_I})"
_KA_SURNAME = rf"(?<![{_KA}])(?:{_KA_STRONG}|{_KA_WEAK})(?![{_KA}])"
_BED_WORDS = r"(?i:საწოლ\w*|პალატ\w*|төсек\w*|палата\w*|çarpayı\w*|palata\w*)"


def _full_name(match: re.Match[str]) -> bool:
    """A first name and a surname: not when all after the first name is a patronymic ("Ольга
    Сергеевна", a colleague addressed) or an eponym or a city ("Ivan Pavlov")."""
    rest = [word for word in match.group("name").split() if not _FIRST_NAME.fullmatch(word)]
    return bool(rest) and not all(_PATRONYMIC.search(word) for word in rest) and not (
        _not_a_person(" ".join(rest)))


def _surname_first(match: re.Match[str]) -> bool:
    """"Петрова Ольга", "Məmmədova Aynur": the first word has a surname's ending."""
    surname = match.group("name").split()[0]
    return _surname_ending(surname) and not _not_a_person(surname)


def _surname_ending(word: str) -> bool:
    return bool(_CYRILLIC_SURNAME.search(word) or _LATIN_SURNAME_END.search(word))


def _initialled(match: re.Match[str]) -> bool:
    """"И.И. Иванов", or "А. Петрова" with a surname's ending; no eponym or city."""
    name = match.group("name")
    surname = name.replace(".", ". ").split()[-1]
    two_initials = name.count(".") == 2
    return (two_initials or _surname_ending(surname)) and not _not_a_person(
        surname, _NOT_A_SURNAME)


def _listed(match: re.Match[str]) -> bool:
    """"Huamán Quispe, Rosa", "Петрова, Ольга": two surnames, or one with a surname's ending
    ("Además, Carmen" is a sentence), and no eponym, city or clinical word."""
    surnames = match.group("name").split(",")[0].split()
    return (len(surnames) == 2 or _surname_ending(surnames[0])) and not _not_a_person(
        " ".join(surnames), _NOT_A_SURNAME) and not any(map(_FIRST_NAME.fullmatch, surnames))


def _person(match: re.Match[str]) -> bool:
    return not _not_a_person(match.group("name"), _NOT_A_SURNAME) and not _PEOPLE.fullmatch(
        match.group("name"))


def _anyone(match: re.Match[str]) -> bool:
    return True


def _kazakh_case(match: re.Match[str]) -> bool:
    """"Омаровқа", "Сейітованы", but not a Russian patronymic ("Петровны") or a city."""
    return not _PATRONYMIC.search(match.group("name")) and _person(match)


# Georgian words for diseases and procedures end like a surname in -ია: "ანემია",
# "პნევმონია", "ართრალგია", "ენდოსკოპია".
_KA_CLINICAL = re.compile(r"(?:ემი|ალგი|პათი|ონი|ტომი|სკოპი|ფაგი|პლეგი|ფობი|თერაპი|გრაფი|ლოგი"
                          r"|ტრი|ურ|ოზ|იტ|ქსი|ფრენი|ტროფი|პნოე)ი?ა")


def _georgian_person(match: re.Match[str]) -> bool:
    return not _KA_CLINICAL.search(match.group("name")) and _person(match)


def _strict_surname(match: re.Match[str]) -> bool:
    """A lone Cyrillic word with a surname's ending that no common word has."""
    name = match.group("name")
    return bool(_STRICT_SURNAME.search(name)) and _person(match)


def _seen(match: re.Match[str]) -> bool:
    """Words after "saw", "visité a", "осмотрела": a name when no eponym, place or staff title,
    and (in Cyrillic) one word a first name, a surname with its ending or a patronymic."""
    words = match.group("name").split()
    if _STAFF_BEFORE.search(words[0]) or _not_a_person(" ".join(words), _NOT_A_SURNAME) or any(
            _known(word, _NOT_A_SURNAME) for word in words):
        return False
    if words[0][0] in _LATIN_UP or "A" <= words[0][0] <= "Z":
        return len(words) >= 2
    return any(_FIRST_NAME.fullmatch(word) or _STRICT_SURNAME.search(word)
               or _PATRONYMIC.search(word) for word in words)


def _capitals(match: re.Match[str]) -> bool:
    """"GARCÍA LÓPEZ, Antonio", "ИВАНОВА Мария": two surnames in capitals, or one with a
    surname's ending, then a first name; no abbreviation of an eponym or a place."""
    surnames = re.split(r"[\s,]+", match.group("name"))[:-1]
    surnames = [word for word in surnames if word]
    return (len(surnames) == 2 or _surname_ending(surnames[0].lower())) and not _not_a_person(
        " ".join(surnames), _NOT_A_SURNAME)


# A verb's ending: "Объясняла Ирина Олеговна" is a colleague explaining, with no surname.
_VERB_ENDING = re.compile(r"(?:ла|ли|ло|ал|ял|ил|ел|ыл|ет|ит|ут|ют|ат|ят|ую|юю|ав|ив)$")


def _with_patronymic(match: re.Match[str]) -> bool:
    """"Иванова Мария Петровна": the first word a surname, not a verb or a word of thanks."""
    first = match.group("name").split()[0]
    return not (_known(first, _NOT_A_SURNAME) or _VERB_ENDING.search(first)
                or _STAFF_BEFORE.search(first) or _PEOPLE.fullmatch(first))


_MORE_NAMES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], bool]]] = [
    # A surname, a first name and a patronymic, in any case: "Ивановой Марии Петровне"
    (re.compile(rf"(?<![\w-])(?P<name>{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD}\s+[{_CYR_UP}][{_CYR_LOW}]+"
                rf"(?:(?:ов|ев|йов|ьов)ич(?:а|у|ем|ом|е|і|еві|ові)?"
                rf"|(?:овн|евн|ичн|івн|ївн|інічн)(?:а|ы|е|у|ой|ою|і|ої|ій)))(?![\w-])"),
     _with_patronymic),
    # "Иван Петров", "Анна Сергеевна Белова", "Rosario Quispe Mamani", "Aynur Məmmədova"
    (re.compile(rf"(?<![\w-])(?P<name>(?:{_FIRST['cyrillic']})(?:\s+{_CYRILLIC_WORD}){{1,2}})"
                r"(?![\w-])"), _full_name),
    (re.compile(rf"(?<![\w.-])(?P<name>(?:{_FIRST['latin']})(?:\s+{_LATIN_WORD}){{1,3}})"
                r"(?![\w-])"), _full_name),
    # "Петрова Ольга", "Петренко Іван", "Məmmədova Aynur"
    (re.compile(rf"(?<![\w-])(?P<name>{_CYRILLIC_WORD}\s+(?:{_FIRST['cyrillic']}))(?![\w-])"),
     _surname_first),
    (re.compile(rf"(?<![\w.-])(?P<name>{_LATIN_WORD}\s+(?:{_FIRST['latin']}){_AZ_CASE}?)"
                r"(?![\w-])"), _surname_first),
    # Initials before the surname ("И.И. Иванов", "E.R. Həsənov"), or one initial after a
    # surname with its ending ("Петрова А.", "Həsənova S."); "E. Coli" and "C. Diff" are no one.
    (re.compile(rf"(?<![\w.])(?P<name>[{_CYR_UP}]\.\s?(?:[{_CYR_UP}]\.\s?)?{_CYRILLIC_WORD})"
                r"(?![\w-])"), _initialled),
    (re.compile(rf"(?<![\w.])(?P<name>[{_LATIN_UP}]\.\s?(?:[{_LATIN_UP}]\.\s?)?{_LATIN_WORD})"
                r"(?![\w-])"), _initialled),
    (re.compile(rf"(?<![\w-])(?P<name>(?:{_CYRILLIC_WORD}|{_LATIN_WORD})\s+[{_CYR_UP}{_LATIN_UP}]\.)"
                rf"(?!\s?[{_CYR_UP}{_LATIN_UP}]\.|\w)"), _surname_first),
    # Surnames, then the first name after a comma, as lists write them: "Huamán Quispe, Rosa"
    (re.compile(rf"(?<![\w.-])(?P<name>{_LATIN_WORD}(?:\s+{_LATIN_WORD})?,\s*(?:{_FIRST['latin']}))"
                r"(?![\w-])"), _listed),
    (re.compile(rf"(?<![\w-])(?P<name>{_CYRILLIC_WORD}(?:\s+{_CYRILLIC_WORD})?,\s*"
                rf"(?:{_FIRST['cyrillic']}))(?![\w-])"), _listed),
    # Turkic patronymics: "Ермеков Айдос Нұрланұлы", "Мамедова Севиль Рашид кызы",
    # "Həsənov Elçin Rauf oğlu"; and "Aigerim Nurlanovna Seitova".
    (re.compile(rf"(?<![\w-])(?P<name>{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD}\s+(?:{_CYRILLIC_WORD}\s+"
                r"(?:кызы|қызы|оглы|оғлы|улы|ұлы)|[" + _CYR_UP + "][" + _CYR_LOW
                + r"]+(?:ұлы|улы|қызы|кызы)))(?![\w-])"), _anyone),
    (re.compile(rf"(?<![\w-])(?P<name>{_LATIN_WORD}\s+{_LATIN_WORD}\s+(?:{_LATIN_WORD}\s+"
                r"(?:oğlu|qızı|oglu|ogly|gizi|kyzy|uly)|[" + _LATIN_UP + "][" + _LATIN_LOW
                + r"]+(?:uly|kyzy|ovich|evich|ovna|evna|ovych|ivna)))(?![\w-])"), _anyone),
    (re.compile(rf"(?<![\w-])(?P<name>{_LATIN_WORD}\s+[{_LATIN_UP}][{_LATIN_LOW}]+"
                rf"(?:ovich|evich|ovna|evna|ovych|ivna)\s+{_LATIN_WORD})"), _anyone),
    # Georgian: "ხარაიშვილი" or "ბერიძეს" anywhere, "გიორგი შენგელია" after a first name.
    (re.compile(rf"(?<![{_KA}])(?P<name>(?:(?:{_FIRST['georgian']})\s+)?{_KA_STRONG})"
                rf"(?![{_KA}])"), _anyone),
    (re.compile(rf"(?<![{_KA}])(?P<name>(?:{_FIRST['georgian']})\s+{_KA_SURNAME})"), _anyone),
    # Azerbaijani (and Russian, in Latin letters): "Həsənov", "Quliyevanın", "Hüseynzadə".
    (re.compile(rf"(?<![\w.-])(?P<name>[{_LATIN_UP}][{_LATIN_LOW}]+{_LATIN_SURNAME}{_AZ_CASE}?)"
                r"(?!\w|-(?![ა-ჰ]))"), _person),
    # By the bed or ward: "5-палатадағы Сейітов", "8-төсектегі Омарова", "5-ci palatadakı
    # Həsənov", "მე-5 პალატის ხარაიშვილი", "ჯაფარიძეს (საწოლი 8".
    (re.compile(rf"(?i:(?<!\w)\d{{1,3}}\s*-?\s*(?:палатадағы|палатадан|төсектегі|төсектен"
                rf"|бөлмедегі)\s+)(?P<name>{_CYRILLIC_WORD})"), _person),
    (re.compile(rf"(?i:(?<!\w)\d{{1,3}}\s*-?\s*(?:ci|cı|cu|cü)?\s*(?:nömrəli\s+)?"
                rf"(?:palatadakı|palatadan|çarpayıdakı|otaqdakı)\s+)(?P<name>{_LATIN_WORD})"),
     _person),
    # (the bed's genitive: "მე-3 საწოლი თავისუფალია" is "bed 3 is free")
    (re.compile(rf"(?<![{_KA}])მე-?\s?\d{{1,3}}(?:-?ე)?\s+(?:პალატ|საწოლ|ოთახ)(?:ის|იდან)\s+"
                rf"(?P<name>{_KA_SURNAME})"), _person),
    (re.compile(rf"(?P<name>{_KA_SURNAME}|(?<![\w-]){_CYRILLIC_WORD}|(?<![\w-]){_LATIN_WORD})"
                rf"\s*\(\s*{_BED_WORDS}\s*(?:№\s*)?\d"), _person),
    (re.compile(rf"{_BED_WORDS}\s*(?:№\s*)?\d{{1,3}}\s*\(\s*(?P<name>[{_KA}]+)\s*\)"),
     _person),
    # Kazakh cases on a Russian-style surname, anywhere: "Омаровқа", "Сейітованы".
    (re.compile(rf"(?<![\w-])(?P<name>[{_CYR_UP}][{_CYR_LOW}]+(?:ов|ев|ёв|ин|ын)а?{_KK_CASE})"
                r"(?![\w-])"), _kazakh_case),
    # A surname with its ending, in or from a ward: "у Кузнецова в 4 палате".
    (re.compile(rf"(?<![\w-])(?P<name>{_CYRILLIC_WORD})\s+(?:в|у|на|из|с|з|із|зі)\s+"
                r"(?:\d{1,3}(?:-?[а-яії]{1,2})?\s+палат\w*|палат\w*\s+(?:№\s*)?\d{1,3}\b)"),
     _strict_surname),
    # After a title: "пані Коваль", "ქალბატონი ლომაია", "ბატონ გურამ ჩიქოვანს".
    (re.compile(rf"(?i:(?<!\w)(?:{_alternation(_NAMES_DATA['titles']['cyrillic'])})\s+)"
                rf"(?P<name>{_CYRILLIC_WORD}(?:\s+{_CYRILLIC_WORD}){{0,2}})"), _person),
    (re.compile(rf"(?<![{_KA}])(?:{_alternation(_NAMES_DATA['titles']['georgian'])})\s+"
                rf"(?P<name>(?:(?:{_FIRST['georgian']})\s+)?{_KA_SURNAME})"), _georgian_person),
    # Georgian, before a verb of seeing: "შენგელიას ვესტუმრე".
    (re.compile(rf"(?P<name>{_KA_SURNAME})\s+(?:{_alternation(_NAMES_DATA['seen_after']['georgian'])})"
                rf"(?![{_KA}])"), _georgian_person),
    # After a verb of seeing: "saw Gareth Pritchard", "visité a Rosa Huamán", "зашла к Ивановой".
    (re.compile(rf"(?i:(?<!\w)(?:{_alternation(_NAMES_DATA['seen_before']['latin'])})\s+)"
                rf"(?P<name>{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{0,2}})(?![\w-])"), _seen),
    (re.compile(rf"(?i:(?<!\w)(?:{_alternation(_NAMES_DATA['seen_before']['cyrillic'])})\s+)"
                rf"(?P<name>{_CYRILLIC_WORD}(?:\s+{_CYRILLIC_WORD}){{0,2}})(?![\w-])"), _seen),
    # Surnames in capitals, then a first name: "GARCÍA LÓPEZ, Antonio", "ИВАНОВА Мария".
    (re.compile(rf"(?<![\w-])(?P<name>[{_LATIN_UP}]{{3,}}(?:\s+[{_LATIN_UP}]{{3,}})?,?\s+"
                rf"(?:{_FIRST['latin']}))(?![\w-])"), _capitals),
    (re.compile(rf"(?<![\w-])(?P<name>[{_CYR_UP}]{{3,}}(?:\s+[{_CYR_UP}]{{3,}})?,?\s+"
                rf"(?:{_FIRST['cyrillic']}))(?![\w-])"), _capitals),
]
# A name right before one of these is a namesake ("Асфендияров атындағы", "ჭავჭავაძის
# გამზირზე", "Nizami küçəsi"), and one right after an institution's word is its name
# ("Hospital María Auxiliadora", "San José").
_NAMESAKE_AFTER = re.compile(
    rf"\s*(?:{_alternation(_NAMES_DATA['named_after'])}|(?i:{_alternation(_STREETS['after'])})"
    rf"|(?i:{_alternation(_NAMES_DATA['institutions_after'])}))")
_INSTITUTION_BEFORE = re.compile(r"(?i)(?:^|[^\w])(?P<word>[\w.]+)\s+$")


# Titles of staff, in capitals: "Sister Julie Hargreaves" is a nurse, "his sister Jane" is not.
_STAFF_TITLE = re.compile(r"(?:Sister|Matron|Charge\s+Nurse|Nurse|Midwife|Prof\.?|Dr\.?)\s+$")
# A street's or an institution's word up to three words before: "Hospital Nacional Cayetano
# Heredia", "Avenida Túpac Amaru".
_PLACE_BEFORE = re.compile(
    rf"(?i)(?<!\w)(?:{_alternation(_NAMES_DATA['institutions'] + _STREETS['before'])})"
    r"(?:\s+[^\W\d][\w'’.-]*){0,2}\s+$")


def _namesake(text: str, start: int, end: int) -> bool:
    """A teacher's name ("Dr. Petrova showed us"), or a street's, a hospital's, a
    university's: not a patient."""
    if _STAFF_BEFORE.search(text[max(0, start - 50):start]) or _STAFF_AFTER.match(text, end) or (
            _TAUGHT_BY.search(text[max(0, start - 90):start])):
        return True
    if _NAMESAKE_AFTER.match(text, end) or _STAFF_TITLE.search(text[max(0, start - 15):start]):
        return True
    if _PLACE_BEFORE.search(text[max(0, start - 50):start]):
        return True
    before = _INSTITUTION_BEFORE.search(text[max(0, start - 25):start])
    return before is not None and before.group("word").casefold().rstrip(".") in _INSTITUTIONS


def _institution(name: str) -> bool:
    return any(word.casefold() in _INSTITUTIONS for word in name.split())


# -- names by their company: after a patient or a relative, by a bed, in lower case ----------
# A word-by-word pass over the note, for what the patterns above can't see: names typed in
# lower case ("pt called margaret oyelaran", "сергей лаптев", "aynur quliyeva"), a relative's
# name ("Daughter (Kelly Brennan)"), a surname by a bed in any order ("Bed 14 Pemberton",
# "Гусейнов, 12 койка", "в 7-й палате Шаповалов"), and a first name or an initial next to a
# name already found ("Shamil Gafurov", "Martínez P.").

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d+")
_COMMON = tomllib.loads((Path(__file__).parent / "common_names.toml").read_text(encoding="utf-8"))
_FOLDED_FIRST = frozenset(name.casefold() for data in (_NAMES_DATA, _COMMON)
                          for names in data["first_names"].values() for name in names
                          if len(name) >= 3)
_FOLDED_SURNAMES = frozenset(name.casefold() for names in _COMMON["surnames"].values()
                             for name in names)
_RELATIVES = frozenset(_NAMES_DATA["relatives"])
_FUNCTION_WORDS = frozenset(_WORDS["function_words"])
_LATIN_GEORGIAN = re.compile(r"(?:dze|shvili|швили|дзе)(?:s|m|is|ს|მ|ის)?$")
_KK_CASE_END = re.compile(rf"{_KK_CASE}$")
_LATIN_LETTERS = re.compile(rf"[{_LATIN_LOW}'’-]+")
# Endings only surnames have, so that any word before them is a first name: "gulnar aliyeva".
_STRONG_SURNAME = re.compile(r"\w{3}(?:ova|eva|yeva|zadə|zade|dze|shvili|ова|ева|енко|швили|дзе"
                             r"|ович|івна|овна|евна)$")
_BED = re.compile(
    r"(?i)(?:bed|beds|bay|cubicle|side\s+room|room|cama|habitación|hab|box|boks\w*|бокс\w*"
    r"|койк\w*|ліжк\w*|палат\w*|төсек\w*|бөлме\w*|საწოლ\w*|პალატ\w*|ოთახ\w*|çarpayı\w*"
    r"|palata\w*|otaq\w*)$")


def _first_name(word: str) -> bool:
    folded = word.casefold()
    return folded in _FOLDED_FIRST or bool(_FIRST_NAME.fullmatch(word[:1].upper() + word[1:]))


def _surname_like(word: str, strict: bool = False) -> bool:
    """A surname by its ending or from the list, in any case: "лаптев", "асқаровтың",
    "quliyeva", "Lomidze", "нұрланқызы", "Oyelaran" (listed). `strict` leaves out the endings
    common words share ("-ар", "-ник", "-ли"): for words in lower case."""
    folded = word.casefold()
    bare = _KK_CASE_END.sub("", folded) if len(folded) > 6 else folded
    if len(folded) < 5:
        return False
    return (folded in _FOLDED_SURNAMES or bool(_LATIN_GEORGIAN.search(folded))
            or any((_STRICT_SURNAME.search(form) or _LATIN_SURNAME_END.search(form)) if strict
                   else _surname_ending(form) or _PATRONYMIC.search(form)
                   for form in (folded, bare)))


_TITLE_CASE = re.compile(
    rf"(?:Mc)?[^\W\d_](?:[^\W\d_{_LATIN_UP}{_CYR_UP}]|['’-]|(?<=['’-])[^\W\d_])*")
# "Bed 4 - Refused obs", "Bay 2 Deteriorating": verbs and nouns, not surnames.
_ENGLISH_NOT_SURNAME = re.compile(r"(?:ed|ing|ly|ion|ment|ness)$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|\n\s*)$")
_BED_GAP = re.compile(r"(?i)\s*(?:[,(:–—-]\s*)?(?:(?:in|from|on|at|из|с|з|із|в|у|на|en|de)\s+)?"
                      r"(?:(?:the|side|la|de\s+la)\s+)?(?:\d{1,3}(?:-?[а-яії]{1,2})?\s*)?")


def _plain(word: str) -> bool:
    """Could be a name: letters only, not a function word, eponym, city, patient or staff
    word, and in title case if capitalised ("ExoKQ" and "SpO2" are no one)."""
    if word[0].isupper() and not _TITLE_CASE.fullmatch(word):
        return False
    return (word.casefold() not in _FUNCTION_WORDS
            and not _known(word, _NOT_A_SURNAME) and not _PEOPLE.fullmatch(word)
            and not _STAFF_BEFORE.search(word) and not word.isupper())


@dataclass(frozen=True)
class _Words:
    """The note's words and numbers, with where each starts and ends."""
    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Words:
        found = list(_TOKEN.finditer(text))
        return cls(text, [m.group() for m in found], [m.start() for m in found],
                   [m.end() for m in found])

    def joined(self, i: int) -> bool:
        """Word i and the next are parted by spaces only."""
        return i + 1 < len(self.words) and not self.text[self.ends[i]:self.starts[i + 1]].strip()

    def span(self, first: int, last: int) -> tuple[int, int]:
        return self.starts[first], self.ends[last]


_CONNECTORS = ("de", "del", "la", "y")
_BEFORE_A_NAME = frozenset({"of", "de", "called", "named", "llamado", "llamada", "пациентки",
                            "пациента", "пацієнтки", "пацієнта"})


def _name_from(w: _Words, i: int, lower_case: bool) -> int:
    """The last word of a name starting at word i, or -1: capitalised words (with "de", "del"
    between: "María del Carmen Ruiz"), or with `lower_case` up to four lower-case words, each
    a first name, a surname by its ending or list, or the word after a first name."""
    words = w.words
    if not _plain(words[i]):
        return -1
    last = i
    if words[i][0].isupper():
        while w.joined(last):
            after = words[last + 1]
            if after[0].isupper() and _plain(after):
                last += 1
            elif after in _CONNECTORS and w.joined(last + 1) and words[last + 2][0].isupper():
                last += 2
            else:
                break
        return -1 if _not_a_person(" ".join(words[i:last + 1]), _NOT_A_SURNAME) else last
    if not lower_case or not (_first_name(words[i]) or _surname_like(words[i])):
        return -1
    while last - i < 3 and w.joined(last) and words[last + 1].islower() and _plain(
            words[last + 1]) and (_first_name(words[last]) or _first_name(words[last + 1])
                                  or _surname_like(words[last + 1])):
        last += 1
    return last if last > i or _surname_like(words[i]) else -1


def _after_a_person_word(w: _Words, i: int) -> tuple[int, int] | None:
    """"pac. jose luis fernandez", "wife of Graham Whitlock", "Daughter (Kelly Brennan)"."""
    word = w.words[i]
    if not (_PEOPLE.fullmatch(word) or (word.casefold() in _RELATIVES and word != "Sister")
            or word.casefold() in ("pac", "пац", "xeste")):  # "Sister Murphy" is a nurse
        return None
    if _STAFF_BEFORE.search(w.text[max(0, w.starts[i] - 30):w.starts[i]]):
        return None
    first = i + 1
    while first < len(w.words) and w.words[first].casefold() in _BEFORE_A_NAME:
        first += 1
    last = _name_from(w, first, lower_case=True) if first < len(w.words) else -1
    return w.span(first, last) if last >= 0 else None


def _lower_case_pair(w: _Words, i: int) -> tuple[int, int] | None:
    """A first name and a surname in lower case, either way round: "for patricia edmunsdon",
    "тимофеев игорь", "aynur quliyeva"."""
    if not w.joined(i):
        return None
    one, two = w.words[i], w.words[i + 1]
    if not (one.islower() and two.islower() and _plain(one) and _plain(two)):
        return None
    if (_first_name(one) and (_surname_like(two, strict=True) or len(two) > 3 and (
            _LATIN_LETTERS.fullmatch(one + two)))) or (
            _surname_like(one, strict=True) and _first_name(two)) or _STRONG_SURNAME.search(two):
        return w.span(i, max(_name_from(w, i, lower_case=True), i + 1))
    return None


def _by_a_bed(w: _Words, i: int) -> tuple[int, int] | None:
    """A capitalised word by a bed and its number, either side: "Bed 14 Pemberton", "Bay 3:
    Okafor", "Гусейнов, 12 койка", "Ashworth in side room 3", "Gogichaishvili 12-ე საწოლზე"."""
    words, text = w.words, w.text
    bed = _BED.match(words[i]) is not None
    if not bed and not (words[i].isdigit() and any(
            _BED.match(words[k]) for k in (i - 1, i + 1) if 0 <= k < len(words))):
        return None
    for k in (i + 1, i + 2) if bed else (i + 1,):
        if k >= len(words) or re.search(r"[.!?]", text[w.ends[i]:w.starts[k]]):
            break
        word = words[k]
        if word[0].isupper() and _plain(word) and not _BED.match(word) and (
                _surname_like(word) or not _ENGLISH_NOT_SURNAME.search(word)):
            last = _name_from(w, k, lower_case=False)
            return w.span(k, max(last, k))
    for k in (i - 1, i - 2, i - 3):
        if k < 0 or re.search(r"[.!?;]", text[w.ends[k]:w.starts[i]]):
            break
        word = words[k]
        if not (word[0].isupper() and _plain(word)) or _BED.match(word):
            continue
        # the bed right after it ("Гусейнов, 12 койка", "Whitcombe in bed 7"), and at a
        # sentence's start no verb ("Seen in Bay 4")
        gap = text[w.ends[k]:w.starts[i]]
        opening = bool(_SENTENCE_START.search(text[:w.starts[k]]))
        if _surname_like(word) or gap.strip() and _BED_GAP.fullmatch(gap) and not (
                opening and _ENGLISH_NOT_SURNAME.search(word)):
            return w.span(k, k)
    return None


def _first_and_surname(w: _Words, i: int) -> tuple[int, int] | None:
    """A capitalised first name and a capitalised word after it ("Chidi Okonkwo", "Rocío
    Benítez"), or two listed surnames ("Quispe Mamani"); not an eponym, place or clinical word."""
    if not (w.joined(i) and w.words[i][0].isupper() and w.words[i + 1][0].isupper()):
        return None
    one, two = w.words[i], w.words[i + 1]
    if not (_plain(one) and _plain(two)) or _not_a_person(two, _NOT_A_SURNAME) or (
            _PATRONYMIC.search(two)):  # "Ирина Олеговна": a colleague addressed
        return None
    if one.casefold() in _FOLDED_FIRST or (
            one.casefold() in _FOLDED_SURNAMES and two.casefold() in _FOLDED_SURNAMES):
        last = _name_from(w, i, lower_case=False)
        return w.span(i, max(last, i + 1))
    return None


def _names_by_company(text: str) -> list[tuple[int, int]]:
    w = _Words.of(text)
    found = [span for i in range(len(w.words))
             for span in (_after_a_person_word(w, i), _lower_case_pair(w, i), _by_a_bed(w, i),
                          _first_and_surname(w, i))
             if span]
    return [span for span in found if not _namesake(text, *span)]


# A day and month near a word of admission, discharge, operation or death: a date of the
# patient's care ("admitted 12/01", "поступил 03.02", "11.02-де ауруханаға түсті").
_DAY_MONTH = re.compile(
    rf"(?i)(?<![\d.,/:])(?:(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])(?![\d]|[./:,]\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?:{_MONTHS})(?!\w)(?!\s*(?:de\s+)?\d))")
_CARE_WORDS = (
    r"admitted|adm\b|admission|discharged|presented|died|operated|op\b|arrived|brought\s+in"
    r"|passed\s+away|death|surgery|operation|procedure|underwent"
    r"|had\s+(?:an?|her|his)\s+[\w\s]{2,20}?\s+on"
    r"|induced|delivered|gave\s+birth|c-section|caesarean"
    r"|поступ\w*|госпитал\w*|выписан\w*|оперирован\w*|прооперир\w*|умер\w*|доставлен\w*"
    r"|привез\w*|надійш\w*|госпіталіз\w*|виписан\w*|прооперов\w*|помер\w*"
    r"|операци\w*|операці\w*|оперов\w*|родил\w*|родоразреш\w*|народил\w*"
    r"|ingres\w*|operad\w*|intervenid\w*|dad[oa]\s+de\s+alta|alta|falleci\w*|lleg[óo]"
    r"|cirugía|operación|intervención|parto|pari[óo]|cesárea"
    r"|түсті|түскен|жатқызыл\w*|шығарыл\w*|ота\w*|жасал\w*|қайтыс|босанд\w*"
    r"|შემოვიდა|შემოიყვანეს|მოთავსდა|გაეწერა|ოპერირ\w*|ოპერაცი\w*|გარდაიცვალა|მიიღეს"
    r"|მშობიარობ\w*"
    r"|daxil\s+ol\w*|yerləşdiril\w*|yazıl\w*|əməliyyat\w*|vəfat|gətiril\w*|qəbul\s+olun\w*"
    r"|doğdu|doğuş\w*"
    r"|\w*(?:ectom|эктом|ектом|ექტომ|ektom|ostom|остом|plast|пласт)\w*")
_CARE_EVENT = re.compile(
    rf"(?i)(?:{_CARE_WORDS})[^\n.!?]{{0,20}}?$"
    rf"|(?:-?(?:де|да|те|та|ს|ში|də|da|dən|dan|ден|нан)?[\s,]+)(?:[^\W\d]+\s+){{0,2}}"
    rf"(?i:{_CARE_WORDS})")

# An address after one of these is where the clinician learned ("Семинар Тұран даңғылы,
# 38 мекенжайындағы залда"), not where a patient lives.
_VENUE = re.compile(
    r"(?i)(?<!\w)(?:seminar|семинар|семінар|conference|конференц|congress|конгрес|курс|course|kurs"
    r"|lecture|лекци|лекці|workshop|webinar|вебинар|vebinar|mühazirə|konfrans|სემინარ|ლექცი"
    r"|კონფერენცი|journal\s+club|jornada|congreso|curso|venue|дәріс|recert\w*|hotel|готел|отел"
    r"|education\s+cent|training\s+cent|colegio\s+de|НМИЦ|симпозиум|symposium|simposio|форум"
    r"|forum|school|школ|escuela|auditor\w*|аудитор\w*|зал[аеы]?\b|ტრენინგ|training|тренинг"
    r"|тренінг|təlim|emhana|емхана|аурухана|hospital|clínica|clinic|больниц|лікарн|поликлиник"
    r"|поліклінік|xəstəxana|klinika|საავადმყოფო|კლინიკ)")
# ...unless the patient's home is named: "discharged from the Infirmary home to 14 Elm Road".
_HOME = re.compile(r"(?i)(?<!\w)(?:lives?|living|home|живёт|живет|живут|прожива\w*|живе|домой"
                   r"|додому|vive|viven|domicilio|casa|тұрады|үйіне|ცხოვრობ\w*|სახლ\w*|yaşayır"
                   r"|evinə|evə|patient|пациент\w*|пацієнт\w*|paciente|науқас\w*|xəstə(?!xana)\w*"
                   r"|პაციენტ\w*)")

# A date right after one of these is when the clinician learned, not about a patient.
_LEARNING_EVENT = re.compile(
    r"(?i)(course|webinar|conference|lecture|seminar|workshop|session|meeting|teaching|"
    r"training|journal club|module|exam|вебинар|вебінар|курс|конференц|лекци|лекці|семинар|"
    r"семінар|тренинг|тренінг|занят|заняття|экзамен|іспит|curso|congreso|jornada|seminario|"
    r"taller|sesión|charla|clase|ponencia|webinario|дәріс|тренинг|оқу|конференция|"
    r"სემინარ|ლექცი|კონფერენცი|ვებინარ|კურს|ტრენინგ|გაკვეთილ|"
    r"mühazirə|konfrans|vebinar|kurs|təlim|dərs|seminar)\w*[^.!?\n]{0,25}$")


_PHONE_WORD = re.compile(r"(?i)(?:tel|phone|mob|mobile|cell|teléfono|telefono|tlf|móvil|movil"
                         r"|celular|cel\b|llam|call|ring|rang|contact|тел|телефон|моб|звон|дзвон"
                         r"|зателеф|ტელ|მობ|დარეკ|nömrə|нөмір|zəng)\w*\.?[^\d\n]{0,15}$")


def _phone_like(match: re.Match[str], text: str) -> bool:
    """9-13 digits that start as phone numbers do (+, 0, 8, a bracket), or any such run
    right after a word like "tel", "móvil" or "тел"."""
    found = match.group().strip()
    digits = sum(ch.isdigit() for ch in found)
    if not 9 <= digits <= 13 or _DATE_RE.fullmatch(found):
        return False
    return found[0] in "+0(8" or bool(_PHONE_GROUPS.fullmatch(found)) or bool(
        _PHONE_WORD.search(text[max(0, match.start() - 25):match.start()]))


def find_identifiers(text: str) -> list[Finding]:
    """Spans that look patient-identifying, in order, overlaps merged into the first kind."""
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(Finding(kind, start, end, text[start:end]))

    for start, end in _national_ids(text):
        add("national_id", start, end)
    for match in _NHS.finditer(text):
        if nhs_number_valid("".join(match.groups())) or _NHS_LABEL.search(
                text[max(0, match.start() - 70):match.start()]):
            add("nhs", match.start(), match.end())
    for match in _UK_POSTCODE_AFTER_ADDRESS.finditer(text):
        add("postcode", match.start(1), match.end(1))
    for kind, pattern in (("mrn", _MRN), ("dob", _DOB), ("dob", _BIRTH_YEAR),
                          ("email", _EMAIL), ("postcode", _UK_POSTCODE),
                          ("postcode", _LABELLED_POSTCODE), ("postcode", _POSTCODES)):
        for match in pattern.finditer(text):
            add(kind, match.start(), match.end())
    for match in _DATE_RE.finditer(text):
        if _birth_date(text, match):
            add("dob", *match.span())
    for match in _PHONE.finditer(text):
        if _phone_like(match, text):
            add("phone", match.start(), match.end())
    for pattern in _ADDRESSES:
        for match in pattern.finditer(text):
            start, end = match.span("address" if "address" in pattern.groupindex else 0)
            before = text[max(0, start - 100):start]
            if not _VENUE.search(before + text[start:end]) or _HOME.search(before):
                add("address", start, end)
    for number, pattern in enumerate(_NAMES):
        for match in pattern.finditer(text):
            if _STAFF_BEFORE.search(text[max(0, match.start() - 50):match.start()]) or (
                    _STAFF_AFTER.match(text, match.end())) or _TAUGHT_BY.search(
                    text[max(0, match.start() - 90):match.start()]):
                continue
            if number >= _TITLED and _STAFF_BEFORE.search(  # "Dr Maria Lopez, 12 patients"
                    text[max(0, match.start() - 30):match.start()] + match.group().split()[0]):
                continue
            groups = pattern.groupindex
            span = match.span("surname") if "surname" in groups else match.span()
            name = match.group("name" if "name" in groups else "surname" if "surname" in groups
                               else 0)
            if number >= _TITLED and _not_a_person(
                    name, _NOT_A_SURNAME if "surname" in groups or " " not in name
                    else _NOT_A_PERSON):
                continue
            if "surname" in groups and _PEOPLE.fullmatch(name):
                continue
            if number >= _TITLED and _institution(name):
                continue
            add("name", *span)
    for pattern, check in _MORE_NAMES:
        for match in pattern.finditer(text):
            start, end = match.span("name")
            if check(match) and not _institution(match.group("name")) and not _namesake(
                    text, start, end):
                add("name", start, end)
    for start, end in _names_by_company(text):
        add("name", start, end)
    taken = [(f.start, f.end) for f in found]
    for match in _LONG_NUMBER.finditer(text):
        if not any(start < match.end() and match.start() < end for start, end in taken) and not (
                _THINGS_NUMBERED.search(text[max(0, match.start() - 60):match.start()])):
            add("national_id", *match.span())
    ages = list(_AGE.finditer(text))
    dates = [m for m in _DATE_RE.finditer(text)
             if not _LEARNING_EVENT.search(text[max(0, m.start() - 30):m.start()])
             and not _THINGS_NUMBERED.search(text[max(0, m.start() - 40):m.start()])]
    if ages and dates:
        for match in (*ages, *dates):
            add("age_date", match.start(), match.end())
    for match in (*dates, *_DAY_MONTH.finditer(text)):
        if _CARE_EVENT.search(text[max(0, match.start() - 30):match.start()]) or (
                _CARE_EVENT.match(text, match.end())):
            age = next((a for a in reversed(ages) if 0 <= match.start() - a.end() <= 40), None)
            add("age_date", age.start() if age else match.start(), match.end())
    return _merged(_whole_names(text, found))


_NAME_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\s+$")
_NAME_AFTER = re.compile(rf"(?:\s+[{_LATIN_UP}{_CYR_UP}]\.(?:\s?[{_LATIN_UP}{_CYR_UP}]\.)?(?!\w)"
                         rf"|\s+[{_LATIN_LOW}{_CYR_LOW}]\.\s?[{_LATIN_LOW}{_CYR_LOW}]\.(?!\w))")


def _whole_names(text: str, found: list[Finding]) -> list[Finding]:
    """A name found grown to its first name before ("Дәулет Сәрсенбаевқа", "Shamil Gafurov")
    and its initials after ("Martínez P.", "иванову м.с.")."""
    grown = []
    for finding in found:
        start, end = finding.start, finding.end
        if finding.kind == "name":
            before = _NAME_BEFORE.search(text[max(0, start - 30):start])
            word = before.group(1) if before else ""
            if word and _plain(word) and (_first_name(word) or word[0].isupper() and (
                    _surname_like(finding.text))):
                start -= len(before.group(0))
            after = _NAME_AFTER.match(text, end)
            if after:
                end = after.end()
        grown.append(Finding(finding.kind, start, end, text[start:end]))
    return grown


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
