"""Where a patient lives: postcodes and street addresses in the seven languages' formats."""

from __future__ import annotations

import re

from bot.privacy.words import (
    COURSES,
    CYR_LOW,
    CYR_UP,
    KA,
    LATIN_LOW,
    LATIN_UP,
    LATIN_WORD,
    NAMES_DATA,
    STREETS,
    WORDS,
    Span,
    alternation,
)

_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b")
# Lower case too, but only after an address word: "b12 1mg" is a dose, not a place.
_UK_POSTCODE_AFTER_ADDRESS = re.compile(
    r"(?i)(?:address|postcode|post code|lives|living|home|flat|street|road)\b[^.\n]{0,20}?"
    r"\b([a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2})\b")
_LABELLED_POSTCODE = re.compile(
    r"(?i)(?<!\w)(?:c\.\s?p\.|cp|c[oó]digo\s+postal|cod\.\s+postal|postcode|post\s+code|zip"
    r"|индекс\w*|індекс\w*|ინდექს\w*|indeks\w*)(?:\s*[:№-]?\s*|[^\d\n.!?]{1,25}?)"
    r"(?<![\w-])(?:\d{4,6}|AZ\s?-?\d{4})(?!\w)")
# Azerbaijan's "AZ1073" anywhere, and five digits by a city: "08027 Barcelona", "Lima 15074".
_CITIES = alternation(WORDS["places"])
_POSTCODES = re.compile(rf"(?<![\w-])AZ\s?-?\d{{4}}(?!\w|-\d)"
                        rf"|(?<![\w.,-])\d{{5,6}}(?=,?\s+(?:{_CITIES})(?!\w))"
                        rf"|(?<!\w)(?:{_CITIES}),?\s+(?!(?:19|20)\d\d(?!\d))\d{{4,6}}(?![\w-]|[.,]\d)"
                        r"|(?<![\w.,-])\d{4,6}(?=\s+(?:[^\W\d]+\s+){0,3}(?i:индекс\w*|індекс\w*"
                        r"|ინდექს\w*|indeks\w*|c[oó]digo\s+postal|postcode|post\s+code))"
                        # after where one lives: "живёт 143407 Красногорск", "ცხოვრობს Tbilisi 0186"
                        r"|(?i:живёт|живет|проживает|проживає|живе|lives|living|vive|reside|выписал\w*"
                        r"|виписал\w*|discharged\s+to"
                        r"|тұрады|ცხოვრობს|yaşayır)\s+(?:(?:в|у|in|en|at)\s+)?(?:[^\W\d]+,?\s+){0,2}?"
                        r"(?:AZ\s?-?\d{4}|\d{4,6})(?![\w-]|[.,]\d)")

# -- street addresses ---------------------------------------------------------------------------
# A street word, the street's name and a house number, then perhaps a flat (addresses.toml).

_STREET_WORD_GAP = r"(?:(?<=[./])\s*|\s+)"  # "ул.Ленина", but "calle Mayor"
# A capitalised word of a street's name ("Абая", "Лесі", "S.Vurğun", "Самал-2"), not an
# abbreviation in capitals ("пр. МЗ РФ №203" is an order, not an avenue).
_CAPITALISED = (rf"[{LATIN_UP}{CYR_UP}](?:\.\s?[{LATIN_UP}{CYR_UP}])?[{LATIN_LOW}{CYR_LOW}'’]"
                rf"[{LATIN_LOW}{CYR_LOW}{LATIN_UP}{CYR_UP}'’.-]*(?:-\d{{1,2}}(?!\d))?")
_CONNECTOR = r"(?:de|del|la|las|los|el|y|san|santa|би|бі)"
# A date may open it ("Av. 28 de Julio", "ул. 8 Марта"), and capitals end it ("Героїв УПА").
_STREET_NAME = (rf"(?:\d{{1,2}}\s+(?:de\s+)?)?(?:{_CONNECTOR}\s+)*{_CAPITALISED}"
                rf"(?:\s+(?:{_CONNECTOR}\s+)*{_CAPITALISED}){{0,3}}"
                rf"(?:\s+[{LATIN_UP}{CYR_UP}]{{2,5}}(?![\w.]))?(?:\s+(?:би|бі|bi))?")
