"""Default acknowledge / clarify / own / close scripts per category and language, and the facts
they are filled with.

Placeholders: ``{thanks}`` (by channel: "Thanks for calling", "Thanks for your message"),
``{first_name}``, ``{practice}``, ``{owner}`` (the person who owns the item, else who will —
"our billing team"), ``{update_time}`` (the tracked promise, in the practice's time and the
patient's language) and ``{next_step}`` (what happens next, as staff recorded it). Practices
edit their own copies (``CategoryScript``); these seed new practices.

What the seed asks of every script: acknowledge names the frustration in plain words without
blaming anyone; own names who and when, a modest promise of the next update, never of an
outcome; close says what happens next (the next step, with its time) rather than announcing
success. Spanish uses usted throughout and neutral wording.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Script(NamedTuple):
    acknowledge: str
    clarify: str
    own: str
    close: str


#: Who will answer while nobody owns the item yet, per category (said in place of a name).
WHO: dict[str, dict[str, str]] = {
    "scheduling": {"en": "our scheduling team", "es": "nuestro equipo de citas"},
    "new_patient_intake": {
        "en": "our new-patient team",
        "es": "nuestro equipo de pacientes nuevos",
    },
    "insurance_info": {"en": "our insurance team", "es": "nuestro equipo de seguros"},
    "referral_document_status": {"en": "our referrals team", "es": "nuestro equipo de referidos"},
    "telehealth_access": {"en": "our telehealth team", "es": "nuestro equipo de videoconsultas"},
    "clinical_message": {"en": "our clinical team", "es": "nuestro equipo clínico"},
    "complaint_review": {"en": "a supervisor", "es": "nuestro equipo de supervisión"},
    "language_access": {"en": "our language services team", "es": "nuestro equipo de idiomas"},
    "billing": {"en": "our billing specialist", "es": "nuestro equipo de facturación"},
    "other": {"en": "our front-office team", "es": "nuestro equipo de recepción"},
}

#: How the acknowledgement opens, by the channel the patient used.
THANKS: dict[str, dict[str, str]] = {
    "phone": {"en": "Thanks for calling", "es": "Gracias por llamar"},
    "in_person": {"en": "Thanks for coming in", "es": "Gracias por venir"},
    "voicemail": {"en": "Thanks for your voicemail", "es": "Gracias por su mensaje de voz"},
}
THANKS_FOR_MESSAGE = {"en": "Thanks for your message", "es": "Gracias por su mensaje"}

#: What a script says where a fact is not known yet (a hint to staff, never a blank).
NOT_YET: dict[str, dict[str, str]] = {
    "update_time": {"en": "[the new update time]", "es": "[la nueva hora]"},
    "next_step": {
        "en": "[the next step and when: save the plan first]",
        "es": "[lo que sigue y cuándo: guarde el plan primero]",
    },
}

_EN_OWN = (
    "{owner} will stay with this until it's done: you'll hear from us by {update_time}, even if "
    "the answer isn't final yet."
)
_ES_OWN = (
    "{owner} le dará seguimiento hasta resolverlo: le llamaremos a más tardar {update_time}, "
    "aunque todavía no tengamos la respuesta final."
)

DEFAULT_SCRIPTS: dict[str, dict[str, Script]] = {
    "scheduling": {
        "en": Script(
            "{thanks}, {first_name}. I know fitting an appointment around everything else is a hassle; let's find a time that works for you.",
            "Which appointment is this about, and which days and times work for you?",
            _EN_OWN,
            "To confirm what happens next: {next_step}. Is there anything else I can help with today?",
        ),
        "es": Script(
            "{thanks}, {first_name}. Sé que acomodar una cita entre todo lo demás es complicado; busquemos un horario que le funcione.",
            "¿Sobre qué cita nos contacta y qué días y horarios le convienen?",
            _ES_OWN,
            "Para confirmar lo que sigue: {next_step}. ¿Hay algo más en que le pueda ayudar hoy?",
        ),
    },
    "new_patient_intake": {
        "en": Script(
            "{thanks}, {first_name}, and welcome to {practice}. Paperwork before a first visit can feel like a lot; I'll walk you through it.",
            "Have you received the intake forms, and do you have your insurance card handy?",
            _EN_OWN,
            "Here is what happens next: {next_step}. We look forward to seeing you.",
        ),
        "es": Script(
            "{thanks}, {first_name}; le damos la bienvenida a {practice}. Sé que los trámites antes de la primera cita pueden ser muchos; le acompaño paso a paso.",
            "¿Recibió los formularios y tiene a la mano su tarjeta de seguro?",
            _ES_OWN,
            "Esto es lo que sigue: {next_step}. Con gusto le esperamos.",
        ),
    },
    "insurance_info": {
        "en": Script(
            "{thanks}, {first_name}. Insurance changes are frustrating, and I'll make sure nothing gets held up because of them.",
            "What is the name of your plan, and your member and group numbers?",
            _EN_OWN,
            "Here is what happens next: {next_step}. Please bring your card to your next visit.",
        ),
        "es": Script(
            "{thanks}, {first_name}. Los cambios de seguro son frustrantes; me aseguraré de que nada se detenga por eso.",
            "¿Cómo se llama su plan y cuáles son sus números de miembro y de grupo?",
            _ES_OWN,
            "Esto es lo que sigue: {next_step}. Por favor traiga su tarjeta a su próxima cita.",
        ),
    },
    "referral_document_status": {
        "en": Script(
            "{thanks}, {first_name}. Waiting on a referral or a document with no news is frustrating; I'll find out where it stands.",
            "Which office or specialist is it for, and when was it requested?",
            _EN_OWN,
            "Here is where it stands and what happens next: {next_step}. If that doesn't happen, call us and we'll follow it up.",
        ),
        "es": Script(
            "{thanks}, {first_name}. Esperar un referido o un documento sin noticias es frustrante; voy a averiguar en qué va.",
            "¿Para qué consultorio o especialista es y cuándo se pidió?",
            _ES_OWN,
            "Así va su trámite y esto es lo que sigue: {next_step}. Si no sucede así, llámenos y le damos seguimiento.",
        ),
    },
    "telehealth_access": {
        "en": Script(
            "I'm sorry the video visit isn't working, {first_name}; that's stressful right before an appointment. Let's fix it.",
            "Are you on a phone or a computer, and what happens when you open the link?",
            _EN_OWN,
            "Here is what happens next: {next_step}. If the video fails during the visit, we'll call you at this number.",
        ),
        "es": Script(
            "Lamento que la videollamada no funcione, {first_name}; es estresante justo antes de una cita. Vamos a resolverlo.",
            "¿Usa un teléfono o una computadora, y qué pasa al abrir el enlace?",
            _ES_OWN,
            "Esto es lo que sigue: {next_step}. Si el video falla durante la cita, le llamamos a este número.",
        ),
    },
    "clinical_message": {
        "en": Script(
            "{thanks}, {first_name}. It's hard to wait when you have a health question; I'm sending it to our clinical team at {practice} right now.",
            "I'm not able to give medical advice, but I'll write down your question exactly. If this is an emergency, hang up and call 911.",
            "You'll hear from {owner} by {update_time}.",
            "Our clinical team has answered; here is what they said to do next: {next_step}.",
        ),
        "es": Script(
            "{thanks}, {first_name}. Es difícil esperar cuando tiene una duda de salud; envío su mensaje al equipo clínico de {practice} ahora mismo.",
            "No puedo dar consejos médicos, pero anotaré su pregunta tal cual. Si es una emergencia, cuelgue y llame al 911.",
            "Le responderá {owner} a más tardar {update_time}.",
            "Nuestro equipo clínico respondió; esto es lo que le indican hacer: {next_step}.",
        ),
    },
    "complaint_review": {
        "en": Script(
            "Thank you for telling us, {first_name}. I'm sorry this happened; it shouldn't have, and we want to make it right.",
            "Can you tell me what happened, in your own words, and what would make it right for you?",
            "You'll get a call back from {owner} by {update_time}.",
            "Thank you for your patience. Here is what we are doing about it: {next_step}. We will follow up with you.",
        ),
        "es": Script(
            "Gracias por decírnoslo, {first_name}. Lamento lo que pasó; no debió pasar y queremos corregirlo.",
            "¿Me cuenta qué pasó, con sus propias palabras, y qué podríamos hacer para remediarlo?",
            "Le devolverá la llamada {owner} a más tardar {update_time}.",
            "Gracias por su paciencia. Esto es lo que estamos haciendo al respecto: {next_step}. Le daremos seguimiento.",
        ),
    },
    "language_access": {
        "en": Script(
            "{thanks}, {first_name}. It's frustrating not to get help in your own language; we'll make sure you have it.",
            "Which language do you prefer, and is this for a visit or for paperwork?",
            _EN_OWN,
            "Here is what happens next: {next_step}.",
        ),
        "es": Script(
            "{thanks}, {first_name}. Es frustrante no recibir ayuda en su idioma; nos aseguraremos de que la tenga.",
            "¿Qué idioma prefiere, y es para una cita o para llenar formularios?",
            _ES_OWN,
            "Esto es lo que sigue: {next_step}.",
        ),
    },
    "billing": {
        "en": Script(
            "{thanks}, {first_name}. A confusing bill is stressful; I'll get your question to the right person.",
            "Which statement is it, and which charge are you asking about?",
            "You'll get a call from {owner} by {update_time}.",
            "Here is what happens next: {next_step}.",
        ),
        "es": Script(
            "{thanks}, {first_name}. Una cuenta confusa causa preocupación; voy a pasar su pregunta a la persona indicada.",
            "¿De qué estado de cuenta se trata y sobre qué cobro pregunta?",
            "Le llamará {owner} a más tardar {update_time}.",
            "Esto es lo que sigue: {next_step}.",
        ),
    },
    "other": {
        "en": Script(
            "{thanks}, {first_name}. I'm sorry if it's been hard to reach the right person; I'll make sure this gets to them.",
            "What can we help you with, and what is the best way to reach you?",
            _EN_OWN,
            "Here is what happens next: {next_step}. Is there anything else I can help with today?",
        ),
        "es": Script(
            "{thanks}, {first_name}. Disculpe si ha sido difícil comunicarse con la persona indicada; me aseguro de que le llegue.",
            "¿En qué le podemos ayudar y cuál es la mejor forma de comunicarnos con usted?",
            _ES_OWN,
            "Esto es lo que sigue: {next_step}. ¿Hay algo más en que le pueda ayudar hoy?",
        ),
    },
}  # fmt: skip


def who(category_code: str, language: str) -> str:
    names = WHO.get(category_code, WHO["other"])
    return names.get(language, names["en"])


def thanks(channel: str, language: str) -> str:
    words = THANKS.get(channel, THANKS_FOR_MESSAGE)
    return words.get(language, words["en"])


def not_yet(fact: str, language: str) -> str:
    hints = NOT_YET[fact]
    return hints.get(language, hints["en"])


def tidy(text: str) -> str:
    """A line with an unknown first name reads "Thanks for calling." rather than "…, .", and
    every line starts with a capital (a team said first: "Our billing team will…")."""
    text = re.sub(r",\s*([.;:])", r"\1", text).replace(" ,", ",")
    return text[:1].upper() + text[1:]
