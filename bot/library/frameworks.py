"""CPD credit frameworks as data: one TOML file per framework in `prompts/frameworks/`.

A framework says what a regulator or college counts: the unit, the yearly and cycle targets,
the categories with their caps and minimums, and the rules that turn an activity into credits.
Adding a country means adding a file. Values the shared reference could not confirm carry an
`unconfirmed` note, which the bot shows wherever it explains a figure. The files are loaded
with the rest of the library (`bot.library.loader.load_library`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from bot.library.data_files import Identifier, Localised, Phrase, Strict

Unit = Literal["credit", "hour", "point"]
Amount = Annotated[Decimal, Field(ge=0, le=10_000, max_digits=9, decimal_places=2)]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
PROFESSIONS = ("doctor", "nurse", "other")
GENERIC_FRAMEWORK = "generic_hours"


class Rounding(Strict):
    step: Annotated[Decimal, Field(gt=0, le=100)] = Decimal("0.01")
    mode: Literal["nearest", "down", "up"] = "nearest"


class Year(Strict):
    """The CPD year: fixed (`starts = "04-01"`) or running from the user's appraisal date."""

    starts: MonthDay | Literal["appraisal"] = "01-01"
    target: Amount | None = None
    target_by_profession: dict[str, Amount] = Field(default_factory=dict)

    @field_validator("target_by_profession")
    @classmethod
    def _known_professions(cls, targets: dict[str, Amount]) -> dict[str, Amount]:
        unknown = [name for name in targets if name not in PROFESSIONS]
        if unknown:
            raise ValueError(f"unknown profession {unknown[0]!r}; use {', '.join(PROFESSIONS)}")
        return targets


class Cycle(Strict):
    """The revalidation or certification cycle, ending on the user's cycle date."""

    years: Annotated[int, Field(ge=1, le=10)] = 1
    target: Amount | None = None


class Category(Strict):
    name: Localised
    min_per_year: Amount | None = None
    max_per_year: Amount | None = None
    # A cap as a share of the user's annual target (Ukraine: half the norm from one type).
    max_share_of_year_target: Annotated[Decimal, Field(gt=0, le=1)] | None = None
    min_per_cycle: Amount | None = None
    max_per_cycle: Amount | None = None


class CombinedMinimum(Strict):
    """A minimum that several categories meet together (Australia: RP + MO >= 25 h)."""

    name: Localised
    categories: Annotated[list[Identifier], Field(min_length=2)]
    per: Literal["year", "cycle"]
    amount: Amount


class ItemCount(Strict):
    """A number of entries required, such as the NMC's five reflective accounts."""

    name: Localised
    templates: list[Identifier] = Field(default_factory=list)
    activities: list[Identifier] = Field(default_factory=list)
    per: Literal["year", "cycle"]
    minimum: Annotated[int, Field(ge=1, le=1000)]


class Rule(Strict):
    """The first rule whose activities and templates match an entry gives its credits."""

    activities: list[Identifier] = Field(default_factory=list)  # empty: any activity type
    templates: list[Identifier] = Field(default_factory=list)  # empty: any template
    category: Identifier
    rate: Amount
    per: Literal["hour", "item"]
    rounding: Rounding | None = None  # else the framework's
    needs_reflection: bool = False  # only counts once every required section is answered
    unconfirmed: Phrase | None = None  # why this rate is a placeholder


class Framework(Strict):
    id: Identifier
    order: int
    name: Localised
    issuer: Phrase
    source_url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    valid_from: date
    valid_to: date | None = None
    confidence: Literal["confirmed", "secondary", "unconfirmed"]
    unconfirmed: list[Phrase] = Field(default_factory=list)  # what a human must still check
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    professions: list[Literal["doctor", "nurse", "other"]] = Field(default_factory=list)
    unit: Unit
    reflection_required: bool
    counts_when: Localised  # what makes an activity count, in the clinician's words
    rounding: Rounding = Field(default_factory=Rounding)
    year: Year = Field(default_factory=Year)
    cycle: Cycle = Field(default_factory=Cycle)
    categories: Annotated[dict[Identifier, Category], Field(min_length=1)]
    combined_minimums: list[CombinedMinimum] = Field(default_factory=list)
    item_counts: list[ItemCount] = Field(default_factory=list)
    rules: Annotated[list[Rule], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        for index, rule in enumerate(self.rules):
            if rule.category not in self.categories:
                raise ValueError(f"rules[{index}].category: unknown category {rule.category!r}")
        for index, minimum in enumerate(self.combined_minimums):
            unknown = [name for name in minimum.categories if name not in self.categories]
            if unknown:
                raise ValueError(f"combined_minimums[{index}].categories: "
                                 f"unknown category {unknown[0]!r}")
        if self.rules[-1].activities or self.rules[-1].templates:
            raise ValueError("rules: the last rule must match any activity (no activities "
                             "or templates), so every entry gets a category")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to: is before valid_from")
        return self

    def target_for(self, profession: str | None) -> Decimal | None:
        return self.year.target_by_profession.get(profession or "", self.year.target)

    def names_used(self) -> list[tuple[str, list[str], list[str]]]:
        """(where, activity types, template ids) named by the rules and item counts, for the
        loader to check against the other data files."""
        return ([(f"rules[{i}]", rule.activities, rule.templates)
                 for i, rule in enumerate(self.rules)]
                + [(f"item_counts[{i}]", count.activities, count.templates)
                   for i, count in enumerate(self.item_counts)])

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