# A house number, not a year ("plaza de Cardiología, 2024").
_HOUSE = (rf"(?:,\s*|\s+)(?:(?i:{alternation(STREETS['house'])})\s*)?"
          r"(?!(?:19|20)\d\d(?!\d))\d{1,4}"
          r"(?:\s?-?[a-zа-яіA-ZА-ЯІა-ჰ](?!\w))?(?:[/-]\d{1,4}[a-zа-я]?)?(?!\d)"
          r"(?:\s*-?\s*(?:үй|үйі)(?!\w))?")
_UNIT = (rf"(?:,?\s*(?:(?i:{alternation(STREETS['units'])})\s*№?\s*\d{{1,4}}[a-zA-Zа-я]?(?!\d)"
         r"|\d{1,4}\s*-?\s*(?i:пәтер|үй)(?!\w)"
         r"|\d{1,3}\s*-?\s*(?:cü|cu|ci|cı|ші|шы|ий|й)?\s*(?i:blok|блок|korpus|корпус)(?!\w)"
         r"|\d{1,2}\s*\.?\s*[º°ª]\s*(?:[A-Za-z](?!\w))?(?:\s*(?i:izq|izda|dcha|der|dra)\w*)?))")
# A house by its word and then a flat, with no street named: "д. 5 кв. 12", "буд. 7, кв 19",
# "дом 14/2, кв 7", "14 үй, 7 пәтер" (after a district perhaps: "5 мкр, 14 үй, 7 пәтер").
_HOUSE_WORDS = sorted({w.rstrip(".") for w in STREETS["house"] if w[0].isalpha()}, key=len)
_HOUSE_WORD_NUMBER = (rf"(?:(?i:{alternation(_HOUSE_WORDS)})\.?"
                      r"\s*№?\s*\d{1,4}|\d{1,4}\s*-?\s*(?i:үй|үйі)(?!\w))"
                      r"(?:\s?-?[a-zа-яі](?!\w))?(?:/\d{1,4}[a-zа-я]?)?(?!\d)")
_DISTRICT = (r"(?:(?i:\d{1,3}\s*-?\s*(?:cu|cü|ci|cı)?\s*"
             r"(?:мкр|мкрн|мкр-н|ш/а|микрорайон|шағын\s+аудан\w*"
             r"|mkr|mikrorayon\w*)\.?"
             r"|(?:мкр|мкрн|мкр-н|ш/а|mkr)\.?\s*(?:\d{1,3}|[А-ЯЁӘҒҚҢӨҰҮҺA-Z][\w-]*)"
             r"|[ა-ჰ]+ის\s+მე-?\d{1,2}\s+მიკრორაიონ\w*)(?!\w),?\s*)?")
# A street's name with no street word, a house and then a flat or a block ("Профсоюзная 43 к2
# кв 118", "Сихівська 12/3, кв. 45"), or house, block and flat in one ("Ленина 14-2-7").
_NOT_STREETS = alternation(STREETS["not_streets"] + NAMES_DATA["institutions"])
_NAMED_HOUSE = (rf"(?<![\w.-])(?!(?i:{_NOT_STREETS})(?![\w'’-]))"
                rf"[{LATIN_UP}{CYR_UP}][{LATIN_LOW}{CYR_LOW}'’-]+,?\s+"
                r"(?!(?:19|20)\d\d(?!\d))\d{1,4}")
