"""What every export writer reads: CPD records as plain rows, and a portfolio around them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from bot.evidence.files import EvidenceFile
from bot.evidence.pictures import Shown


class RecordRow(NamedTuple):
    """One CPD record, with the names already in the reader's language. A named tuple, as a
    million of them are made per large export and a frozen dataclass costs ~6 µs each."""

    record_id: int
    user_id: int
    user_name: str
    activity_date: date
    title: str
    activity_type: str  # the id from prompts/activities.toml
    activity_name: str
    category: str  # the id from the framework file
    category_name: str
    minutes: int | None
    credits: Decimal  # what counts, after the framework's caps
    unit: str  # credit | hour | point
    framework_id: str
    source: str  # reflection | import
    ai_assisted: bool
    explanation: str  # how the credits were reached, in words
    tags: tuple[str, ...]
    # (section title, answer) in template order; None where the text is not to be shared.
    reflection: tuple[tuple[str, str], ...] | None
    template_id: str | None
    recorded_at: str  # ISO 8601 UTC to the second: 2024-05-01T09:30:00Z
    evidence: tuple[EvidenceFile, ...] = ()
    organisation: str = ""  # in an organisation's export: where the member is, in full
    staff_number: str = ""


@dataclass(frozen=True)
class Portfolio:
    """The PDF for an appraiser: a cover with totals, then every entry."""

    language: str
    name: str
    framework_name: str
    unit_name: str  # "credits", "hours", "points", already translated
    period_from: date
    period_to: date
    totals: list[tuple[str, Decimal]]  # (category name, credits), in framework order
    total: Decimal
    entries: Iterable[RecordRow]
    # The evidence's pictures by file_unique_id (bot.evidence.pictures), or why there is none.
    pictures: Mapping[str, Shown] = field(default_factory=dict)
