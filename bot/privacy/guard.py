"""The privacy guard: likely patient identifiers in a clinician's note, found locally.

It runs before any text could leave the server, with or without an LLM set up, and reads the
seven interface languages: English, Russian, Ukrainian, Spanish, Kazakh (Cyrillic), Georgian
and Azerbaijani (Latin). Each kind (`KINDS`) has its finder:

- `numbers.py`: `national_id` (СНИЛС, ИНН, РНОКПП, УНЗР, ИИН/ЖСН, Georgia's personal number,
  Azerbaijan's FİN, DNI, NIE, NUSS, CURP, the UK's NI number, passports and policies): after
  its label (a few words may come between) a number of its shape whatever its check digit,
  since a typo still points at the patient; without a label only when the check digit or the
  shape proves it; and any ten to sixteen digits that are no lot or order. `nhs` (check digit,
  or after "NHS"), `mrn` by its labels, `phone` and `email`;
- `places.py`: `postcode` (labelled, by a city, after "lives in") and `address` (a street
  word, a name and a house, perhaps a flat; a district and a house; a house and a flat), but
  not a course's venue;
- `dates.py`: `dob` (by its label, a word of birth a few words before, or a date before 2000)
  and `age_date` (an age with a date, or a day and month by a word of admission, operation,
  birth, discharge or death);
- `names.py`: `name`, by a title, a patient or relative word, a bed, initials, a patronymic,
  a surname's ending, a first name from the lists, or in lower case; eponyms, cities,
  institutions and colleagues (teaching, thanked, with their role) are left alone.

Word lists are data in this folder: names.toml, common_names.toml, eponyms.toml and
addresses.toml (`words.py` reads them). It is a net with known holes, not a proof: the
clinician sees what it marked and decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.privacy import dates, names, numbers, places
from bot.privacy.numbers import iin_valid, nhs_number_valid, snils_valid

__all__ = ["KINDS", "PLACEHOLDERS", "Finding", "find_identifiers", "iin_valid", "marked",
           "nhs_number_valid", "redact", "snils_valid"]

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


def find_identifiers(text: str) -> list[Finding]:
    """Spans that look patient-identifying, in order, overlaps merged into the first kind."""
    spans = [*numbers.find(text), *places.find(text), *dates.find(text), *names.find(text)]
    spans += numbers.long_numbers(text, [(start, end) for _, start, end in spans])
    return _merged([Finding(kind, start, end, text[start:end]) for kind, start, end in spans])


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
