"""Whether a visit's confirmation is written back to the practice's EHR.

Today Closeloop reads the practice's FHIR server and does not write to it: a confirmation lives
in Closeloop (the schedule, the at-risk list) and in the day's CSV export of confirmations.
Settings → Outreach says so, per practice (docs/outreach.md: what write-back will need)."""

from __future__ import annotations

from closeloop.practices.models import Practice


def write_back_status(practice: Practice) -> str:
    if not practice.fhir_base_url:
        return (
            "Off: this practice has no FHIR server. Confirmations are kept in Closeloop and "
            "exported in the day's confirmations CSV."
        )
    return (
        "Off: Closeloop reads this practice's FHIR server and does not write to it. "
        "Confirmations are kept in Closeloop and exported in the day's confirmations CSV."
    )
