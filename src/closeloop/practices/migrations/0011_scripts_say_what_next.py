"""Practices' scripts that are still the shipped ones become the new shipped ones (they say
what happens next, name the frustration, follow the channel, name the owner or the team); the
"Other" category gets scripts. A practice's own edits are left as they are."""

from django.db import migrations

from closeloop.practices.default_scripts import DEFAULT_SCRIPTS, default_script


def _shipped(code):
    """The shipped scripts of a category in English and Spanish (now kept in the catalogs)."""
    return {
        language: script
        for language in ("en", "es")
        if (script := default_script(code, language)) is not None
    }


#: The scripts shipped before this release, word for word.
OLD = {
    "billing": {
        "en": (
            "Thanks for calling about your bill, {first_name}. I'll get this to the right person.",
            "Which statement is it, and which charge are you asking about?",
            "Our billing specialist, {owner}, will call you by {update_time}.",
            "Billing has your question and will follow up by the time we agreed.",
        ),
        "es": (
            "Gracias por llamar sobre su cuenta, {first_name}. Lo paso a la persona indicada.",
            "¿De qué estado de cuenta se trata y sobre qué cobro pregunta?",
            "Nuestro especialista de facturación, {owner}, le llamará a más tardar {update_time}.",
            "Facturación tiene su pregunta y le dará seguimiento en el plazo acordado.",
        ),
    },
    "clinical_message": {
        "en": (
            "Thank you, {first_name}. I'm sending your message to our clinical team at {practice}.",
            "I'm not able to give medical advice, but I'll write down your "
            "question exactly. If this is an emergency, hang up and call 911.",
            "A member of our clinical team will respond by {update_time}.",
            "Our clinical team has answered; here is what they said to do next.",
        ),
        "es": (
            "Gracias, {first_name}. Envío su mensaje al equipo clínico de {practice}.",
            "No puedo dar consejos médicos, pero anotaré su pregunta tal cual. Si "
            "es una emergencia, cuelgue y llame al 911.",
            "Alguien de nuestro equipo clínico le responderá a más tardar {update_time}.",
            "Nuestro equipo clínico respondió; esto es lo que le indican hacer.",
        ),
    },
    "complaint_review": {
        "en": (
            "Thank you for telling us, {first_name}. I'm sorry this happened.",
            "Can you tell me what happened, in your own words, and what would make it right?",
            "A supervisor, {owner}, will call you back by {update_time}.",
            "Thank you for your patience. Here is what we are changing, and we will follow up.",
        ),
        "es": (
            "Gracias por decírnoslo, {first_name}. Lamento lo que pasó.",
            "¿Me cuenta qué pasó, con sus palabras, y qué le parecería justo?",
            "Un supervisor, {owner}, le llamará a más tardar {update_time}.",
            "Gracias por su paciencia. Esto es lo que vamos a cambiar y le daremos seguimiento.",
        ),
    },
    "insurance_info": {
        "en": (
            "Thanks, {first_name}. I'll help update your insurance with {practice}.",
            "What is the name of your plan, and your member and group numbers?",
            "I'm {owner}, and I own this until it's done. You'll hear from me by "
            "{update_time}, even if the answer isn't final yet.",
            "Your insurance is updated. Bring your card to your next visit.",
        ),
        "es": (
            "Gracias, {first_name}. Le ayudo a actualizar su seguro con {practice}.",
            "¿Cómo se llama su plan y cuáles son sus números de miembro y de grupo?",
            "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo a más "
            "tardar {update_time}, aunque todavía no tengamos la respuesta final.",
            "Su seguro está actualizado. Traiga su tarjeta a la próxima cita.",
        ),
    },
    "language_access": {
        "en": (
            "Thank you, {first_name}. We'll make sure you have help in your language.",
            "Which language do you prefer, and is this for a visit or for paperwork?",
            "I'm {owner}, and I own this until it's done. You'll hear from me by "
            "{update_time}, even if the answer isn't final yet.",
            "Your interpreter is arranged for your visit.",
        ),
        "es": (
            "Gracias, {first_name}. Nos aseguramos de que tenga ayuda en español.",
            "¿Es para una cita o para llenar formularios?",
            "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo a más "
            "tardar {update_time}, aunque todavía no tengamos la respuesta final.",
            "Ya tiene intérprete para su cita.",
        ),
    },
    "new_patient_intake": {
        "en": (
            "Welcome to {practice}, {first_name}. Let's get your new-patient paperwork done.",
            "Have you received the intake forms, and do you have your insurance card handy?",
            "I'm {owner}, and I own this until it's done. You'll hear from me "
            "by {update_time}, even if the answer isn't final yet.",
            "Your intake is complete. We'll see you at your first visit.",
        ),
        "es": (
            "Bienvenido a {practice}, {first_name}. Vamos a completar sus "
            "formularios de paciente nuevo.",
            "¿Recibió los formularios y tiene a la mano su tarjeta de seguro?",
            "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo a más "
            "tardar {update_time}, aunque todavía no tengamos la respuesta "
            "final.",
            "Su registro está completo. Le esperamos en su primera cita.",
        ),
    },
    "referral_document_status": {
        "en": (
            "Thanks for checking in, {first_name}. I'll find out where "
            "your referral or document is.",
            "Which office or specialist is it for, and when was it requested?",
            "I'm {owner}, and I own this until it's done. You'll hear "
            "from me by {update_time}, even if the answer isn't final "
            "yet.",
            "Here's where it stands and what happens next. Call us if you don't hear from them.",
        ),
        "es": (
            "Gracias por llamar, {first_name}. Voy a averiguar dónde está su referido o documento.",
            "¿Para qué consultorio o especialista es y cuándo se pidió?",
            "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo "
            "a más tardar {update_time}, aunque todavía no tengamos la "
            "respuesta final.",
            "Así va su trámite y esto es lo que sigue. Llámenos si no le contactan.",
        ),
    },
    "scheduling": {
        "en": (
            "Thanks for calling {practice}, {first_name}. I can help you with your appointment.",
            "Which appointment is this about, and which days and times work for you?",
            "I'm {owner}, and I own this until it's done. You'll hear from me by "
            "{update_time}, even if the answer isn't final yet.",
            "You're booked. Is there anything else I can help with today?",
        ),
        "es": (
            "Gracias por llamar a {practice}, {first_name}. Le ayudo con su cita.",
            "¿Sobre qué cita llama y qué días y horarios le convienen?",
            "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo a más tardar "
            "{update_time}, aunque todavía no tengamos la respuesta final.",
            "Ya tiene su cita. ¿Hay algo más en que le pueda ayudar hoy?",
        ),
    },
    "telehealth_access": {
        "en": (
            "I'm sorry the video visit isn't working, {first_name}. Let's fix it "
            "before your appointment.",
            "Are you on a phone or a computer, and what happens when you open the link?",
            "I'm {owner}, and I own this until it's done. You'll hear from me by "
            "{update_time}, even if the answer isn't final yet.",
            "You're all set for your visit. If video fails, we'll call you at this number.",
        ),
        "es": (
            "Lamento que la videollamada no funcione, {first_name}. Lo "
            "resolvemos antes de su cita.",
            "¿Usa un teléfono o una computadora, y qué pasa al abrir el enlace?",
            "Soy {owner} y me encargo de esto hasta resolverlo. Le llamo a más "
            "tardar {update_time}, aunque todavía no tengamos la respuesta "
            "final.",
            "Todo listo para su cita. Si falla el video, le llamamos a este número.",
        ),
    },
}


def update(apps, schema_editor):
    Category = apps.get_model("practices", "Category")
    CategoryScript = apps.get_model("practices", "CategoryScript")
    for script in CategoryScript.objects.select_related("category"):
        code = script.category.code
        current = (script.acknowledge, script.clarify, script.own, script.close)
        if OLD.get(code, {}).get(script.language) == current and code in DEFAULT_SCRIPTS:
            new = _shipped(code).get(script.language)
            if new is not None:
                script.acknowledge, script.clarify, script.own, script.close = new
                script.save()
    for category in Category.objects.filter(code="other"):
        have = set(
            CategoryScript.objects.filter(category=category).values_list("language", flat=True)
        )
        for language, new in _shipped("other").items():
            if language not in have:
                CategoryScript.objects.create(category=category, language=language, **new._asdict())


class Migration(migrations.Migration):
    dependencies = [("practices", "0010_secrets_at_rest")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