# Georgian: a street in the genitive, a house and a flat: "ჭავჭავაძის 37/2, ბინა 8".
_KA_STREET = rf"(?<![{KA}-])[{KA}][{KA}-]+(?:ის|ას|ეს|ოს|უს)\s+\d{{1,4}}(?:[/-]\d{{1,4}})?(?!\d)"
_ADDRESSES = [
    re.compile(rf"(?<![\w.-]){_DISTRICT}{_HOUSE_WORD_NUMBER}{_UNIT}{{1,3}}"),
    # a district named, then a house with or without a flat: "мкр Самал-2, д.58"
    re.compile(rf"(?<![\w.-])(?=[^,]{{0,25}}(?i:мкр|микрорайон|mkr|ш/а|шағын|მიკრორაიონ)){_DISTRICT}"
               rf"{_HOUSE_WORD_NUMBER}{_UNIT}{{0,3}}"),
    re.compile(rf"{_NAMED_HOUSE}(?:\s?[a-zа-яі](?!\w))?(?:/\d{{1,4}})?(?!\d){_UNIT}{{1,3}}"),
    re.compile(rf"(?=[{CYR_UP}]){_NAMED_HOUSE}-\d{{1,3}}-\d{{1,4}}(?![\d-])"),
    re.compile(rf"{_KA_STREET}{_UNIT}{{1,3}}"),
    # Georgian, a street in the genitive and its house "in" or "at": "წამებულის 58-ში"
    re.compile(rf"(?:[{KA}]+\s+)?{_KA_STREET}(?=-(?:ში|ზე|თან))"),
    # "ул. Абая, 14, кв. 7", "вул. Хрещатик, буд. 22, кв. 15", "Av. Arequipa 1234, dpto 502"
    re.compile(rf"(?<!\w)(?i:{alternation(STREETS['before'])}){_STREET_WORD_GAP}{_STREET_NAME}"
               rf"{_HOUSE}{_UNIT}{{0,3}}"),
    # "flat 3, 22 Church St", "14 Elm Road"
    re.compile(rf"(?<![\w/.,-])(?:(?i:flat|apartment|apt\.?|unit)\s*\d{{1,4}}[a-zA-Z]?,?\s+)?"
               rf"\d{{1,4}}[a-zA-Z]?\s+{LATIN_WORD}(?:\s+{LATIN_WORD}){{0,2}}"
               rf"\s+(?i:{alternation(STREETS['after_en'])})\b\.?"
               r"(?:,?\s*(?i:flat|apartment|apt\.?|unit)\s*\d{1,4}[a-zA-Z]?(?!\w))?"),
    # ...and in lower case after a word of home: "lives at 27 rowan crescent"
    re.compile(rf"(?i:(?<!\w)(?:lives?|living|address|home|moved)\s+(?:at\s+|in\s+|on\s+|to\s+|is\s+)?)"
               rf"(?P<address>\d{{1,4}}[a-z]?\s+[a-z][a-z'’-]+(?:\s+[a-z][a-z'’-]+){{0,2}}"
               rf"\s+(?i:{alternation(STREETS['after_en'])})\b\.?)"),
    # "Төле би көшесі 59, 12-пәтер", "ჭავჭავაძის გამზ. 37, ბინა 12", "Nizami küçəsi 45"
    re.compile(rf"(?<![\w.-])(?:[^\W\d_][\w'’.-]*\s+)?[^\W\d_][\w'’.-]*\s+"
               rf"(?i:{alternation(STREETS['after'])}){_HOUSE}{_UNIT}{{0,3}}"),
    # Peru's block and lot: "Mz. B Lt. 12", "manzana C lote 4"
    re.compile(r"(?i)(?<!\w)(?:mz|mza|manzana)\.?\s*[a-z]\d?\s*,?\s*(?:lt|lote)\.?\s*\d{1,3}(?!\d)"),
    # After its label and a colon, whatever the street is called: "მისამართი: ვაკე,
    # ჭავჭავაძის 37", "ünvan: Yasamal r-nu, Şərifzadə 12", "адрес: мкр-н 5, дом 12"
    re.compile(rf"(?i:(?<!\w)(?:home\s+address|address|адрес|адреса|мекенжай\w*|მისამართი"
               rf"|ünvan\w*|domicilio|dirección|direccion|прож(?:ивает|иває)?\.?\s+по\s+адрес\w*)"
               rf"\s*[:–-]?\s*)(?P<address>(?=[{LATIN_UP}{CYR_UP}{KA}]"
               rf"|(?i:{alternation(STREETS['before'])}))"
               rf"(?:[^\W\d_][\w'’.-]*[\s,]+){{1,6}}?(?:№\s*)?"
               rf"\d{{1,4}}(?:\s?[a-zа-я](?!\w))?(?:[/-]\d{{1,4}}[a-zа-я]?)?(?!\d){_UNIT}{{0,3}}"
               # ...and on over more parts with a number: "Flat 2, Rosebank House, 12 Mill Lane"
               rf"(?:,\s*(?:[^\W\d_][\w'’.-]*[\s,]+){{0,3}}\d{{1,4}}[a-zA-Zа-я]?(?!\d)"
               rf"(?:\s+[{LATIN_UP}{CYR_UP}][\w'’.-]*){{0,2}})*)"),
]


