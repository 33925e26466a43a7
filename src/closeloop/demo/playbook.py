"""The demo practices' playbooks (fictional: names invented, numbers in the 555-01XX range)."""

from __future__ import annotations

from typing import Any

from closeloop.practices.models import Practice
from closeloop.team.playbook import entry_save

ENTRIES: dict[str, list[tuple[str, str, str]]] = {
    "riverside": [
        (
            "greetings",
            "Answering the phone",
            "“Riverside Family Medicine, this is (first name). How can I help you today?” "
            "Spanish: “Riverside Family Medicine, habla (nombre). ¿En qué le puedo ayudar?”",
        ),
        (
            "providers",
            "Dr. Priya Kim (family medicine)",
            "Mon, Tue, Thu 8:00–5:00. Sees newborns to adults. Refills: 48 business hours.",
        ),
        (
            "providers",
            "Dr. Omar Reyes (internal medicine, habla español)",
            "Mon, Wed, Fri 8:00–5:00. Telehealth follow-ups Friday afternoons.",
        ),
        ("providers", "Nora Nurse, RN (triage)", "Every weekday; takes the clinical queue."),
        (
            "locations",
            "Main office",
            "1200 W Riverside Ave, Suite 300, Chicago. Mon–Fri "
            "8:00–5:00. Parking in the garage on Lake St (validated).",
        ),
        (
            "appointment_types",
            "Visit lengths",
            "Annual physical 40 min · Follow-up 20 min · Sick visit 15 min · New patient 60 min · "
            "Telehealth follow-up 20 min (link texted the day before).",
        ),
        (
            "insurance",
            "Plans accepted",
            "Blue Cross PPO and HMO, Aetna, UnitedHealthcare, Cigna, Medicare, Illinois Medicaid "
            "(Meridian, CountyCare). Not accepted: Ambetter. Self-pay visit $140.",
        ),
        (
            "fax",
            "Fax and phone numbers",
            "Main fax (312) 555-0199 · Referrals fax (312) 555-0198 · Billing line (312) 555-0107 "
            "· Lab (Quest, in building) (312) 555-0131.",
        ),
        (
            "referrals",
            "Referral destinations",
            "Cardiology: Lakeshore Heart, fax (312) 555-0161. Dermatology: North Skin Center, fax "
            "(312) 555-0162. Imaging: Riverside Imaging, fax (312) 555-0163. Referrals take 3–5 "
            "business days; check the portal before calling the patient.",
        ),
        (
            "escalation",
            "Escalation paths",
            "Urgent symptoms: the clinical team at once (the red-flag script first). Billing "
            "disputes over $500: Sam Supervisor. Complaints: supervisor callback the same day. "
            "After hours: the on-call clinician on the rota.",
        ),
    ],
    "lakeside": [
        (
            "greetings",
            "Answering the phone",
            "“Lakeside Dental, this is (first name). How can I help you?”",
        ),
        ("providers", "Dr. Lena Park (general dentistry)", "Mon–Thu 8:00–5:00 (lunch 12–1)."),
        (
            "providers",
            "Dr. Sam Ortiz (oral surgery)",
            "Tue and Fri mornings; extractions, implants.",
        ),
        (
            "locations",
            "Office",
            "88 Harbor St, 2nd floor, New York. Mon–Thu 8:00–12:00 and 1:00–5:00, Fri 8:00–2:00.",
        ),
        (
            "appointment_types",
            "Visit lengths",
            "Cleaning and exam 60 min · Filling 45 min · Crown fitting 90 min · New patient exam "
            "75 min · Emergency slot 30 min (held daily at 8:00 and 1:00).",
        ),
        (
            "insurance",
            "Plans accepted",
            "Delta Dental PPO, MetLife, Guardian, Cigna Dental, Aetna Dental. Not in network: "
            "Humana Dental. Payment plans for work over $600.",
        ),
        (
            "fax",
            "Fax and phone numbers",
            "Fax (212) 555-0199 · Billing (212) 555-0107 · Lab (crowns) (212) 555-0133.",
        ),
        (
            "referrals",
            "Referral destinations",
            "Endodontics: Midtown Endo, fax (212) 555-0171. Orthodontics: Bright Smiles Ortho, fax "
            "(212) 555-0172.",
        ),
        (
            "escalation",
            "Escalation paths",
            "Swelling spreading to the eye or neck, trouble swallowing or breathing, bleeding that "
            "will not stop: the clinical team at once. Billing over $600: Bill Ing, then Sam "
            "Supervisor.",
        ),
    ],
}


def create_playbooks(practices: list[Practice], author: Any) -> int:
    count = 0
    for practice in practices:
        for section, title, body in ENTRIES.get(practice.slug, []):
            entry_save(actor=author, practice=practice, section=section, title=title, body=body)
            count += 1
    return count
