"""Golden test: the same year of activities under every shipped framework.

The expected totals were worked out by hand from each framework file (see the comments), so a
change to a file or to the rules engine that moves a figure shows up here.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.cpd.rules import Entry, Placed, allocate, award
from bot.library.loader import load_library

LIBRARY = load_library()
# (activity type, template, minutes, reflection finished), one every two weeks of 2026.
YEAR = [
    ("event", "event", 120, True),
    ("reading", "reading", 45, True),
    ("point_of_care", "point_of_care", 10, True),
    ("case", "case_review", 60, True),
    ("teaching", "rolfe", 90, True),
    ("feedback", "gibbs", 30, True),
    ("other", "quick_note", 20, False),  # not finished
    ("reading", "reading", 600, True),  # a long read, to reach caps
    ("point_of_care", "linking_learning", 30, True),
]
GOLDEN = {
    # 1/h in quarter steps; reflection required, so the unfinished note gives 0.
    "uk_aomrc": {"cpd": "16.5"},
    # Personal at most 10 a year, and the year turns on 1 April: 0.75 + 0.25 before it; after
    # it the long read's 10 fill the new year's cap, so the 0.5 of 27 April counts 0.
    "uk_rcp_federation": {"external": "2", "internal": "3", "personal": "11"},
    # Events are accredited CE, feedback practice review, the rest work-based learning.
    "ie_pcs_2025": {"accredited_ce": "2", "practice_review": "0.5", "work_based": "14.25"},
    # A finished point-of-care cycle is 0.5 per item; the rest Category 2 by the hour.
    "us_ama_pra": {"category2": "16.5", "ipoc": "0.5"},
    # Event 1/h; reading 1 per article; point of care 0.5 per search; case and teaching 2/h;
    # feedback 3/h; reflection required.
    "ca_rcpsc_moc": {"section1": "2", "section2": "8", "section3": "1.5"},
    # Linking Learning gives 5 certified assessment credits; the rest 1/h non-certified.
    "ca_cfpc_mainpro": {"certified_assessment": "5", "non_certified": "16.25"},
    # Hours: case and feedback review performance, the rest educational.
    "au_mba": {"educational": "15", "reviewing_performance": "1.5"},
    "uk_nmc": {"individual": "11.5", "participatory": "5"},
    # 0.5 point/h (unconfirmed); a case review in a peer group 2 points; 10 min rounds to 0.
    "ua_moh": {"events": "1", "peer_group": "2", "self_education": "6.25", "teaching": "0.75"},
    # 1 credit/h (unconfirmed) in quarter steps: 1005 minutes are 16.75. The advanced-training
    # course count is not a total.
    "az_moh_2025": {"cpd": "16.75"},
    # The 2017 rules, same placeholder: 1 credit/h in quarter steps, 16.75.
    "az_dtt_2017": {"cme": "16.75"},
    # Hours to the hundredth (10 min 0.17, 20 min 0.33): the event's 2 h are additional
    # education, the other 14.75 h informal learning. No target, so no caps.
    "kz_moh": {"additional_education": "2", "informal_learning": "14.75"},
    # One category of hours to the hundredth, as the hours log: 16.75.
    "ge_moh": {"cme": "16.75"},
    # Hours to the hundredth: event 2 h training, teaching 1.5 h, the other 13.25 h other.
    "pe_cmp_recert": {"other": "13.25", "teaching": "1.5", "training": "2"},
    # 1 point/h (placeholder) in quarter steps: teaching 1.5 docencia; everything else EMC,
    # 16.75 - 1.5 = 15.25 (10 and 20 min both round to 0.25). Only cycle minimums, no caps hit.
    "mx_conacem": {"docencia": "1.5", "emc": "15.25"},
    # One category of hours to the hundredth, as the hours log: 16.75.
    "mx_cncmg": {"learning": "16.75"},
    # Exact hours to the hundredth: 10 min is 0.17.
    "generic_hours": {"learning": "16.75"},
}


def test_every_shipped_framework_has_a_golden_year() -> None:
    assert set(GOLDEN) == set(LIBRARY.frameworks)


@pytest.mark.parametrize("framework_id", sorted(GOLDEN))
def test_a_year_under_each_framework(framework_id: str) -> None:
    framework = LIBRARY.frameworks[framework_id]
    days = [date(2026, 1, 5) + timedelta(weeks=2 * n) for n in range(len(YEAR))]
    awards = [award(framework, Entry(day, activity, template, minutes, finished))
              for day, (activity, template, minutes, finished) in zip(days, YEAR, strict=True)]
    counted = allocate(framework, [Placed(n, day, result.category, result.raw)
                                   for n, (day, result) in enumerate(zip(days, awards,
                                                                         strict=True))],
                       cycle_end=None, today=date(2026, 12, 31),
                       target=framework.target_for("doctor"))
    totals: dict[str, Decimal] = {}
    for n, result in enumerate(awards):
        totals[result.category] = totals.get(result.category, Decimal(0)) + counted[n].credits
    assert {key: value for key, value in totals.items() if value} == {
        key: Decimal(value) for key, value in GOLDEN[framework_id].items()}
