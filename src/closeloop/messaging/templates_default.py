"""Message templates every practice starts with (generic across categories), EN and ES.

Placeholders: {first_name}, {practice}, {update_time}, {next_step}, {callback_number},
{review_link}. Nothing clinical: texts and emails say that something is being handled, never
what; the closure template states the next step staff recorded (checked for clinical words
before a text leaves). Every time a template states is the item's tracked promise.
"""

from __future__ import annotations

DEFAULT_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    # purpose: language: (email subject, body)
    "received": {
        "en": (
            "We received your message",
            "Hi {first_name}, this is {practice}. We received your message and will update you by {update_time}. Questions: {callback_number}.",
        ),
        "es": (
            "Recibimos su mensaje",
            "Hola {first_name}, le escribe {practice}. Recibimos su mensaje y le daremos una respuesta a más tardar {update_time}. Preguntas: {callback_number}.",
        ),
    },
    "checking": {
        "en": (
            "We are looking into your request",
            "Hi {first_name}, {practice} is looking into your request. We will update you by {update_time}.",
        ),
        "es": (
            "Estamos revisando su solicitud",
            "Hola {first_name}, {practice} está revisando su solicitud. Le avisaremos a más tardar {update_time}.",
        ),
    },
    "pending_update": {
        "en": (
            "An update on your request",
            "Hi {first_name}, an update from {practice}: we are still working on your request and will contact you again by {update_time}. Call {callback_number} with questions.",
        ),
        "es": (
            "Una actualización de su solicitud",
            "Hola {first_name}, una actualización de {practice}: seguimos trabajando en su solicitud y le contactaremos a más tardar {update_time}. Llame al {callback_number} si tiene preguntas.",
        ),
    },
    "closure": {
        "en": (
            "What happens next",
            "Hi {first_name}, this is {practice}. What happens next: {next_step}. Please call {callback_number} if anything is unclear.",
        ),
        "es": (
            "Lo que sigue",
            "Hola {first_name}, le escribe {practice}. Lo que sigue: {next_step}. Llame al {callback_number} si algo no está claro.",
        ),
    },
    "callback_missed": {
        "en": (
            "We tried to reach you",
            "Hi {first_name}, this is {practice}. We tried to call you about your request. Please call us at {callback_number}.",
        ),
        "es": (
            "Intentamos comunicarnos con usted",
            "Hola {first_name}, le escribe {practice}. Intentamos llamarle por su solicitud. Por favor llámenos al {callback_number}.",
        ),
    },
    # Sent by itself when a text, voicemail, email or web-form message reports urgent
    # symptoms: the same words for everyone, naming no symptom.
    "emergency": {
        "en": (
            "If this is an emergency",
            "This is {practice}. We received your message. If this is a medical emergency, call 911 now (or 988, the Suicide & Crisis Lifeline). Our clinical team has been alerted and will call you as soon as possible.",
        ),
        "es": (
            "Si es una emergencia",
            "Le escribe {practice}. Recibimos su mensaje. Si es una emergencia médica, llame al 911 ahora (o al 988, Línea de Prevención del Suicidio y Crisis). Nuestro equipo clínico ya fue avisado y le llamará lo antes posible.",
        ),
    },
    "review_request": {
        "en": (
            "How did we do?",
            "Hi {first_name}, thank you for choosing {practice}. If you have a minute, we would value your review: {review_link}",
        ),
        "es": (
            "¿Cómo lo hicimos?",
            "Hola {first_name}, gracias por elegir {practice}. Si tiene un minuto, nos ayudaría mucho su opinión: {review_link}",
        ),
    },
    "closure_question": {
        "en": (
            "Did we resolve your request?",
            "Hi {first_name}, this is {practice}. Did we resolve your request? Reply YES or NO (you may add a few words). Questions: {callback_number}.",
        ),
        "es": (
            "¿Resolvimos su solicitud?",
            "Hola {first_name}, le escribe {practice}. ¿Resolvimos su solicitud? Responda SÍ o NO (puede agregar unas palabras). Preguntas: {callback_number}.",
        ),
    },
}
