"""Numbers that point at a patient: national ID and insurance numbers (check digits verified
where the number has no label), NHS and record numbers, phones and e-mails."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie

from bot.privacy.dates import DATE_RE
from bot.privacy.words import (
    THINGS_NUMBERED,
    Span,
)

_NHS = re.compile(r"(?:(?<![\d\w])|(?<=(?i:nhs)))(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d\w])")


# After its label an NHS number is one whatever its check digit: a typo is still hers.
_NHS_LABEL = re.compile(r"(?i)\bnhs\b[^\d\n.!?]{0,60}$")
# ...or with the label just after: "485 777 3456 is the NHS no."
_NHS_LABEL_AFTER = re.compile(r"(?i)\s*(?:is|was|=)?\s*(?:the|his|her|pt'?s)?\s*nhs\b")
# The UK's National Insurance number: two letters, six digits, a letter A-D.
_NI_NUMBER = re.compile(r"(?<![\w-])(?:[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?[A-D]"
                        r"|[a-z]{2}\d{6}[a-d])"
                        r"(?![\w-])")


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 over the first nine digits; 11 - remainder is the check
    digit (11 means 0, 10 means the number can't exist)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


# -- national ID and insurance numbers --------------------------------------------------------
# A number without its label counts only when its check digit or shape proves it: Spain's DNI
# and NIE by python-stdnum, Russia's СНИЛС and Kazakhstan's ИИН by the checks below (stdnum has
# none for them), УНЗР and CURP by the birth date they hold.


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
               r"|\bід\.\s*код\w*|\bидент\.\s*код\w*"
               r"|податков\w+\s+номер\w*|налогов\w+\s+номер\w*)",
               r"(?:\d[\s-]?){11}\d|(?:\d[\s-]?){9}\d"),
     _any),
    # УНЗР: a birth date, a dash, five digits (the dash may be left out after the label).
    (re.compile(r"(?<![\d-])(?P<id>(?:19|20)\d{6}-\d{5})(?![\d-])"), _born_on),
    (_labelled(r"(?i:\bунзр|\bunzr)", r"(?:19|20)\d{6}[-\s]?\d{5}"), _any),
    (_labelled(r"(?i:\bnie\b|\bn\.i\.e\b\.?)", r"[XYZ][ -]?\d{7}[ -]?[A-Z]"), _any),
    # Ireland's PPS number, for the Irish in the UK: seven digits and one or two letters.
    (_labelled(r"(?i:\bppsn?\b)", r"\d{7}[A-W][A-IW]?"), _any),
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
               r"(?=[A-Z]*\d)[A-Z0-9]{7}|(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{7}"
               r"|(?=[a-z-]*\d)(?=[\d-]*[a-z])[a-z0-9]{3}-[a-z0-9]{4}"), _any),
    (re.compile(r"(?<!\w)(?i:f[iİı]n)(?:\s*(?i:k\w{0,4}))?[\s:#-]*"
                r"(?P<id>(?=[A-Z]*\d)[A-Z0-9]{7}|(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{7})"
                r"(?![\w-])"), _any),
    # The UK's NI number in lower case and spaced, after its label: "ni no nz 30 55 17 a".
    (_labelled(r"(?i:\bni\s+(?:no|number|#)|\bnino\b|national\s+insurance(?:\s+(?:no|number))?)",
               r"(?i:[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d])"), _any),
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
_LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{10,16}(?![\w/-]|[.,]\d)")
# A note that names the FIN anywhere: its seven letters and digits wherever they are
# ("FİN kodunu səhv yazmışam. Düzgünü 5ZK3P7M idi").
_FIN_NAMED = re.compile(
    r"(?<!\w)(?:FIN|FİN|ФИН|ФІН|(?i:f[iİı]n\s+kod\w*|f[iİı]n-[iıin]\w{0,2}))(?!\w)")
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
                           r"|[2-9]\d{2}[ -]\d{2}[ -]\d{2}[ -]\d{2}"
                           r"|[2-9]\d[ -]\d{4}[ -]\d{4}"  # Mexico: "55 4187 2093"
                           r"|[6-9]\d{2}[ -]\d{3}[ -]\d{3}")  # Spain's mobiles: "612 458 903"

# -- record numbers -----------------------------------------------------------------------------

_ID = r"[A-ZА-Я]{0,4}[-\s]?\d[\d/.-]{2,}[A-Za-zА-Яа-яІіЇїӘҒҚҢӨҰҮҺәғқңөұүһ\d]*"
# Kazakh, Georgian and Azerbaijani record labels: "Ауру тарихы №15872/24", "სამედიცინო
# ბარათი № 4512/25", "Xəstəlik tarixi № 2745/25".
_MRN_COUNTRIES = (r"ауру\s+тарих\w*|медициналық\s+карт\w*|амбулаторлық\s+карт\w*"
                  r"|стационарлық\s+карт\w*|науқастың\s+карт\w*"
                  r"|სამედიცინო\s+ბარათ\w*|ავადმყოფობის\s+ისტორი\w*|ამბულატორიული\s+ბარათ\w*"
                  r"|სტაციონარული\s+ბარათ\w*|ისტორი?ის\s+ნომერ\w*"
                  r"|xəstəlik\s+tarix\w*|tibbi\s+kart\w*|ambulator\s+kart\w*"
                  r"|stasionar\s+kart\w*|xəstə\s+kart\w*|(?<!\w)x/t\b|(?<!\w)x\.\s?t\.|ауру\s+тар\."
                  r"|(?<![ა-ჰ])ისტ(?:ორია)?\.?(?=\s*№)|(?:სამედ\.?|მედ\.|ამბ\.)\s*ბარათ\w*"
                  r"|ბარათ\w*\s+(?:ნომერ\w*|ნომ\.|№)")
_MRN = re.compile(
    r"(?i)(?:\bmrn|\bhosp(?:ital)?\.?\s*(?:no|num(?:ber)?|#)\.?|\bhospital\s+number"
    r"|\bunit\s+(?:no|number)\.?|\bpatient\s+(?:id|number|no)\.?|\bcase\s+(?:no|number)\.?"
    r"|\bmedical\s+record(?:\s+(?:no|number))?\.?|\bchi\b|\bnhi\b"
    r"|(?:истори[яи]|ист\.?)\s*(?:болезни|бол\.?)|номер\s+истории|медкарт\w*|медицинск\w+\s+карт\w*"
    r"|(?:історі[яї]|іст\.?)\s*(?:хвороби|хв\.?)|\bмед\.\s*карт\w*|\bамб\.?\s*карт\w*"
    r"|\bИБ\b|\bи/б\b|(?<!\w)и\.\s?б\.|\bі/х\b|istoriya\s+nömrə\w*|(?<!\w)м/к\b|(?<!\w)а/к\b|\bамб\.\s*карт\w*|карт\w*\s+стац\w*\s+\w+|\bexpediente"
    r"|амбулаторн\w+\s+карт\w*|карт[аиы]\s+(?:стационарного|амбулаторного)\s+\w+"
    r"|історі[яї]\s+хвороби|медичн\w+\s+карт\w*|\bnhc\b|\bhc\b"
    r"|historia\s+clínica|n\.?[ºo°]?\s*(?:de\s+)?historia(?:\s+clínica)?"
    rf"|número\s+de\s+historia|\bcase\s+notes?|номер\w*\s+карт\w*|{_MRN_COUNTRIES}"
    r"|(?:истори[яи]|історі[яї])\s+\w+(?=\s*№))"
    rf"(?:\s+(?:нөмірі|нөмір|nömrəsi|nömrə|номер|ნომერი|number|no))?"
    rf"(?:\s*(?:№|#|no\.?|n\.?[ºo°]|nº|:)?\s*|[^\d\n!?;]{{1,30}}?(?<![\w-]))(?:№\s*)?{_ID}")


_PHONE_WORD = re.compile(r"(?i)(?:tel|phone|mob|mobile|cell|teléfono|telefono|tlf|móvil|movil"
                         r"|celular|cel\b|llam|call|ring|rang|contact|тел|телефон|моб|звон|дзвон"
                         r"|зателеф|ტელ|მობ|დარეკ|nömrə|нөмір|zəng|whatsapp|viber|telegram|tfno|telf)"
                         r"\w*\.?[^\d\n]{0,15}$")


def _phone_like(match: re.Match[str], text: str) -> bool:
    """9-13 digits that start as phone numbers do (+, 0, 8, a bracket), or any such run
    right after a word like "tel", "móvil" or "тел"."""
    found = match.group().strip()
    digits = sum(ch.isdigit() for ch in found)
    if not 9 <= digits <= 13 or DATE_RE.fullmatch(found):
        return False
    return found[0] in "+0(8" or bool(_PHONE_GROUPS.fullmatch(found)) or bool(
        _PHONE_WORD.search(text[max(0, match.start() - 25):match.start()]))


# Whatever the label, "№" and five digits or more, or a number and its year, are a record's
# ("медкрата № 00384512", "карта стац. хворого № 6213/24"), unless an order's or a lot's.
_NUMBERED = re.compile(r"[№#]\s*(?P<number>\d{5,}(?:/\d{1,4})?|\d{2,}/\d{2,4})(?![\d/])")


def find(text: str) -> list[Span]:
    """National and insurance numbers, NHS and record numbers, phones and e-mails."""
    found: list[Span] = [("national_id", start, end) for start, end in _national_ids(text)]
    found += [("nhs", *match.span()) for match in _NHS.finditer(text)
              if nhs_number_valid("".join(match.groups())) or _NHS_LABEL.search(
                  text[max(0, match.start() - 70):match.start()])
              or _NHS_LABEL_AFTER.match(text, match.end())]
    found += [("mrn", *match.span()) for match in _MRN.finditer(text)]
    taken = [(start, end) for _, start, end in found]
    found += [("mrn", *match.span("number")) for match in _NUMBERED.finditer(text)
              if not THINGS_NUMBERED.search(text[max(0, match.start() - 40):match.start()])
              and not any(start < match.end() and match.start() < end for start, end in taken)]
    found += [("email", *match.span()) for match in _EMAIL.finditer(text)]
    found += [("phone", *match.span()) for match in _PHONE.finditer(text)
              if _phone_like(match, text)
              and not THINGS_NUMBERED.search(text[max(0, match.start() - 40):match.start()])]
    return found


def long_numbers(text: str, taken: list[tuple[int, int]]) -> list[Span]:
    """Ten to sixteen digits that nothing else took, and that are no lot or order."""
    return [("national_id", *match.span()) for match in _LONG_NUMBER.finditer(text)
            if not any(start < match.end() and match.start() < end for start, end in taken)
            and not THINGS_NUMBERED.search(text[max(0, match.start() - 60):match.start()])]
