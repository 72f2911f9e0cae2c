"""How the privacy guard's findings are named to the clinician, at capture and before a draft."""

from __future__ import annotations

from bot.common.i18n import N_, translator
from bot.privacy.guard import Finding

FINDING_NAMES = {
    "nhs": N_("an NHS number"), "national_id": N_("a national ID or insurance number"),
    "mrn": N_("a record or hospital number"),
    "dob": N_("a date of birth"), "phone": N_("a phone number"), "email": N_("an e-mail address"),
    "postcode": N_("a postcode"), "address": N_("an address"), "name": N_("a name"),
    "age_date": N_("an age with a date"),
}  # fmt: skip

def identifier_names(findings: list[Finding], language: str) -> str:
    """"an NHS number, a date of birth": what the guard found, each kind once."""
    _ = translator(language).gettext
    kinds = dict.fromkeys(finding.kind for finding in findings)
    return ", ".join(_(FINDING_NAMES[kind]) for kind in kinds)
