"""Synthetic text for demo items, per kind of practice and category code: what patients ask,
what staff check, what happens next."""

from __future__ import annotations

from typing import Any


def kind_of(practice: Any) -> str:
    """A demo practice's kind: its history and its visits fit it."""
    return "dental" if "dental" in practice.name.lower() else "medical"


SUMMARIES: dict[str, dict[str, list[str]]] = {
    "scheduling": {
        "en": [
            "Needs to move Thursday's appointment to next week",
            "Asking for the first available annual physical",
            "Wants an earlier slot if there is a cancellation",
            "Called to confirm tomorrow's appointment time",
        ],
        "es": ["Necesita cambiar la cita del jueves", "Pide la primera cita disponible"],
    },
    "new_patient_intake": {
        "en": [
            "New patient, has not received the intake forms",
            "Intake forms sent back incomplete",
            "Asking what to bring to the first visit",
        ],
        "es": [
            "Paciente nuevo, no recibió los formularios",
            "Pregunta qué traer a la primera cita",
        ],
    },
    "insurance_info": {
        "en": [
            "Changed insurance this month, needs to update the card on file",
            "Asking whether the practice takes their new plan",
            "Member id on file is wrong",
        ],
        "es": ["Cambió de seguro este mes", "Pregunta si aceptan su plan nuevo"],
    },
    "referral_document_status": {
        "en": [
            "Referral to cardiology: specialist office says it never arrived",
            "Needs records sent to the new cardiologist",
            "Asking about the status of the referral for physical therapy",
            "School form needs to be signed and returned",
        ],
        "es": [
            "Pregunta por el estado de su referido",
            "Necesita sus expedientes para otro consultorio",
        ],
    },
    "telehealth_access": {
        "en": [
            "Video visit link does not open on the phone",
            "Did not receive the telehealth link for this afternoon",
            "Camera and microphone blocked in the browser",
        ],
        "es": ["No le llegó el enlace de la videollamada", "El enlace de la cita virtual no abre"],
    },
    "clinical_message": {
        "en": [
            "Asking for a refill of a regular prescription",
            "Question about a side effect after starting a new medication",
            "Wants to know if test results are back",
        ],
        "es": ["Necesita una receta nueva", "Pregunta por los resultados de sus análisis"],
    },
    "complaint_review": {
        "en": [
            "Upset about the hold time when calling this morning",
            "Left a negative online review about the front desk",
            "Waited 50 minutes past appointment time",
        ],
        "es": ["Molesto por el tiempo de espera en el teléfono"],
    },
    "language_access": {
        "en": [
            "Needs an interpreter for next week's visit",
            "Asking for forms in another language",
        ],
        "es": ["Necesita un intérprete para la próxima cita", "Pide los formularios en español"],
    },
    "billing": {
        "en": [
            "Question about a charge on last month's statement",
            "Wants to set up a payment plan",
            "Received a bill that insurance should have covered",
        ],
        "es": ["Pregunta por un cobro en su estado de cuenta", "Quiere un plan de pagos"],
    },
}

CHECKING: dict[str, str] = {
    "scheduling": "Open slots with the patient's provider this week and next",
    "new_patient_intake": "Which intake forms are still missing",
    "insurance_info": "Eligibility with the new payer",
    "referral_document_status": "Whether the receiving office has the referral and documents",
    "telehealth_access": "The visit link and the patient's device setup",
    "clinical_message": "Provider review of the request",
    "complaint_review": "What happened, with the staff involved",
    "language_access": "Interpreter availability for the visit",
    "billing": "The statement line with the billing specialist",
}

NEXT_STEP: dict[str, str] = {
    "scheduling": "Patient is booked; confirmation text sent",
    "new_patient_intake": "Patient completes the remaining forms online before the visit",
    "insurance_info": "Card on file updated; patient brings the new card to the visit",
    "referral_document_status": "Specialist office will call the patient to book",
    "telehealth_access": "Patient joins with the resent link; phone visit as fallback",
    "clinical_message": "Provider's instructions given to the patient",
    "complaint_review": "Supervisor called back; follow-up call in two weeks",
    "language_access": "Interpreter booked for the visit",
    "billing": "Billing specialist calls the patient with the corrected balance",
}

OUTCOMES: dict[str, str] = {
    "scheduling": "Appointment booked and confirmed",
    "new_patient_intake": "Intake complete",
    "insurance_info": "Insurance updated and verified",
    "referral_document_status": "Referral received by the specialist",
    "telehealth_access": "Visit link working before the appointment",
    "clinical_message": "Clinical question answered by clinical staff",
    "complaint_review": "Complaint heard, apology made, follow-up scheduled",
    "language_access": "Interpreter arranged",
    "billing": "Handed to billing with the patient informed",
}


#: A dental practice's wording where it differs from a medical one's.
DENTAL_SUMMARIES: dict[str, dict[str, list[str]]] = {
    "scheduling": {
        "en": [
            "Needs to move Thursday's cleaning to next week",
            "Asking for the first available cleaning and exam",
            "Wants an earlier slot for the crown fitting if there is a cancellation",
            "Called to confirm tomorrow's filling appointment",
        ],
        "es": ["Necesita cambiar la limpieza del jueves", "Pide la primera cita de limpieza"],
    },
    "referral_document_status": {
        "en": [
            "Referral to the oral surgeon: their office says it never arrived",
            "Needs X-rays sent to the orthodontist",
            "Asking whether the periodontist received the referral",
            "School needs the dental exam form signed",
        ],
        "es": [
            "Pregunta por el referido al cirujano oral",
            "Necesita que envíen sus radiografías al ortodoncista",
        ],
    },
    "telehealth_access": {
        "en": [
            "Video consult link for the orthodontic check does not open",
            "Did not receive the link for the virtual consult",
        ],
        "es": ["No le llegó el enlace de la consulta virtual"],
    },
    "clinical_message": {
        "en": [
            "Sensitivity to cold since last week's filling",
            "Question about pain medicine after the extraction",
            "Asking whether to keep using the prescribed mouth rinse",
        ],
        "es": [
            "Sensibilidad al frío desde la resina de la semana pasada",
            "Pregunta por el medicamento para el dolor después de la extracción",
        ],
    },
}
DENTAL_CHECKING: dict[str, str] = {
    "scheduling": "Open chair time with the patient's dentist or hygienist",
    "referral_document_status": "Whether the specialist's office has the referral and X-rays",
    "clinical_message": "The dentist's review of the question",
}
DENTAL_NEXT_STEP: dict[str, str] = {
    "scheduling": "Patient is booked with the hygienist; confirmation text sent",
    "referral_document_status": "The specialist's office calls the patient to book",
    "clinical_message": "The dentist's instructions given to the patient",
}


def summaries(kind: str, code: str) -> dict[str, list[str]]:
    return (DENTAL_SUMMARIES if kind == "dental" else {}).get(code) or SUMMARIES[code]


def checking(kind: str, code: str) -> str:
    return (DENTAL_CHECKING if kind == "dental" else {}).get(code) or CHECKING[code]


def next_step(kind: str, code: str) -> str:
    return (DENTAL_NEXT_STEP if kind == "dental" else {}).get(code) or NEXT_STEP[code]
