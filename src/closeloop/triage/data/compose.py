"""Our own labelled patient messages, composed reproducibly (fixed seed) from hand-written
sentences in English and Spanish: ``python -m closeloop.triage.data.compose`` writes
``own.jsonl``. Written by the Closeloop engineers for this project (November 2026); every
message is synthetic (no patient wrote any of it).

The sentences are the kinds of things people say to a practice's front desk, voicemail, texts,
portal and web form. Variety comes from slots (days, doctors, body parts, drugs, insurers),
everyday openings and closings, and the damage transcripts and thumbs do (no punctuation,
lower case, dropped or doubled letters). Symptom descriptions are composed from body sites,
sensations, durations and triggers, so "my knee hurts when I climb stairs" and "me salen
granitos en la cara" are clinical whatever their words. Nothing here comes from the held-out
corpora (Figure Eight medical speech, CLINC150 test/out-of-scope, STAR, LiveQA-Med).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent / "own.jsonl"
SEED = 20261129

SLOTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow", "next week",
                "the 14th", "this afternoon", "Saturday", "the 3rd"],
        "time": ["9", "10:30", "2 pm", "3:15", "8 in the morning", "noon", "4"],
        "doctor": ["Dr. Patel", "Dr. Nguyen", "Dr. Reyes", "the doctor", "my dentist",
                   "Dr. Smith", "the hygienist", "the nurse practitioner", "Dr. Cohen"],
        "who": ["my son", "my daughter", "my husband", "my wife", "my mom", "my dad",
                "my little one", "my grandson", "my mother", "my boyfriend"],
        "visit": ["appointment", "appt", "visit", "cleaning", "checkup", "physical",
                  "follow up", "consult", "well child visit", "filling"],
        "insurer": ["Aetna", "Blue Cross", "Cigna", "United", "Medicaid", "Medicare",
                    "Humana", "Kaiser", "Tricare", "my new plan", "Delta Dental"],
        "specialist": ["cardiologist", "dermatologist", "orthopedic surgeon", "oral surgeon",
                       "orthodontist", "ENT", "physical therapy", "the GI doctor",
                       "neurologist", "periodontist", "the eye doctor"],
        "doc": ["records", "x-rays", "immunization record", "school form", "work note",
                "FMLA paperwork", "disability form", "referral", "sports physical form",
                "chart notes", "after visit summary"],
        "drug": ["lisinopril", "metformin", "my inhaler", "amoxicillin", "my blood pressure "
                 "medicine", "the antibiotic", "sertraline", "my insulin", "ibuprofen 800",
                 "my thyroid pill", "the ear drops", "the cream", "prednisone"],
        "amount": ["$45", "$120", "$300", "80 dollars", "$1,200", "two hundred dollars"],
    },
    "es": {
        "day": ["el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "mañana",
                "la próxima semana", "el día 14", "esta tarde", "el sábado"],
        "time": ["las 9", "las 10 y media", "las 2", "las 3", "la mañana", "mediodía", "las 4"],
        "doctor": ["la doctora Reyes", "el doctor Patel", "el dentista", "la doctora",
                   "el doctor", "la higienista", "la enfermera"],
        "who": ["mi hijo", "mi hija", "mi esposo", "mi esposa", "mi mamá", "mi papá",
                "mi niño", "mi nieto", "mi suegra"],
        "visit": ["cita", "consulta", "limpieza", "chequeo", "revisión", "cita de seguimiento",
                  "examen físico"],
        "insurer": ["Medicaid", "Medi-Cal", "Blue Cross", "Aetna", "mi seguro nuevo",
                    "Molina", "el seguro del trabajo", "Medicare"],
        "specialist": ["cardiólogo", "dermatólogo", "ortopedista", "cirujano oral",
                       "ortodoncista", "especialista de los ojos", "terapia física",
                       "neurólogo", "gastroenterólogo"],
        "doc": ["expediente", "radiografías", "cartilla de vacunas", "forma de la escuela",
                "carta para el trabajo", "papeles de incapacidad", "referencia",
                "constancia de la cita", "resultados"],
        "drug": ["la metformina", "el inhalador", "la amoxicilina", "la pastilla de la presión",
                 "la insulina", "el antibiótico", "las gotas", "la crema", "el ibuprofeno"],
        "amount": ["45 dólares", "120 dólares", "300 dólares", "doscientos dólares"],
    },
}  # fmt: skip

#: Hand-written sentences per category and language. {slot} fills from SLOTS.
SENTENCES: dict[str, dict[str, list[str]]] = {
    "scheduling": {
        "en": [
            "I need to reschedule my {visit} on {day}",
            "can I move my {visit} with {doctor} to {day}",
            "I'd like to book a {visit} for {who}",
            "calling to cancel my {visit} {day} at {time}",
            "do you have anything earlier than {day}",
            "I need to make an appointment with {doctor}",
            "what's the first available {visit}",
            "I can't make it {day}, can we do another day",
            "I'm running late for my {time} {visit}",
            "I missed my {visit}, can I get back on the schedule",
            "can you confirm my {visit} {day}",
            "is there an opening {day} for {who}",
            "I need to see {doctor} as soon as possible for a {visit}",
            "book me in for a {visit} please",
            "please call me back to set up a {visit}",
            "I want to switch my {visit} to the afternoon",
            "my {visit} got cancelled and I need a new date",
            "put me on the waitlist if anything opens up",
            "when is my next {visit}",
            "I need a {visit} {day} or {day}",
            "hi, I'm trying to get in to see {doctor}",
            "can I schedule {who} for a {visit} after school",
            "I'd like to come in {day} at {time} if that works",
            "need to push my {visit} back a week",
            "can we do a morning {visit} instead",
            "I got a reminder for {day} but I have to cancel",
            "I need a {visit} for my six month cleaning",
            "time to book my annual physical",
        ],
        "es": [
            "necesito cambiar mi {visit} del {day}",
            "quiero hacer una {visit} con {doctor}",
            "llamo para cancelar la {visit} de {day} a {time}",
            "¿tienen algo disponible antes de {day}?",
            "quisiera agendar una {visit} para {who}",
            "no voy a poder ir {day}, ¿me la pueden cambiar?",
            "voy tarde a mi {visit} de {time}",
            "se me pasó la {visit}, ¿me pueden dar otra?",
            "quiero confirmar mi {visit} de {day}",
            "¿cuándo es mi próxima {visit}?",
            "necesito una {visit} para {who} en la tarde",
            "por favor llámenme para programar una {visit}",
            "¿hay espacio {day} para una {visit}?",
            "quiero reprogramar la {visit} para otro día",
            "me cancelaron la {visit} y necesito otra fecha",
            "necesito sacar sita con {doctor}",
            "¿me pueden poner en lista de espera?",
            "quiero una {visit} en la mañana si se puede",
        ],
    },
    "new_patient_intake": {
        "en": [
            "are you accepting new patients",
            "I'd like to become a patient",
            "we just moved here and need a new {doctor_kind}",
            "how do I register as a new patient",
            "I need the new patient forms",
            "I filled out the intake forms online, did you get them",
            "do you take new patients with {insurer}",
            "I want to transfer my care to your office",
            "what do I need to bring to my first visit",
            "I'm looking for a family doctor for {who} and me",
            "my new patient paperwork didn't go through",
            "can I get the welcome packet emailed to me",
            "I need to fill out the health history before my first appointment",
            "is the practice taking new patients right now",
            "how do we get established with a new dentist",
            "I'm new to the area and need a primary care doctor",
        ],
        "es": [
            "¿aceptan pacientes nuevos?",
            "quiero ser paciente de la clínica",
            "nos mudamos y necesitamos un dentista nuevo",
            "¿cómo me registro como paciente nuevo?",
            "necesito los formularios de paciente nuevo",
            "ya llené los formularios en línea, ¿los recibieron?",
            "¿aceptan pacientes nuevos con {insurer}?",
            "¿qué tengo que traer a mi primera cita?",
            "busco un doctor de familia para {who}",
            "quiero registrarme en la clínica",
            "somos nuevos en el área y necesitamos médico",
        ],
    },
    "insurance_info": {
        "en": [
            "do you take {insurer}",
            "I have new insurance, {insurer}, can I give you the info",
            "my insurance changed, how do I update it",
            "is {doctor} in network with {insurer}",
            "what's my coverage for a {visit}",
            "I need to update my member id and group number",
            "does my plan cover the {visit}",
            "my insurance card has a new policy number",
            "can you check my eligibility before the appointment",
            "I switched to {insurer} this month",
            "do I need a preauthorization for this",
            "I lost my insurance, what are my options",
            "can you run my insurance again, it says it's inactive",
            "I'm calling to give you my secondary insurance",
            "will {insurer} pay for the cleaning",
        ],
        "es": [
            "¿aceptan {insurer}?",
            "tengo seguro nuevo, ¿a quién le doy los datos?",
            "me cambió el seguro, ¿cómo lo actualizo?",
            "¿mi seguro cubre la {visit}?",
            "necesito actualizar mi número de miembro",
            "¿el doctor está en la red de {insurer}?",
            "tengo una tarjeta del seguro nueva",
            "¿necesito autorización del seguro para esto?",
            "me quedé sin aseguranza, ¿qué puedo hacer?",
            "¿me pueden revisar si mi seguro está activo?",
        ],
    },
    "referral_document_status": {
        "en": [
            "has my referral to the {specialist} gone through",
            "I'm calling about the status of my referral",
            "can you send my {doc} to the {specialist}",
            "I need a copy of my {doc}",
            "did you fax the {doc} yet",
            "the {specialist} says they never got the referral",
            "I need {doctor} to sign my {doc}",
            "can you fill out this {doc} for me",
            "I need a letter for my employer",
            "please resend my records to the new office",
            "I'm still waiting on the {doc} you said you'd send",
            "the school needs {who}'s immunization record",
            "when will my {doc} be ready",
            "the {specialist} office needs the chart notes",
            "I need proof of my last visit for work",
            "is the prior authorization for the {specialist} done",
            "the {doc} still has not arrived",
            "the {specialist} still hasn't received my referral",
            "it's been two weeks and the referral still isn't there",
            "my {doc} never came in the mail",
            "did the {specialist} ever get my records",
            "the referral still says pending in the portal",
        ],
        "es": [
            "¿ya mandaron mi referencia al {specialist}?",
            "llamo para saber de mi referencia",
            "¿me pueden enviar mi {doc} al {specialist}?",
            "necesito una copia de mi {doc}",
            "¿ya enviaron por fax los papeles?",
            "el {specialist} dice que no le llegó la referencia",
            "necesito que el doctor me firme la {doc}",
            "necesito una carta para el trabajo",
            "la escuela pide la cartilla de vacunas de {who}",
            "¿cuándo va a estar lista mi {doc}?",
            "sigo esperando los papeles que iban a mandar",
            "la referencia todavía no ha llegado",
            "el {specialist} todavía no recibe mis papeles",
            "mi {doc} nunca llegó",
        ],
    },
    "telehealth_access": {
        "en": [
            "the video visit link isn't working",
            "I can't get into the virtual waiting room",
            "my camera won't turn on for the telehealth visit",
            "I never got the link for my video appointment",
            "the app keeps saying connection error",
            "how do I join my telehealth visit {day}",
            "the doctor can't hear me on the video call",
            "can you resend the zoom link",
            "my microphone isn't working for the virtual visit",
            "I'm in the waiting room but nobody joined",
            "can we do the visit by phone instead of video",
            "the telehealth link expired",
        ],
        "es": [
            "el enlace de la videollamada no funciona",
            "no puedo entrar a la sala de espera virtual",
            "no me llegó el link de la cita por video",
            "la cámara no prende para la cita virtual",
            "¿cómo entro a mi cita de telemedicina?",
            "la doctora no me escucha en la videollamada",
            "¿me pueden volver a mandar la liga?",
            "la aplicación dice error de conexión",
        ],
    },
    "clinical_message": {
        "en": [
            "can you refill {drug}",
            "I need a refill on {drug}, I'm almost out",
            "are my lab results back",
            "what did my x-ray show",
            "I'm having side effects from {drug}",
            "should I keep taking {drug}",
            "the pharmacy says they never got the prescription",
            "is it normal to have some pain after the filling",
            "I have a question for the nurse about {drug}",
            "can I take {drug} with my other medicine",
            "my sugar readings have been high this week",
            "my blood pressure numbers are running high",
            "I think I have an infection",
            "should {who} be seen for this cough",
            "the stitches look red around the edges",
            "can the doctor call in something for my sinus infection",
            "what does my cholesterol result mean",
            "I need to talk to someone about my test results",
            "the antibiotic isn't helping",
            "is this rash something I should worry about",
            "I missed two doses of {drug}, what do I do",
            "what's the right dose of children's tylenol for {who}",
            "how long should the numbness last after the dentist",
            "I need a prescription for my allergy medicine",
            "can I get a flu shot if I have a cold",
            "what are the side effects of {drug}",
            "how is high blood pressure treated",
            "what causes a tooth to be sensitive to cold",
            "is diabetes genetic",
            "what are the symptoms of strep throat",
            "how do I know if my cut is infected",
            "does {drug} make you tired",
            "what should I eat after getting a tooth pulled",
            "is it safe to take ibuprofen while pregnant",
            "how long does the flu last",
        ],
        "es": [
            "necesito que me surtan {drug}",
            "¿ya salieron mis resultados?",
            "me cae mal {drug}",
            "¿sigo tomando {drug}?",
            "la farmacia dice que no les llegó la receta",
            "¿es normal el dolor después del empaste?",
            "tengo una pregunta para la enfermera",
            "mi azúcar ha estado alta",
            "mi presión anda alta",
            "creo que tengo una infección",
            "¿lo deben ver por la tos?",
            "los puntos se ven rojos",
            "el antibiótico no me está haciendo efecto",
            "¿me deben ver por este salpullido?",
            "se me olvidaron dos dosis de {drug}",
            "¿cuánto tylenol le doy a {who}?",
            "¿cuánto dura lo dormido después del dentista?",
            "necesito receta para la alergia",
            "¿cuáles son los efectos secundarios de {drug}?",
            "¿qué puedo comer después de que me sacaron una muela?",
            "¿es seguro tomar ibuprofeno embarazada?",
        ],
    },
    "complaint_review": {
        "en": [
            "I want to make a complaint about how I was treated",
            "the woman at the front desk was so rude to me",
            "I've been on hold for 40 minutes, this is ridiculous",
            "nobody ever calls me back",
            "I waited two hours past my appointment time",
            "I'd like to speak to the office manager",
            "I'm really upset about my last visit",
            "this is unacceptable, I've called five times",
            "I want to leave a review about the service",
            "I'm thinking of switching practices because of this",
            "the doctor didn't listen to me at all",
            "I was charged for something and no one will explain, I'm frustrated",
            "I want to give feedback about my visit",
            "worst experience I've had at a doctor's office",
            "the hygienist was rough and didn't care",
            "I'm disappointed with how my daughter was treated",
        ],
        "es": [
            "quiero poner una queja por cómo me trataron",
            "la recepcionista fue muy grosera conmigo",
            "llevo 40 minutos en la línea, esto es una falta de respeto",
            "nadie me regresa las llamadas",
            "esperé dos horas y nadie me atendió",
            "quiero hablar con el gerente",
            "estoy muy molesta por mi última cita",
            "esto es inaceptable, ya llamé cinco veces",
            "quiero dejar una reseña del servicio",
            "no me gustó cómo me atendieron",
            "el doctor ni me escuchó",
        ],
    },
    "language_access": {
        "en": [
            "do you have an interpreter for Spanish",
            "my mother only speaks Vietnamese, can someone help",
            "I need a sign language interpreter for my appointment",
            "can I get the forms in Spanish",
            "is there anyone who speaks Arabic",
            "my father doesn't speak English",
            "we need a Portuguese interpreter {day}",
            "can the instructions be translated",
            "I need an ASL interpreter",
            "does anyone there speak Mandarin",
        ],
        "es": [
            "¿tienen intérprete en español?",
            "mi mamá no habla inglés",
            "necesito un traductor para mi cita",
            "¿me pueden dar los papeles en español?",
            "¿alguien habla español?",
            "necesito intérprete de lenguaje de señas",
            "mi esposo habla mixteco, ¿tienen intérprete?",
            "no entiendo bien el inglés, ¿me pueden ayudar en español?",
        ],
    },
    "billing": {
        "en": [
            "I have a question about my bill",
            "why was I charged {amount}",
            "I already paid this, why did I get another statement",
            "can I set up a payment plan",
            "how much do I owe",
            "I'd like to pay my balance over the phone",
            "I think I was billed twice for the same {visit}",
            "my account went to collections and I never got a bill",
            "can I get a refund for the overpayment",
            "what's my copay for a {visit}",
            "I need an itemized statement",
            "do you offer financial assistance",
            "the bill says {amount} but insurance should have paid",
            "can I pay with a credit card online",
        ],
        "es": [
            "tengo una pregunta sobre mi factura",
            "¿por qué me cobraron {amount}?",
            "ya pagué y me llegó otro estado de cuenta",
            "¿puedo hacer un plan de pagos?",
            "¿cuánto debo?",
            "quiero pagar mi saldo por teléfono",
            "me cobraron dos veces la misma {visit}",
            "me mandaron a cobranza y nunca me llegó la factura",
            "¿me pueden hacer un reembolso?",
            "¿cuánto es el copago?",
        ],
    },
    "other": {
        "en": [
            "what are your hours on Saturday",
            "where do I park",
            "what's the address of the office",
            "do you have wifi in the waiting room",
            "is the office open on the holiday",
            "I think I left my umbrella in the waiting room",
            "can I bring my dog",
            "I forgot my password for the portal",
            "how do I log in to the patient portal",
            "I want to talk to a real person",
            "thank you so much for your help yesterday",
            "what's the fax number for the office",
            "is there a bus that stops near you",
            "what time do you close today",
            "can you tell me how to get there from the highway",
            "I'd like to speak to someone",
            "who do I call for directions",
            "is the building wheelchair accessible",
            "test message please ignore",
            "how's the weather over there",
        ],
        "es": [
            "¿a qué hora abren el sábado?",
            "¿dónde me estaciono?",
            "¿cuál es la dirección de la clínica?",
            "¿están abiertos el día feriado?",
            "creo que dejé mi paraguas en la sala de espera",
            "olvidé mi contraseña del portal",
            "quiero hablar con una persona",
            "muchas gracias por su ayuda ayer",
            "¿a qué hora cierran hoy?",
            "¿cómo llego desde la autopista?",
            "¿tienen acceso para silla de ruedas?",
        ],
    },
}

# --- symptom descriptions: clinical whatever their words ------------------------------------------

BODY = {
    "en": ["knee", "back", "lower back", "shoulder", "ankle", "wrist", "neck", "hip", "elbow",
           "foot", "heel", "toe", "finger", "hand", "ear", "eye", "throat", "stomach", "belly",
           "side", "head", "jaw", "tooth", "gums", "leg", "calf", "arm", "skin", "face",
           "scalp", "bladder", "chest muscles"],
    "es": ["la rodilla", "la espalda", "el hombro", "el tobillo", "la muñeca", "el cuello",
           "la cadera", "el codo", "el pie", "el talón", "el dedo", "la mano", "el oído",
           "el ojo", "la garganta", "el estómago", "la panza", "el costado", "la cabeza",
           "la quijada", "la muela", "las encías", "la pierna", "el brazo", "la piel", "la cara"],
}  # fmt: skip
SYMPTOM_FRAMES = {
    "en": [
        "my {body} hurts when I {activity}",
        "I've had {body} pain for {duration}",
        "my {body} has been sore since {when}",
        "there's a lump on my {body}",
        "my {body} is swollen and red",
        "I keep getting a rash on my {body}",
        "I break out on my {body}",
        "my {body} itches all the time",
        "sharp pain in my {body} when I {activity}",
        "{who} says their {body} hurts",
        "I twisted my {body} and it still hurts",
        "my {body} feels stiff in the morning",
        "I have a burning feeling in my {body}",
        "I noticed a bump on my {body} that wasn't there before",
        "my {body} is tingling",
        "I get headaches almost every day",
        "I've been really tired and dizzy for {duration}",
        "I have a fever and body aches",
        "I've been coughing for {duration}",
        "I've had diarrhea for {duration}",
        "I keep throwing up since {when}",
        "{who} has an ear infection again",
        "my throat is scratchy and I lost my voice",
        "I can't sleep because of the pain in my {body}",
        "it hurts when I pee",
        "I have a toothache on the left side",
        "my tooth is sensitive to cold",
        "my gums are bleeding a little when I floss",
        "I chipped a tooth eating",
        "my filling fell out",
        "{who} has a runny nose and a fever of 100",
        "I feel sad and anxious all the time",
        "I haven't been sleeping and I feel down",
        "I have a mole that changed color",
        "my feet are swelling at night",
        "I get heartburn after I eat",
        "my allergies are really bad this week",
        "I have a cold sore that won't go away",
        "I've lost weight without trying",
        "my period is late and I'm worried",
        "I have pain in my {body} when I walk",
        "my knee hurts when I climb stairs",
    ],
    "es": [
        "me duele {body} cuando {activity}",
        "tengo dolor en {body} desde hace {duration}",
        "tengo una bolita en {body}",
        "tengo {body} hinchado y rojo",
        "me salen granitos en {body}",
        "me pica mucho {body}",
        "{who} dice que le duele {body}",
        "me lastimé {body} y todavía me duele",
        "siento ardor en {body}",
        "me hormiguea {body}",
        "me duele la cabeza casi todos los días",
        "me siento muy cansada y mareada desde hace {duration}",
        "tengo fiebre y dolor de cuerpo",
        "tengo tos desde hace {duration}",
        "tengo diarrea desde hace {duration}",
        "no dejo de vomitar desde {when}",
        "{who} tiene infección de oído otra vez",
        "me arde al orinar",
        "me duele una muela del lado izquierdo",
        "tengo el diente sensible al frío",
        "se me cayó una tapadura",
        "me siento triste y con ansiedad todo el tiempo",
        "se me hinchan los pies en la noche",
        "me dan agruras después de comer",
        "tengo un lunar que cambió de color",
        "me duele la rodilla al subir escaleras",
        "tengo dolor en {body} al caminar",
    ],
}  # fmt: skip
#: Everyday complaints (not emergencies), said the short way.
COMPLAINTS = {
    "en": ["a blocked nose", "a stuffy nose", "a runny nose", "a sore throat", "an earache",
           "a headache", "a migraine", "acne", "pimples", "a rash", "hives", "dry skin",
           "itchy eyes", "pink eye", "a stye", "a cold", "the flu", "a cough", "heartburn",
           "an upset stomach", "constipation", "diarrhea", "gas", "cramps", "back pain",
           "a stiff neck", "sore muscles", "joint pain", "a sprained ankle", "a bruise",
           "a splinter", "a blister", "a wart", "athlete's foot", "an ingrown toenail",
           "a cold sore", "a canker sore", "a toothache", "sensitive teeth", "bad breath",
           "bleeding gums", "a chipped tooth", "a loose filling", "hair loss", "dandruff",
           "insomnia", "anxiety", "no appetite", "low energy", "hot flashes", "allergies",
           "a UTI", "a yeast infection", "a lump", "swollen glands", "a fever of 100",
           "chills", "body aches", "pus in a cut", "an infected cut", "a bug bite that's red",
           "a sunburn", "numb toes", "leg cramps at night", "weak legs", "dizziness"],
    "es": ["la nariz tapada", "gripa", "dolor de garganta", "dolor de oído", "dolor de cabeza",
           "migraña", "acné", "granitos", "salpullido", "ronchas", "la piel seca",
           "los ojos irritados", "tos", "agruras", "el estómago revuelto", "estreñimiento",
           "diarrea", "cólicos", "dolor de espalda", "el cuello tieso", "dolor de músculos",
           "dolor de huesos", "un esguince", "un moretón", "una ampolla", "una verruga",
           "hongos en los pies", "una uña enterrada", "fuego labial", "llagas en la boca",
           "dolor de muela", "los dientes sensibles", "mal aliento", "las encías sangrando",
           "un diente despostillado", "caída del cabello", "caspa", "insomnio", "ansiedad",
           "falta de apetito", "bochornos", "alergia", "infección de orina", "una bolita",
           "las anginas inflamadas", "escalofríos", "cuerpo cortado", "pus en una herida",
           "debilidad", "mareos"],
}  # fmt: skip
COMPLAINT_FRAMES = {
    "en": [
        "I have {complaint}",
        "I've had {complaint} since {when}",
        "{who} has {complaint}",
        "I think I have {complaint}",
        "I keep getting {complaint}",
        "I woke up with {complaint}",
        "{complaint} for {duration} now",
        "what can I do for {complaint}",
    ],
    "es": [
        "tengo {complaint}",
        "tengo {complaint} desde {when}",
        "{who} tiene {complaint}",
        "creo que tengo {complaint}",
        "¿qué puedo hacer para {complaint}?",
        "me levanté con {complaint}",
    ],
}
ACTIVITY = {
    "en": ["climb stairs", "bend down", "walk", "run", "lift my arm", "sit too long", "chew",
           "swallow", "turn my head", "stand up", "type", "breathe deep", "sleep on it"],
    "es": ["subo escaleras", "me agacho", "camino", "corro", "levanto el brazo", "mastico",
           "trago", "volteo la cabeza", "me paro", "duermo"],
}  # fmt: skip
DURATION = {
    "en": ["two days", "a week", "three weeks", "a month", "a few days", "since Sunday"],
    "es": ["dos días", "una semana", "tres semanas", "un mes", "unos días"],
}
WHEN = {
    "en": ["yesterday", "last night", "the weekend", "Monday"],
    "es": ["ayer", "anoche", "el lunes"],
}

# --- red flags (the model's recall head; the rules catch them too) --------------------------------

RED_FLAGS = {
    "en": [
        "my chest feels tight and I'm sweating", "I can hardly breathe", "my heart hurts",
        "there's pressure on my chest like someone sitting on it", "I can't catch my breath",
        "{who} passed out and won't wake up", "{who} is having a seizure",
        "her face is drooping and she can't talk right", "his speech is slurred suddenly",
        "the bleeding won't stop", "I'm throwing up blood", "my throat is closing up",
        "his lips are swelling after the peanut", "I took too many pills",
        "{who} swallowed a bottle of pills", "I want to end it all",
        "everyone would be better off without me", "I'm thinking about killing myself",
        "worst headache of my life", "I'm pregnant and bleeding a lot", "my water broke",
        "my newborn has a fever", "the swelling from my tooth is spreading to my eye",
        "my neck is swelling from the tooth infection", "I can't swallow since my tooth got infected",
        "{who} knocked out a permanent tooth", "bleeding after my extraction won't stop",
        "squeezing in my chest going down my arm", "I'm struggling to breathe",
        "no air gets into my lungs", "my heart is on fire", "sudden numbness on one side",
        # issue 34: chest pain without the word "chest", breath idioms, bleeding by site
        "it feels like a needle going through my heart", "like a vice squeezing my ribs",
        "sharp pain behind my breastbone for an hour", "a heavy weight pressing on my sternum",
        "it's like a weight sitting on my heart", "pressure right over my heart that won't ease",
        "I can't take a full breath", "{who} can't get his breath back",
        "I can't catch my breath just sitting here", "I can't get my breath since lunch",
        "my nose has been bleeding for an hour and won't stop",
        "{who} has a nosebleed that won't stop", "my gums are still bleeding from the extraction",
        "blood keeps filling my mouth where they pulled the tooth",
    ],
    "es": [
        "me duele el pecho y estoy sudando", "casi no puedo respirar", "me duele el corazón",
        "siento mucha presión en el pecho", "me falta el aire", "{who} se desmayó y no despierta",
        "{who} está convulsionando", "se le cayó la cara de un lado", "habla arrastrado de repente",
        "no para de sangrar", "está vomitando sangre", "se me está cerrando la garganta",
        "se le hincharon los labios", "me tomé muchas pastillas", "{who} se tomó un frasco de pastillas",
        "quiero acabar con todo", "estarían mejor sin mí", "me quiero matar",
        "el peor dolor de cabeza de mi vida", "estoy embarazada y estoy sangrando mucho",
        "se me rompió la fuente", "mi bebé de un mes tiene fiebre",
        "la hinchazón de la muela me llega al ojo", "no puedo tragar por la infección de la muela",
        "se le cayó un diente permanente de un golpe", "no para de sangrar donde me sacaron la muela",
        # issue 34
        "siento como una aguja en el corazón", "me aprieta como una prensa en las costillas",
        "siento un peso encima del esternón", "dolor fuerte detrás del esternón",
        "no puedo respirar bien", "me falta el aire al caminar", "no agarro aire",
        "no puedo tomar aire completo", "me sangra la nariz y no para",
        "a {who} le sangra la naris y no se le quita", "me sigue sangrando la encía desde que me sacaron la muela",
        "la encia no deja de sangrar despues de la extraccion",
    ],
}  # fmt: skip

#: Everyday complaints that look urgent to a model reading words (a child's spots, a red nail, a
#: family's heart attacks, a question for a friend), said the informal way patients write them:
#: clinical, never a red flag (issue 34, seventh pass).
NOT_URGENT = {
    "en": [
        "small blisters on my son's palms and soles and a couple of mouth ulcers, a little fussy",
        "daycare says hand foot and mouth is going around, {who} has blisters on the palms",
        "{who} has chickenpox spots everywhere, itchy but eating fine",
        "red cheeks like she got slapped and a lacy rash on her arms, she's playing fine",
        "rash on my kid's belly after his fever went away, he's happy and eating",
        "heat rash on the baby's neck, little red bumps",
        "the diaper rash won't clear up",
        "my son has sores in his mouth and doesn't want to eat much",
        "my ingrown toenail is red and sore",
        "big toe nail is ingrown and a bit swollen at the corner",
        "the skin around my fingernail is red and puffy",
        "toenail fungus is getting worse",
        "stubbed my toe and the nail turned black",
        "allergies are killing me, sneezing all day and my eyes are watering",
        "my eyes are itchy and watery from the pollen",
        "stuffy nose and sneezing for a week",
        "my nose won't stop running since the weekend",
        "I've had hiccups that won't stop since this morning",
        "this itching won't stop, it's driving me crazy",
        "my cough won't go away, two weeks now",
        "{who} keeps sneezing nonstop around the cat",
        "heart attacks run in my family, can I get my cholesterol checked",
        "my dad had a stroke at 60, I want a checkup",
        "lots of diabetes in my family, can you test my sugar",
        "asking for a friend, how much bleeding is normal after a c section",
        "my friend wants to know if spotting in early pregnancy is normal",
        "my son bumped his head on the table, small bump, playing normally",
        "I slept wrong and my neck is stiff",
        "my mom's UTI is back, she's eating and acting like herself",
    ],
    "es": [
        "a mi niño le salieron ampollitas en manos y pies y llagas en la boca, anda chípil",
        "en la guardería hay mano pie boca, {who} tiene ampollitas en las palmas",
        "{who} tiene varicela, le pica mucho pero come bien",
        "le salió un salpullido en la panza después de la fiebre, ya está jugando",
        "tiene rozadura de pañal que no se quita",
        "le salieron llaguitas en la boca y no quiere comer mucho",
        "se me enterró la uña del dedo gordo y está colorada y sensible",
        "tengo un uñero en el dedo gordo",
        "se me encarnó la uña y me duele al caminar",
        "tengo hongos en las uñas de los pies",
        "me machuqué el dedo y la uña se puso negra",
        "con la alergia no paro de estornudar y traigo los ojos llorosos",
        "me pican los ojos por el polen",
        "ando con la nariz tapada y estornudando",
        "no se me quita la tos desde hace dos semanas",
        "no paro de estornudar desde que llegó la primavera",
        "no se me quita la comezón en los brazos",
        "tengo hipo que no se me quita desde la mañana",
        "me escurre la nariz todo el día y no para",
        "varios de mi familia han tenido infartos, quisiera hacerme un chequeo",
        "mi papá tuvo un derrame a los 60, me quiero revisar",
        "hay mucha diabetes en mi familia, me pueden hacer análisis",
        "mi amiga dio a luz hace poco y me pidió preguntar qué tanto sangrado es normal",
        "pregunto por una amiga, ¿es normal manchar al principio del embarazo?",
        "mi hija se pegó en la frente con la mesa, tiene un chichón pero está jugando",
        "dormí chueco y traigo el cuello tieso",
        "a mi mamá le volvió la infección de orina, come bien y está como siempre",
    ],
}  # fmt: skip

#: Everyday requests that have nothing to do with a practice (people misdial, test the form,
#: or ask an assistant anything): "other", never a clinical or billing queue.
UNRELATED = {
    "en": [
        "what's the weather going to be like tomorrow", "will it rain this weekend",
        "tell me a joke", "say something funny", "what time is it in Tokyo",
        "set an alarm for 6 am", "remind me to buy milk", "add eggs to my shopping list",
        "play some jazz", "turn up the volume", "what song is this", "how do I cook rice",
        "give me a recipe for chicken soup", "how long do I boil an egg",
        "what's the capital of Australia", "who won the game last night",
        "how tall is the Eiffel tower", "translate good night into french",
        "how many ounces in a cup", "convert 10 miles to kilometers",
        "what's the exchange rate for pesos", "book a flight to Denver", "find me a hotel in Austin",
        "how much is a rental car", "my car makes a weird noise when I brake",
        "when should I change my oil", "what's my credit score", "transfer money to savings",
        "did my paycheck go through", "freeze my debit card", "order a pizza",
        "find a good sushi place nearby", "how do I get to the mall", "what's the traffic like",
        "call my sister", "text mom that I'm running late", "what's on my calendar today",
        "how do I change my ringtone", "my phone won't connect to bluetooth",
        "reset my router", "what's a good movie to watch", "recommend a book",
        "how do you spell necessary", "what does ubiquitous mean", "flip a coin",
        "roll a dice", "what's 15 percent of 80", "how old is the universe",
        "tell me about the moon landing", "who painted the mona lisa", "sing me a song",
        "what's your name", "are you a robot", "do you have feelings", "good night",
        "I'm bored", "what should I make for dinner", "how do I get a stain out of a shirt",
        "is the post office open today", "how do I renew my driver's license",
        "where can I vote", "what's the score of the Bulls game", "how do I plant tomatoes",
        "my dog won't stop barking", "how often should I water a cactus",
        "what's the best way to learn guitar", "how do I say thank you in Japanese",
        "how far is the moon", "when is the next full moon", "wrong number sorry",
        "sorry I meant to text someone else", "testing 1 2 3", "asdfgh",
        "can you help me with my homework", "what's the meaning of life",
    ],
    "es": [
        "¿cómo va a estar el clima mañana?", "¿va a llover el fin de semana?", "cuéntame un chiste",
        "pon música", "¿qué hora es en México?", "pon una alarma a las 6",
        "recuérdame comprar leche", "¿cómo se hace el arroz?", "dame una receta de pozole",
        "¿cuál es la capital de Perú?", "¿quién ganó el partido?", "traduce buenas noches al inglés",
        "¿cuántos kilómetros son diez millas?", "¿a cómo está el dólar?",
        "¿dónde hay un restaurante bueno cerca?", "¿cómo llego al centro comercial?",
        "llama a mi hermana", "mi teléfono no se conecta", "recomiéndame una película",
        "¿qué significa la palabra efímero?", "número equivocado, perdón", "prueba prueba",
        "me equivoqué de número", "¿cómo renuevo mi licencia?", "mi perro no deja de ladrar",
        "¿cómo planto tomates?", "¿cuándo es la próxima luna llena?", "¿cómo te llamas?",
    ],
}  # fmt: skip
#: Written for issue 34: spam, vendor pitches, wrong numbers and job applicants. Nothing a
#: clinician should read: the front desk ("other").
SPAM = {
    "en": [
        "hi, I'm reaching out from a web design agency, we can boost your SEO",
        "are you the owner? we offer card processing with lower fees",
        "congratulations! you've won a $500 gift card, click the link to claim",
        "your car's extended warranty is about to expire", "we sell discount office supplies, "
        "can I send you a catalog", "I'm calling about your Google business listing",
        "would your office be interested in a free demo of our software",
        "limited time offer: refinance your loan today", "we clean offices at night, can I give "
        "you a quote", "sorry wrong number, I was trying to reach the pizza place",
        "is this Mike's auto shop?", "I think I dialed the wrong number",
        "I'm looking for the hardware store", "is this the Johnson residence",
        "hi I'm applying for the front desk position, did you get my resume",
        "are you hiring? I have five years of experience in customer service",
        "I'd like to drop off my resume", "following up on my job application",
        "do you have any openings for a receptionist job", "please stop texting this number",
        "unsubscribe", "STOP", "we buy houses for cash, any condition",
        "I represent a staffing company and we have great candidates for you",
        "your domain name is expiring, renew now", "this is a courtesy call about your electricity rates",
        "can I speak to the person in charge of purchasing", "we'd love to feature your business in our magazine",
        "I'm selling raffle tickets for my school", "hey is this Kevin? it's Jess from the gym",
    ],
    "es": [
        "le ofrecemos un préstamo con tasa baja, llame ya", "felicidades, ganó un premio, "
        "haga clic en el enlace", "somos una agencia de marketing y podemos traerle más clientes",
        "¿es la taquería? perdón, número equivocado", "buscaba el taller mecánico",
        "vendemos artículos de limpieza al mayoreo", "quisiera dejar mi currículum para el puesto de recepcionista",
        "¿están contratando? tengo experiencia como asistente", "llamo por la vacante de trabajo",
        "no me manden más mensajes", "¿es la casa de Juan?", "perdón, me equivoqué de número, buscaba a mi primo",
        "le interesa cambiar su compañía de teléfono", "compramos casas en efectivo",
        "¿con quién hablo para vender productos de oficina?", "oye ¿eres Carlos? soy Lupe del trabajo",
    ],
}  # fmt: skip
#: More everyday requests for no practice, written for issue 34 (Spanish was thin).
UNRELATED_MORE = {
    "en": [
        "turn off the bedroom lights", "set the thermostat to 70", "lock the front door",
        "what's the stock price of Tesla", "how did the Dow do today", "what's in the news today",
        "who is the president of France", "when does the new iPhone come out",
        "where is my Amazon package", "track my order from Target", "what's a good gift for my wife",
        "how much does a gallon of milk cost", "is Costco open on Sunday",
        "cancel my Netflix subscription", "what channel is the game on", "skip this song",
        "how many feet in a mile", "what's the square root of 144", "how do I make pancakes",
        "can I substitute butter for oil", "how long does chicken last in the fridge",
        "what's the best pizza near me", "book a table for four at 7", "call me an uber",
        "how much gas is left in my car", "when is my next car service", "what's my bank balance",
        "pay my phone bill", "when is payday", "how many vacation days do I have left",
        "schedule a meeting with Tom on Friday", "what's the wifi password at home",
        "who invented the light bulb", "tell me a fun fact", "what's the speed of light",
    ],
    "es": [
        "apaga las luces de la sala", "sube la temperatura del aire", "cierra la puerta del garaje",
        "¿a cómo están las acciones de Apple?", "¿qué noticias hay hoy?", "¿quién es el presidente de Francia?",
        "¿dónde está mi paquete de Amazon?", "¿cuánto cuesta un galón de leche?",
        "¿está abierto el Walmart el domingo?", "cancela mi suscripción de Netflix",
        "¿en qué canal pasan el partido?", "siguiente canción", "¿cuántos metros tiene una milla?",
        "¿cómo se hacen los hot cakes?", "¿puedo usar aceite en vez de mantequilla?",
        "¿cuánto dura el pollo en el refri?", "reserva una mesa para cuatro a las siete",
        "pídeme un uber", "¿cuánta gasolina le queda al carro?", "¿cuánto tengo en el banco?",
        "paga el recibo del teléfono", "¿cuándo es día de pago?", "¿cuántos días de vacaciones me quedan?",
        "agenda una junta con Tomás el viernes", "¿quién inventó el foco?", "dime un dato curioso",
        "¿cuál es la contraseña del wifi de la casa?", "¿qué tiempo hace en Guadalajara?",
        "busca vuelos baratos a Cancún", "¿cuánto es el tipo de cambio hoy?",
        "¿cómo cambio una llanta?", "mi carro no arranca, ¿qué hago?", "pon la canción de Selena",
        "¿cómo se dice mariposa en inglés?", "recomiéndame una serie", "¿cuántos años tiene la luna?",
        "vendo mi carro, ¿le interesa?", "ofrecemos servicio de limpieza para oficinas",
        "¿me regala una entrevista para el trabajo de asistente?", "mándenme información de la vacante",
        "¿es la pizzería? quiero una grande de pepperoni", "perdón, era para otra persona",
    ],
}  # fmt: skip
#: Written for issue 34 (session 5): the medical-adjacent — messages *about* medicine that are
#: for no practice's care. Vendors, marketing and software pitched to clinics, billing services,
#: supplies, pharma reps, students, researchers, surveys, the press, job applicants, and an
#: assistant's calendar (Spanish was thin: CLINC150 is English). The front desk ("other").
MEDICAL_ADJACENT = {
    "en": [
        "we get dental practices to the top of Google Maps, want a free audit?",
        "our reputation service gets clinics more five star reviews on autopilot",
        "hi doctor, quick question, who handles your practice's social media?",
        "we design patient-friendly websites for healthcare providers",
        "is your EHR slowing you down? book a 15 minute walkthrough of our platform",
        "we automate appointment reminders for clinics, can I show you how",
        "outsource your medical coding and billing to us and get paid faster",
        "we handle insurance credentialing for new providers, flat fee",
        "we're a revenue cycle management firm working with family practices in your area",
        "special pricing on nitrile gloves, masks and exam table paper for medical offices",
        "we refurbish dental chairs and x-ray units, looking for new clinic partners",
        "can I bring lunch for the office and talk about our new diabetes drug",
        "I'm the territory manager for a device company, I'd love 10 minutes with the physicians",
        "just wanted to leave some samples and brochures for the doctors",
        "I'm a biology major hoping to shadow a dentist over winter break",
        "do you accept nursing students for clinical rotations",
        "I'm in a medical assistant program and need an externship site",
        "I'm a high school senior interested in healthcare, can I volunteer at your office",
        "we're recruiting clinics for a study on patient wait times, can we send a questionnaire",
        "I'm a PhD student researching small practices, could I interview your office manager",
        "our university is surveying primary care offices about telehealth, 10 questions",
        "I'm a journalist with the county paper doing a piece on doctor shortages",
        "this is a producer from the local news, we're looking for a doctor to comment on flu season",
        "I'm a freelance writer, could one of your dentists answer a few questions for a blog",
        "is the dental hygienist job still posted? I just graduated",
        "I saw your ad for a front office coordinator, how do I apply",
        "I'm a licensed phlebotomist looking for part time work",
        "I'm a travel nurse, do you need coverage next month",
        "what's on my schedule this afternoon", "add dentist to my calendar for tuesday",
        "move my 3 pm meeting to 4", "what time is my first meeting tomorrow",
        "do I have anything on Saturday", "clear my calendar for friday",
        # issue 34 (session 7): film shoots, referral partners, credentials, scams
        "we're a video crew looking for a dental office to shoot a toothpaste commercial",
        "I run a massage studio down the street, want to swap referrals and flyers?",
        "I'm an RN from Kenya, my credentials are being evaluated, any volunteer spots?",
        "ALERT: your checking account is suspended, confirm your identity at the link",
        "USPS: your package could not be delivered, update your address here",
        "congratulations, your number won a $500 prize, reply with your bank details",
    ],
    "es": [
        "hacemos que su consultorio aparezca en los primeros resultados de Google",
        "le ayudamos a conseguir más reseñas de cinco estrellas para su clínica",
        "doctor, ¿quién le maneja las redes sociales del consultorio?",
        "creamos páginas web para médicos y dentistas, primer mes gratis",
        "¿le interesa un sistema de expediente electrónico para su consultorio?",
        "le presento nuestra aplicación de recordatorios de citas para clínicas",
        "nos encargamos de la facturación a las aseguradoras de su clínica",
        "somos proveedores de material de curación para hospitales y consultorios",
        "tenemos guantes, cubrebocas y batas a precio especial para clínicas",
        "vendo sillones dentales usados en buen estado, ¿le interesa?",
        "soy visitadora de un laboratorio, ¿me regala cinco minutos con la doctora?",
        "le traigo muestras de un medicamento nuevo para la presión para el doctor",
        "quisiera presentarles nuestra línea de vitaminas para sus pacientes, soy representante",
        "soy estudiante de odontología y me gustaría observar en su consultorio",
        "¿aceptan pasantes para el servicio social?",
        "estudio enfermería y necesito un lugar para mis prácticas clínicas",
        "soy de la prepa y me interesa la medicina, ¿puedo ir de voluntaria?",
        "estamos haciendo un estudio sobre tiempos de espera en clínicas, ¿nos contesta unas preguntas?",
        "soy tesista de la universidad y quisiera entrevistar a su personal",
        "le mandamos una encuesta breve sobre telemedicina para consultorios",
        "soy reportera del periódico local y busco un médico que opine sobre el dengue",
        "hablo de la radio comunitaria, ¿algún doctor nos daría una entrevista?",
        "¿sigue abierta la vacante de recepcionista? ya mandé mis papeles",
        "vi su anuncio de asistente dental, ¿cómo me postulo?",
        "soy enfermera titulada y busco trabajo de medio tiempo",
        "¿necesitan personal de limpieza para el consultorio?",
        "¿qué tengo pendiente para mañana?", "¿a qué hora es mi junta del lunes?",
        "anota en mi calendario la comida con Lupe el sábado", "borra todo lo del viernes en mi agenda",
        "¿tengo algo el fin de semana?", "mueve la reunión de las tres a las cuatro",
        "recuérdame pagar la luz el día 15", "¿qué hay en mi agenda hoy?",
        "¿con qué sustituyo el huevo en un pastel?", "¿cómo se prepara el mole verde?",
        # issue 34 (session 7): software, cuestionarios, rodajes, derivaciones, títulos, estafas
        "ofrecemos un programa de gestión para clínicas con facturación y citas online",
        "para mi trabajo de fin de grado necesito que sus pacientes llenen una encuesta",
        "buscamos un consultorio para grabar un comercial de una aseguradora, pagamos la locación",
        "soy nutrióloga y abro consultorio enfrente, ¿les parece si nos mandamos pacientes?",
        "soy odontóloga de Argentina, estoy convalidando mi título, ¿aceptan voluntarios?",
        "estimado cliente, su tarjeta ha sido bloqueada, verifique sus datos en este enlace",
        "su paquete está en la aduana, pague 2 euros de envío para recibirlo",
        "felicidades, su número salió premiado, llame ya para reclamar",
    ],
}  # fmt: skip
#: Messages that say nothing yet about what is needed (a greeting, "a question", "call me"):
#: "other" — staff sort them by reading them; nothing in them is clinical.
CONTENTLESS = {
    "en": [
        "hello", "hi", "hey there", "hello?", "good morning", "good afternoon", "question",
        "I have a question", "quick question", "I have a quick question for you", "ok thanks",
        "thanks", "thank you", "ok", "okay sounds good", "yes", "no", "got it", "see you then",
        "call me back", "please call me back", "can someone call me", "calling again",
        "it's me again", "are you there", "following up", "any update", "just checking in",
        "did you get my message", "I called earlier", "returning your call", "you called me",
        "I missed a call from this number", "who is this", "this is Maria",
        "I left a voicemail", "I'll call back later", "never mind", "sorry wrong chat",
        "can you text me back", "I need to talk to someone", "is anyone there",
    ],
    "es": [
        "hola", "buenos días", "buenas tardes", "una pregunta", "tengo una pregunta",
        "gracias", "ok gracias", "sí", "no", "está bien", "llámenme por favor",
        "¿me pueden llamar?", "soy yo otra vez", "¿hay alguna novedad?",
        "¿recibieron mi mensaje?", "me llamaron de este número", "devolviendo la llamada",
        "les dejé un mensaje de voz", "¿quién habla?", "necesito hablar con alguien",
        "¿hay alguien ahí?", "olvídelo", "llamo más tarde",
    ],
}  # fmt: skip
#: More ways of asking for a visit and asking clinical questions, phrased freely.
MORE = {
    "scheduling": {
        "en": ["I'd like a follow-up with {doctor} about my results",
               "can I come in {day} to go over my test results",
               "need to see {doctor} {day} afternoon", "any chance of an earlier slot with {doctor}",
               "please move me to the {time} slot", "I want to get in this week for a {visit}",
               "could you fit me in {day}", "I need a sick visit for {who} today",
               "schedule {who} for shots", "when can {doctor} see me"],
        "es": ["quiero una cita de seguimiento para ver mis resultados",
               "¿me pueden dar cita esta semana?", "¿me puede ver {doctor} {day}?",
               "necesito que vean a {who} hoy"],
    },
    "clinical_message": {
        "en": ["what dose of vitamin D should an adult take", "how long is strep contagious",
               "can I visit my grandson if I have shingles", "is it normal to feel tired on {drug}",
               "could this be lice", "should I be worried about a cough that won't go away",
               "is it ok to exercise after a tooth extraction", "how much water should I drink a day",
               "is this mole something to worry about", "does my child need to stay home with pink eye",
               "can stress cause chest acne", "what helps with migraines", "is it bad to take {drug} at night",
               "what foods raise cholesterol", "how do I lower my blood sugar",
               "do I need to fast before my blood test", "can I drink alcohol on {drug}",
               "my test results came in the portal, what do they mean"],
        "es": ["¿cuánta vitamina D debo tomar?", "¿es contagiosa la infección de garganta?",
               "¿es normal sentirme cansada con {drug}?", "¿puede ser piojos?",
               "¿tengo que ir en ayunas para los análisis?", "¿puedo tomar alcohol con {drug}?",
               "¿qué es bueno para la migraña?"],
    },
    "insurance_info": {
        "en": ["what's the deductible on my plan", "is the cleaning covered under my dental plan",
               "will insurance pay for the x-rays", "do I need a referral for my insurance to pay",
               "how much will my insurance cover for a crown"],
        "es": ["¿cuánto es el deducible de mi plan?", "¿el seguro paga las radiografías?"],
    },
}  # fmt: skip


OPENINGS = {
    "en": ["", "", "", "hi ", "hello, ", "hey ", "good morning, ", "yes hi ", "um hi ",
           "this is Maria, ", "hi this is Dana calling, ", "hello this is about {who}, "],
    "es": ["", "", "", "hola ", "buenos días, ", "buenas tardes, ", "sí mire, ", "hola le habla Rosa, ",
           "oiga, ", "disculpe, "],
}  # fmt: skip
CLOSINGS = {
    "en": ["", "", "", " thanks", " thank you", ", please call me back", ". my number is 555 0142",
           " asap", ", thanks so much", " when you get a chance"],
    "es": ["", "", "", " gracias", ", muchas gracias", ", por favor llámeme", ". mi número es 555 0142",
           " cuando puedan"],
}  # fmt: skip
DOCTOR_KIND = ["doctor", "dentist", "pediatrician", "family doctor"]


def _fill(template: str, language: str, rng: random.Random) -> str:
    slots = {**SLOTS[language], "doctor_kind": DOCTOR_KIND, "body": BODY[language],
             "complaint": COMPLAINTS[language],
             "activity": ACTIVITY[language], "duration": DURATION[language],
             "when": WHEN[language]}  # fmt: skip
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(slots[m.group(1)]), template)


def _damage(text: str, rng: random.Random) -> str:
    """What transcripts and thumbs do: lower case, no punctuation, a dropped or doubled letter."""
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.4:
        text = re.sub(r"[¿?¡!.,']", "", text)
    if rng.random() < 0.25 and len(text) > 12:
        i = rng.randrange(1, len(text) - 1)
        text = text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]
    return text


def _variants(template: str, language: str, rng: random.Random, n: int) -> Iterator[str]:
    for _ in range(n):
        core = _fill(template, language, rng)
        opening = _fill(rng.choice(OPENINGS[language]), language, rng)
        closing = rng.choice(CLOSINGS[language])
        yield _damage(f"{opening}{core}{closing}".strip(), rng)


def compose(seed: int = SEED) -> list[dict[str, object]]:
    """Every composed message, labelled: category, clinical signal, red flag, language."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    seen: set[str] = set()

    def add(text: str, category: str, language: str, red_flag: bool = False, *,
            group: str, offtopic: bool = False) -> None:  # fmt: skip
        if text in seen:
            return
        seen.add(text)
        rows.append({"text": text, "category": category, "language": language,
                     "clinical": category == "clinical_message", "red_flag": red_flag,
                     "offtopic": offtopic, "source": "own", "group": group})  # fmt: skip

    for category, languages in SENTENCES.items():
        for language, templates in languages.items():
            for template in templates:
                for text in _variants(template, language, rng, 6 if language == "en" else 7):
                    add(text, category, language, group=template)
    for language, frames in SYMPTOM_FRAMES.items():
        for frame in frames:
            for text in _variants(frame, language, rng, 6):
                add(text, "clinical_message", language, group=frame)
    for language, frames in COMPLAINT_FRAMES.items():
        for frame in frames:
            for text in _variants(frame, language, rng, 25):
                add(text, "clinical_message", language, group=frame)
    for language, sentences in UNRELATED.items():
        for sentence in sentences:
            for text in _variants(sentence, language, rng, 3):
                add(text, "other", language, group=sentence, offtopic=True)
    for language, sentences in CONTENTLESS.items():
        for sentence in sentences:
            for text in _variants(sentence, language, rng, 4):
                add(text, "other", language, group=sentence)
    for category, languages in MORE.items():
        for language, templates in languages.items():
            for template in templates:
                for text in _variants(template, language, rng, 5):
                    add(text, category, language, group=template)
    for language, flags in RED_FLAGS.items():
        for template in flags:
            for text in _variants(template, language, rng, 4):
                add(text, "clinical_message", language, red_flag=True, group=template)
    for language, sentences in SPAM.items():
        for sentence in sentences:
            for text in _variants(sentence, language, rng, 4):
                add(text, "other", language, group=sentence, offtopic=True)
    for language, sentences in UNRELATED_MORE.items():
        for sentence in sentences:
            for text in _variants(sentence, language, rng, 3 if language == "en" else 4):
                add(text, "other", language, group=sentence, offtopic=True)
    _add_table(add, MEDICAL_ADJACENT, rng, "other", offtopic=True)
    _add_table(add, NOT_URGENT, rng, "clinical_message")
    return rows


def _add_table(
    add: Callable[..., None],
    table: dict[str, list[str]],
    rng: random.Random,
    category: str,
    *,
    offtopic: bool = False,
) -> None:
    """Four variants of each sentence of ``table`` (by language), labelled ``category``."""
    for language, sentences in table.items():
        for sentence in sentences:
            for text in _variants(sentence, language, rng, 4):
                add(text, category, language, group=sentence, offtopic=offtopic)


def main() -> None:
    rows = compose()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} messages -> {OUT}")


if __name__ == "__main__":
    main()