# An address after one of these is where the clinician learned ("Семинар Тұран даңғылы,
# 38 мекенжайындағы залда"), not where a patient lives.
_COURSE_RE = re.compile(rf"(?i)(?<!\w)(?:{COURSES})")
_VENUE = re.compile(
    rf"(?i)(?<!\w)(?:{COURSES}|hotel|готел|отел|education\s+cent|training\s+cent|colegio\s+de"
    r"|НМИЦ|school|школ|escuela|auditor\w*|аудитор\w*|зал[аеы]?\b|emhana|емхана|аурухана"
    r"|hospital|clínica|clinic|больниц|лікарн|поликлиник|поліклінік|xəstəxana|klinika"
    r"|საავადმყოფო|კლინიკ|infirmary|аптек\w*|pharmacy|farmacia|dərmanxana|აფთიაქ\w*)")
# ...unless the patient's home is named: "discharged from the Infirmary home to 14 Elm Road".
_HOME = re.compile(r"(?i)(?<!\w)(?:lives?|living|home|живёт|живет|живут|прожива\w*|живе|домой"
                   r"|на\s+дом|вдома"
                   r"|додому|vive|viven|domicilio|casa|тұрады|үйіне|ცხოვრობ\w*|სახლ\w*|yaşayır"
                   r"|evinə|evə|patient|пациент\w*|пацієнт\w*|paciente|науқас\w*|xəstə(?!xana|li[kyğ])\w*"
                   r"|პაციენტ\w*)")


def find(text: str) -> list[Span]:
    """Postcodes and street addresses; not a course's venue unless a home is named."""
    found: list[Span] = [("postcode", *match.span(1))
                         for match in _UK_POSTCODE_AFTER_ADDRESS.finditer(text)]
    found += [("postcode", *match.span()) for pattern in (
        _UK_POSTCODE, _LABELLED_POSTCODE, _POSTCODES) for match in pattern.finditer(text)]
    found += [("address", *match.span("address" if "address" in pattern.groupindex else 0))
              for pattern in _ADDRESSES for match in pattern.finditer(text)]
    return [(kind, start, end) for kind, start, end in found
            if not _venue(text, start, end, courses_only=kind == "postcode")]


def _venue(text: str, start: int, end: int, courses_only: bool) -> bool:
    """A course's, a conference's or a hospital's place ("Curso ..., calle de Santa Isabel 51",
    "Av. Angamos Este 2520: taller de dolor"), unless a home or a patient is named before it.
    A postcode is a venue's only by a course: in "the hospital bounced the referral for CP
    68050" it is the patient's."""
    before = text[max(0, start - 100):start] + text[start:end]
    if _HOME.search(before):
        return False
    return bool((_COURSE_RE if courses_only else _VENUE).search(before)
                or _LEARNING_AFTER.match(text, end))


# A course named just after the place: "Av. Angamos Este 2520: taller de dolor oncológico".
_LEARNING_AFTER = re.compile(rf"[^.!?\n]{{0,20}}?(?i:{COURSES})")
