"""Default acknowledge / clarify / own / close scripts per category and language.

Placeholders: {first_name}, {practice}, {update_time}, {owner}. Practices edit their own copies
(``CategoryScript``); these only seed new practices. Modest, accurate promises: the scripts never
promise an outcome, only the next update.
"""

from __future__ import annotations

from typing import NamedTuple


class Script(NamedTuple):
    acknowledge: str
    clarify: str
    own: str
    close: str


_EN_OWN = "I'm {owner}, and I own this until it's done. You'll hear from me by {update_time}, even if the answer isn't final yet."
_ES_OWN = "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo a más tardar {update_time}, aunque todavía no tengamos la respuesta final."

DEFAULT_SCRIPTS: dict[str, dict[str, Script]] = {
    "scheduling": {
        "en": Script(
            "Thanks for calling {practice}, {first_name}. I can help you with your appointment.",
            "Which appointment is this about, and which days and times work for you?",
            _EN_OWN,
            "You're booked. Is there anything else I can help with today?",
        ),
        "es": Script(
            "Gracias por llamar a {practice}, {first_name}. Le ayudo con su cita.",
            "¿Sobre qué cita llama y qué días y horarios le convienen?",
            _ES_OWN,
            "Ya tiene su cita. ¿Hay algo más en que le pueda ayudar hoy?",
        ),
    },
    "new_patient_intake": {
        "en": Script(
            "Welcome to {practice}, {first_name}. Let's get your new-patient paperwork done.",
            "Have you received the intake forms, and do you have your insurance card handy?",
            _EN_OWN,
            "Your intake is complete. We'll see you at your first visit.",
        ),
        "es": Script(
            "Bienvenido a {practice}, {first_name}. Vamos a completar sus formularios de paciente nuevo.",
            "¿Recibió los formularios y tiene a la mano su tarjeta de seguro?",
            _ES_OWN,
            "Su registro está completo. Le esperamos en su primera cita.",
        ),
    },
    "insurance_info": {
        "en": Script(
            "Thanks, {first_name}. I'll help update your insurance with {practice}.",
            "What is the name of your plan, and your member and group numbers?",
            _EN_OWN,
            "Your insurance is updated. Bring your card to your next visit.",
        ),
        "es": Script(
            "Gracias, {first_name}. Le ayudo a actualizar su seguro con {practice}.",
            "¿Cómo se llama su plan y cuáles son sus números de miembro y de grupo?",
            _ES_OWN,
            "Su seguro está actualizado. Traiga su tarjeta a la próxima cita.",
        ),
    },
    "referral_document_status": {
        "en": Script(
            "Thanks for checking in, {first_name}. I'll find out where your referral or document is.",
            "Which office or specialist is it for, and when was it requested?",
            _EN_OWN,
            "Here's where it stands and what happens next. Call us if you don't hear from them.",
        ),
        "es": Script(
            "Gracias por llamar, {first_name}. Voy a averiguar dónde está su referido o documento.",
            "¿Para qué consultorio o especialista es y cuándo se pidió?",
            _ES_OWN,
            "Así va su trámite y esto es lo que sigue. Llámenos si no le contactan.",
        ),
    },
    "telehealth_access": {
        "en": Script(
            "I'm sorry the video visit isn't working, {first_name}. Let's fix it before your appointment.",
            "Are you on a phone or a computer, and what happens when you open the link?",
            _EN_OWN,
            "You're all set for your visit. If video fails, we'll call you at this number.",
        ),
        "es": Script(
            "Lamento que la videollamada no funcione, {first_name}. Lo resolvemos antes de su cita.",
            "¿Usa un teléfono o una computadora, y qué pasa al abrir el enlace?",
            _ES_OWN,
            "Todo listo para su cita. Si falla el video, le llamamos a este número.",
        ),
    },
    "clinical_message": {
        "en": Script(
            "Thank you, {first_name}. I'm sending your message to our clinical team at {practice}.",
            "I'm not able to give medical advice, but I'll write down your question exactly. If this is an emergency, hang up and call 911.",
            "A member of our clinical team will respond by {update_time}.",
            "Our clinical team has answered; here is what they said to do next.",
        ),
        "es": Script(
            "Gracias, {first_name}. Envío su mensaje al equipo clínico de {practice}.",
            "No puedo dar consejos médicos, pero anotaré su pregunta tal cual. Si es una emergencia, cuelgue y llame al 911.",
            "Alguien de nuestro equipo clínico le responderá a más tardar {update_time}.",
            "Nuestro equipo clínico respondió; esto es lo que le indican hacer.",
        ),
    },
    "complaint_review": {
        "en": Script(
            "Thank you for telling us, {first_name}. I'm sorry this happened.",
            "Can you tell me what happened, in your own words, and what would make it right?",
            "A supervisor, {owner}, will call you back by {update_time}.",
            "Thank you for your patience. Here is what we are changing, and we will follow up.",
        ),
        "es": Script(
            "Gracias por decírnoslo, {first_name}. Lamento lo que pasó.",
            "¿Me cuenta qué pasó, con sus palabras, y qué le parecería justo?",
            "Un supervisor, {owner}, le llamará a más tardar {update_time}.",
            "Gracias por su paciencia. Esto es lo que vamos a cambiar y le daremos seguimiento.",
        ),
    },
    "language_access": {
        "en": Script(
            "Thank you, {first_name}. We'll make sure you have help in your language.",
            "Which language do you prefer, and is this for a visit or for paperwork?",
            _EN_OWN,
            "Your interpreter is arranged for your visit.",
        ),
        "es": Script(
            "Gracias, {first_name}. Nos aseguramos de que tenga ayuda en español.",
            "¿Es para una cita o para llenar formularios?",
            _ES_OWN,
            "Ya tiene intérprete para su cita.",
        ),
    },
    "billing": {
        "en": Script(
            "Thanks for calling about your bill, {first_name}. I'll get this to the right person.",
            "Which statement is it, and which charge are you asking about?",
            "Our billing specialist, {owner}, will call you by {update_time}.",
            "Billing has your question and will follow up by the time we agreed.",
        ),
        "es": Script(
            "Gracias por llamar sobre su cuenta, {first_name}. Lo paso a la persona indicada.",
            "¿De qué estado de cuenta se trata y sobre qué cobro pregunta?",
            "Nuestro especialista de facturación, {owner}, le llamará a más tardar {update_time}.",
            "Facturación tiene su pregunta y le dará seguimiento en el plazo acordado.",
        ),
    },
}
