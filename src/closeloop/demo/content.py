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

#: What staff write that the patient will read (what we are checking, the next step, the
#: outcome): in the patient's language, speaking to them, never of them.
CHECKING: dict[str, dict[str, str]] = {
    "scheduling": {
        "en": "Open times with your provider this week and next",
        "es": "Horarios libres con su proveedor esta semana y la próxima",
    },
    "new_patient_intake": {
        "en": "Which of your intake forms are still missing",
        "es": "Cuáles de sus formularios de registro faltan",
    },
    "insurance_info": {
        "en": "Your coverage with your new insurance plan",
        "es": "Su cobertura con su nuevo plan de seguro",
    },
    "referral_document_status": {
        "en": "Whether the other office has your referral and documents",
        "es": "Si el otro consultorio ya tiene su referido y sus documentos",
    },
    "telehealth_access": {
        "en": "Your visit link and how your phone or computer is set up",
        "es": "El enlace de su cita y cómo está configurado su teléfono o computadora",
    },
    "clinical_message": {
        "en": "Your provider's review of your question",
        "es": "La revisión de su pregunta por parte de su proveedor",
    },
    "complaint_review": {
        "en": "What happened, with the staff who were there",
        "es": "Lo que pasó, con el personal que estaba ahí",
    },
    "language_access": {"en": "An interpreter for your visit", "es": "Un intérprete para su cita"},
    "billing": {
        "en": "The charge on your statement, with our billing team",
        "es": "El cobro en su estado de cuenta, con nuestro equipo de facturación",
    },
}

NEXT_STEP: dict[str, dict[str, str]] = {
    "scheduling": {
        "en": "Your appointment is booked and we sent you a confirmation text",
        "es": "Su cita está reservada y le enviamos un mensaje de confirmación",
    },
    "new_patient_intake": {
        "en": "Please complete the remaining forms online before your visit",
        "es": "Por favor complete en línea los formularios que faltan antes de su cita",
    },
    "insurance_info": {
        "en": "We updated the card on file; please bring your new card to your visit",
        "es": "Actualizamos la tarjeta en nuestro archivo; por favor traiga su tarjeta nueva a su cita",
    },
    "referral_document_status": {
        "en": "The specialist's office will call you to book",
        "es": "El consultorio del especialista le llamará para darle una cita",
    },
    "telehealth_access": {
        "en": "Join with the new link we sent; if the video fails, we call you for a phone visit",
        "es": "Entre con el enlace nuevo que le enviamos; si el video falla, le llamamos para una consulta por teléfono",
    },
    "clinical_message": {
        "en": "Follow the instructions your provider gave you",
        "es": "Siga las indicaciones que le dio su proveedor",
    },
    "complaint_review": {
        "en": "A supervisor called you back, and we will call again in two weeks",
        "es": "Un supervisor le devolvió la llamada y le llamaremos de nuevo en dos semanas",
    },
    "language_access": {
        "en": "An interpreter is booked for your visit",
        "es": "Reservamos un intérprete para su cita",
    },
    "billing": {
        "en": "Our billing team calls you with the corrected balance",
        "es": "Nuestro equipo de facturación le llama con el saldo corregido",
    },
}

OUTCOMES: dict[str, dict[str, str]] = {
    "scheduling": {
        "en": "Your appointment is booked and confirmed",
        "es": "Su cita está reservada y confirmada",
    },
    "new_patient_intake": {"en": "Your intake is complete", "es": "Su registro está completo"},
    "insurance_info": {
        "en": "Your insurance is updated and verified",
        "es": "Su seguro está actualizado y verificado",
    },
    "referral_document_status": {
        "en": "The specialist received your referral",
        "es": "El especialista recibió su referido",
    },
    "telehealth_access": {
        "en": "Your visit link works before your appointment",
        "es": "El enlace de su cita funciona antes de la consulta",
    },
    "clinical_message": {
        "en": "Our clinical staff answered your question",
        "es": "Nuestro personal clínico respondió su pregunta",
    },
    "complaint_review": {
        "en": "We heard you, apologized and set a follow-up call",
        "es": "Le escuchamos, le pedimos disculpas y acordamos una llamada de seguimiento",
    },
    "language_access": {
        "en": "An interpreter is arranged for you",
        "es": "Tenemos un intérprete para usted",
    },
    "billing": {
        "en": "Our billing team has your question and you know what happens next",
        "es": "Nuestro equipo de facturación tiene su pregunta y usted sabe lo que sigue",
    },
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
DENTAL_CHECKING: dict[str, dict[str, str]] = {
    "scheduling": {
        "en": "Open times with your dentist or hygienist",
        "es": "Horarios libres con su dentista o higienista",
    },
    "referral_document_status": {
        "en": "Whether the specialist's office has your referral and X-rays",
        "es": "Si el consultorio del especialista tiene su referido y sus radiografías",
    },
    "clinical_message": {
        "en": "Your dentist's review of your question",
        "es": "La revisión de su pregunta por parte de su dentista",
    },
}
DENTAL_NEXT_STEP: dict[str, dict[str, str]] = {
    "scheduling": {
        "en": "You are booked with the hygienist and we sent you a confirmation text",
        "es": "Tiene cita con la higienista y le enviamos un mensaje de confirmación",
    },
    "referral_document_status": {
        "en": "The specialist's office calls you to book",
        "es": "El consultorio del especialista le llama para darle una cita",
    },
    "clinical_message": {
        "en": "Follow the instructions your dentist gave you",
        "es": "Siga las indicaciones que le dio su dentista",
    },
}


def summaries(kind: str, code: str) -> dict[str, list[str]]:
    return (DENTAL_SUMMARIES if kind == "dental" else {}).get(code) or SUMMARIES[code]


def _said(words: dict[str, str], language: str) -> str:
    return words.get(language) or words["en"]


def checking(kind: str, code: str, language: str) -> str:
    return _said(
        (DENTAL_CHECKING if kind == "dental" else {}).get(code) or CHECKING[code], language
    )


def next_step(kind: str, code: str, language: str) -> str:
    return _said(
        (DENTAL_NEXT_STEP if kind == "dental" else {}).get(code) or NEXT_STEP[code], language
    )


def outcome(code: str, language: str) -> str:
    return _said(OUTCOMES[code], language)
