"""The categories every new practice starts with (PRODUCT.md). Practices rename, add or retire.

Targets are business minutes: modest on purpose, because a promise kept beats a fast one broken.
"""

from __future__ import annotations

from typing import Any

from closeloop.practices.choices import Skill, Team, Urgency

#: Category codes other modules rely on (the seeded categories; practices keep the codes).
SCHEDULING_CATEGORY = "scheduling"
TELEHEALTH_CATEGORY = "telehealth_access"
INTAKE_CATEGORY = "new_patient_intake"
INSURANCE_CATEGORY = "insurance_info"
REFERRAL_CATEGORY = "referral_document_status"
COMPLAINT_CATEGORY = "complaint_review"

DEFAULT_CATEGORIES: list[dict[str, Any]] = [
    {
        "code": SCHEDULING_CATEGORY,
        "name": "Scheduling help",
        "default_team": Team.SUPPORT,
        "default_skill": Skill.SCHEDULING,
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 60,
        "update_interval_minutes": 240,
        "resolution_minutes": 480,
        "checklist": [
            "Confirm the patient's identity and callback number",
            "Offer the first suitable slots",
            "Confirm date, time, location or telehealth link back to the patient",
        ],
    },
    {
        "code": "new_patient_intake",
        "name": "New-patient intake",
        "default_team": Team.SUPPORT,
        "default_skill": Skill.INTAKE,
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 120,
        "update_interval_minutes": 480,
        "resolution_minutes": 1440,
        "checklist": [
            "Send the intake forms",
            "Collect insurance card and photo ID",
            "Confirm forms are complete before the first visit",
        ],
    },
    {
        "code": "insurance_info",
        "name": "Insurance information collection",
        "default_team": Team.SUPPORT,
        "default_skill": Skill.INSURANCE,
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 120,
        "update_interval_minutes": 480,
        "resolution_minutes": 1440,
        "checklist": [
            "Record payer, member id and group number",
            "Verify eligibility with the payer",
            "Tell the patient what is covered and what is still pending",
        ],
    },
    {
        "code": "referral_document_status",
        "name": "Referral or document status",
        "default_team": Team.SUPPORT,
        "default_skill": Skill.REFERRALS,
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 120,
        "update_interval_minutes": 480,
        "resolution_minutes": 2400,
        "checklist": [
            "Find the referral or document and where it was sent",
            "Call the receiving office and note who you spoke with",
            "Give the patient the status and the next step",
        ],
    },
    {
        "code": "telehealth_access",
        "name": "Telehealth access",
        "default_team": Team.SUPPORT,
        "default_skill": Skill.TELEHEALTH,
        "default_urgency": Urgency.URGENT,
        "first_response_minutes": 30,
        "update_interval_minutes": 60,
        "resolution_minutes": 240,
        "checklist": [
            "Check the appointment time: this must be fixed before the visit",
            "Resend the visit link and test it with the patient",
            "Offer a phone visit if video cannot work in time",
        ],
    },
    {
        "code": "clinical_message",
        "name": "Prescription or clinical message",
        "default_team": Team.CLINICAL,
        "default_skill": Skill.TRIAGE,
        "default_urgency": Urgency.URGENT,
        "first_response_minutes": 60,
        "update_interval_minutes": 240,
        "resolution_minutes": 480,
        "checklist": [
            "Route to clinical staff; support staff give no clinical advice",
            "Clinical staff review and decide",
            "Tell the patient the decision or the next step",
        ],
    },
    {
        "code": "complaint_review",
        "name": "Review or complaint follow-up",
        "default_team": Team.SUPERVISOR,
        "default_skill": Skill.COMPLAINTS,
        "default_urgency": Urgency.URGENT,
        "first_response_minutes": 60,
        "update_interval_minutes": 480,
        "resolution_minutes": 1440,
        "checklist": [
            "Listen and write down what happened in the patient's words",
            "Supervisor calls the patient back",
            "Document what changes and follow up",
        ],
    },
    {
        "code": "language_access",
        "name": "Language access support",
        "default_team": Team.SUPPORT,
        "default_skill": "",
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 60,
        "update_interval_minutes": 240,
        "resolution_minutes": 480,
        "checklist": [
            "Route to staff who speak the patient's language, or book an interpreter",
            "Record the patient's preferred language",
        ],
    },
    {
        "code": "billing",
        "name": "Billing handoff",
        "default_team": Team.SUPPORT,
        "default_skill": Skill.BILLING,
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 240,
        "update_interval_minutes": 960,
        "resolution_minutes": 2400,
        "checklist": [
            "Note the statement date and amount in question",
            "Hand off to the billing specialist by name",
            "Tell the patient who will call and by when",
        ],
    },
    {
        "code": "other",
        "name": "Other (needs sorting)",
        "default_team": Team.SUPPORT,
        "default_skill": "",
        "default_urgency": Urgency.ROUTINE,
        "first_response_minutes": 120,
        "update_interval_minutes": 480,
        "resolution_minutes": 1440,
        "checklist": [
            "Read or listen to the message and choose the right category",
            "Route it to the team that owns that category",
        ],
    },
]
