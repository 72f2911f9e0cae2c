"""The privacy guard: likely patient identifiers in a clinician's note, found locally.

It runs before any text could leave the server, with or without an LLM set up. It looks for
NHS numbers (check digit verified), record and hospital numbers by their labels, dates of
birth, phone numbers, e-mail addresses, postcodes, personal names next to clinical words, and
an age together with a date, in English, Russian, Ukrainian and Spanish. It is a net with
known holes, not a proof: the clinician sees what it marked and decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("nhs", "mrn", "dob", "phone", "email", "postcode", "name", "age_date")
PLACEHOLDERS = {"nhs": "[NHS No.]", "mrn": "[record No.]", "dob": "[DOB]",
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
_NAMES = [
    re.compile(rf"(?i:\b(?:mr|mrs|ms|miss|mx|sr|sra|srta|dña?|don|doña)\.?\s+){_LATIN_NAME}"),
    re.compile(r"(?i:\b(?:mr|mrs|ms|miss|don|doña)\.?\s+)[a-z][a-z'’-]{2,}\b(?<!\bthe)"),
    # "Handover: Eileen Marsh, 84" or "Edna Threlfall 91F": a name followed by an age.
    re.compile(rf"(?<!\w)(?:{_LATIN_NAME}|{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD})"
               rf"(?=,\s*\d{{1,3}}\b(?![.,:/–-]\d)|\s+\d{{1,3}}\s?[MFМЖ]\b)"),
    re.compile(rf"(?i:\b(?:patient|pt\.?|client|resident|service user|señor|señora|señorita"
               rf"|paciente|enferm[oa]|niñ[oa]|bebé)\s+(?:called\s+|named\s+|llamad[oa]\s+)?)"
               rf"(?!(?:The|This|That|With|In|On|At|A|An|I|He|She|We|They|Who|Was|Is|Has|Had)"
               rf"\b){_LATIN_NAME}"),
    re.compile(rf"(?i:(?:пациент\w*|больн\w+|пацієнт\w*|хвор\w+|роженица|породілл\w+"
               rf"|ребён\w+|ребен\w+|дитин\w+|мальчик\w*|девочк\w+|хлопчик\w*|дівчинк\w+"
               rf"|мужчин\w+|женщин\w+|чоловік\w*|жінк\w+|бабушк\w+|дедушк\w+|бабус\w+"
               rf"|дідус\w+)\s+)"
               rf"{_CYRILLIC_WORD}(?:\s+{_CYRILLIC_WORD}){{0,2}}{_INITIALS}"),
    # A surname with initials, or a full name with a patronymic, is a person wherever it is.
    re.compile(rf"{_CYRILLIC_WORD}\s+[А-ЯЁІЇЄҐ]\.\s?[А-ЯЁІЇЄҐ]\."),
    re.compile(rf"{_LATIN_WORD}\s+[A-Z]\.\s?[A-Z]\."),
    re.compile(rf"{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD}\s+[А-ЯЁІЇЄҐ][а-яёіїєґ]+"
               rf"(?:ович|евич|йович|овна|евна|ична|івна|ївна|інична)\b"),
]
# ...unless a colleague's title comes just before it: "зав. отделением Смирнова Н.А.".
_STAFF_BEFORE = re.compile(
    r"(?i)(?:prof|professor|dr|doctor|lecturer|consultant|registrar|colleague|speaker|nurse"
    r"|проф|доц|зав|заведующ|лектор|доклад|врач|лікар|доктор|д-р|колег|наставник|керівник"
    r"|руковод|медсестр|ponente|profesor|doctora?|dra?|jef[ae]|adjunt[oa]|colega)\w*\.?"
    r"(?:\s+\w+\.?)?\s*$")


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
    for pattern in _NAMES:
        for match in pattern.finditer(text):
            if not _STAFF_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
                add("name", match.start(), match.end())
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
