"""Red flags, seventh pass: concepts a new writer says in words the rules did not know —
meningitis signs without "meningitis" or "fever", sepsis as an infection with a body that is
failing, a knock-out said as an idiom, a detergent pod or a chemical in a child's mouth — and
the look-alikes that are not emergencies now (a viral rash, an ingrown nail, a family history
asking for a check-up, a question for a friend). Our own wording, English and Spanish."""

from __future__ import annotations

import pytest

from closeloop.lib.classify import classify
from closeloop.lib.redflags import find_red_flags, read_red_flags

CAUGHT = [
    # meningitis: the neck that will not bend, with a splitting head, light that hurts, a rash
    ("my head is pounding, my neck is stiff and the light hurts my eyes", "meningitis_signs"),
    ("he can't touch his chin to his chest and he's vomiting", "meningitis_signs"),
    ("severe headache and she can't bend her neck forward", "meningitis_signs"),
    ("stiff neck and a rash came up on her legs", "meningitis_signs"),
    ("she can't stand the light and her neck won't bend", "meningitis_signs"),
    ("tiene el cuello rígido y le molesta mucho la luz", "meningitis_signs"),
    ("no puede pegar la barbilla al pecho y está vomitando", "meningitis_signs"),
    ("dolor de cabeza horrible y el cuello tieso", "meningitis_signs"),
    # a rash that does not fade under a glass: an emergency by itself
    ("the spots don't fade when I press a glass on them", "meningitis_signs"),
    ("did the glass test and the rash is still there", "meningitis_signs"),
    ("las manchitas no se borran al apretarlas con un vaso", "meningitis_signs"),
    ("hice la prueba del vaso y las manchas no desaparecen", "meningitis_signs"),
    # sepsis: an infection, with confusion, mottled skin, fast breathing, a body gone cold
    ("grandpa has a UTI and now he's disoriented and his skin looks blotchy", "meningitis_signs"),
    ("my mom has pneumonia and she isn't making any sense today", "meningitis_signs"),
    ("his leg wound is infected and he's shaking uncontrollably", "meningitis_signs"),
    ("she has a kidney infection and her knees look mottled", "meningitis_signs"),
    ("infected toe and now he feels ice cold and is out of it", "meningitis_signs"),
    ("mi abuela tiene infección en la orina y está desorientada", "meningitis_signs"),
    ("tiene pulmonía y no sabe dónde está", "meningitis_signs"),
    ("con la herida infectada respira muy rápido y está helado", "meningitis_signs"),
    ("mi papá con infección de riñón y la piel manchada", "meningitis_signs"),
    # out: a knock-out, however it is said
    ("he knocked himself out on the door frame", "unconscious"),
    ("she was out cold for a few seconds after falling off the swing", "unconscious"),
    ("he lost consciousness for a moment after the tackle", "unconscious"),
    ("she hit her head and was out for about a minute", "unconscious"),
    ("he got knocked out at soccer practice", "unconscious"),
    ("fell off the ladder and it was lights out for a bit", "unconscious"),
    ("se desmayó del golpe", "unconscious"),
    ("quedó inconsciente un rato después de caerse", "unconscious"),
    ("se quedó noqueado al caer de la bici", "unconscious"),
    ("perdió el sentido unos segundos cuando se pegó", "unconscious"),
    ("lo noquearon en el partido", "unconscious"),
    # a detergent pod or a chemical in a child's mouth, with what it does now
    ("my toddler bit a laundry pod and is coughing", "overdose"),
    ("she had a dishwasher tablet in her mouth and now she's drooling and crying", "overdose"),
    ("is it bad that my son licked bleach? he keeps gagging", "overdose"),
    ("mi niña mordió una cápsula de detergente y está tosiendo", "overdose"),
    ("se metió a la boca una pastilla del lavavajillas y está babeando", "overdose"),
    ("¿es peligroso si mi hijo tomó cloro? está vomitando", "overdose"),
    # speech that comes out like mush or thick; a limb one is unable to move
    ("when she talks it comes out all garbled", "stroke"),
    ("his speech is thick and he can't lift his left arm", "stroke"),
    # wanting to stop living, said of someone else or in other words; means put aside; a plan
    ("mi hermano dice que ya no quiere vivir", "suicidal"),
    ("I no longer wish to go on", "suicidal"),
    ("i just want to stop existing", "suicidal"),
    ("dice que ya no va a ser una carga para nadie", "suicidal"),
    ("I've put aside the pills for tonight", "suicidal"),
    ("va a estrellar el carro contra un poste", "suicidal"),
    ("ya tengo todo planeado, el viernes lo hago", "suicidal"),
    # shut away and silent after a farewell or despair
    ("she locked herself in her room after texting goodbye and isn't answering", "suicidal"),
    ("se encerró en su cuarto, me mandó un mensaje que ya no aguanta", "suicidal"),
    # an infection said as a verb; a baby not felt to move; green vomit; an exploding head
    ("la herida se le infectó y ahora dice cosas que no tienen sentido", "meningitis_signs"),
    ("40 weeks and I haven't felt him move since this morning", "pregnancy"),
    ("36 weeks and the baby hasn't kicked all day", "pregnancy"),
    ("tengo 37 semanas y el bebé no se ha movido desde anoche", "pregnancy"),
    ("vomiting green since the surgery and my belly is swollen", "severe_pain"),
    ("está vomitando verde y tiene la panza inflada", "severe_pain"),
    ("an explosive pain in the back of my head", "severe_pain"),
    ("got hit with the ball and now my jaw won't close", "dental_emergency"),
    # it came back; uncertainty is no denial; "no sabe qué pasó" is not "se le pasó"
    ("had a seizure, it stopped, but now he's having another one", "unconscious"),
    ("I don't know if she swallowed the battery, she's drooling", "overdose"),
    (
        "se desmayó y se pegó en la cabeza, ahora está despierto pero no sabe qué pasó",
        "unconscious",
    ),
    # British and informal: a neck gone rigid, being sick, not herself, out like a light
    ("her neck's gone rigid and she's burning up", "meningitis_signs"),
    ("his neck is stiff as a board and he keeps being sick", "meningitis_signs"),
    ("purple rash that doesn't go when you press it", "meningitis_signs"),
    (
        "my mum's got a UTI and is all over the place, not herself, really confused",
        "meningitis_signs",
    ),
    ("tiene neumonía y está moteado de las piernas", "meningitis_signs"),
    ("smacked his head and went out like a light", "unconscious"),
    # written7's concepts in our words: cutting that won't stop, a rope ready, "súbito",
    # shaking for minutes, not waking up, "never hurt like this", an infant "caliente",
    # a bulging soft spot, a purple rash, "sin casco" denying only the helmet
    ("i can't stop cutting tonight", "suicidal"),
    ("tengo la soga lista", "suicidal"),
    ("dolor de cabeza súbito y fortísimo", "severe_pain"),
    ("se cayó y empezó a sacudirse, ya van 4 minutos", "unconscious"),
    ("my dad is on the couch not waking up", "unconscious"),
    ("got a headache at the gym, never hurt like this before", "severe_pain"),
    ("mi bebé nació hace 2 semanas y está caliente", "infant_fever"),
    ("la mollera se le ve abultada y tiene calentura", "meningitis_signs"),
    ("le salió un salpullido morado y tiene fiebre", "meningitis_signs"),
    ("se cayó de la moto sin casco, perdió el conocimiento un momento", "unconscious"),
    ("36 semanas y no siento que el bebé se mueva", "pregnancy"),
]

NOT_NOW = [
    # meningitis look-alikes: a stiff neck from sleeping wrong; signs denied; a blanching rash
    "stiff neck and a headache from sleeping on the couch",
    "tengo el cuello tieso y dolor de cabeza por el estrés",
    "stiff neck but no fever, no headache and light doesn't bother me",
    "cuello tieso, sin fiebre ni dolor de cabeza",
    "the rash fades when I press a glass on it",
    "las manchas se borran al apretar con el vaso",
    "what are the signs of meningitis, stiff neck and light hurting?",
    "my brother had meningitis as a kid, stiff neck and a rash back then",
    # sepsis look-alikes: confusing instructions, signs denied, long ago
    "I'm confused about my UTI results",
    "the instructions for the infection antibiotic are confusing",
    "UTI again but she's not confused and is eating fine",
    "infección de orina, no está desorientado y come bien",
    "mi abuelo tuvo sepsis hace dos años, quiere un chequeo",
    # knock-out look-alikes: sleep, an idiom, denied, long ago
    "these sleeping pills knock me out",
    "the nyquil knocks me out cold every time",
    "knock yourself out, book whatever time works",
    "the lights went out during my appointment reminder call",
    "he hit his head but didn't lose consciousness",
    "se pegó en la cabeza pero no perdió el conocimiento",
    "I was knocked out in a car accident years ago",
    "se desmayó del golpe cuando era niño",
    # a pod or chemical asked about, denied or only touched
    "what should I do if my kid bites a laundry pod?",
    "¿qué hago si mi hijo se mete una cápsula de detergente a la boca?",
    "she touched the pod but didn't put it in her mouth",
    # family history, asking for a check-up
    "en mi familia hay infartos, quiero un chequeo",
    "hay muchos derrames en mi familia, me pueden revisar la presión",
    "heart attacks run in my family, can I get a checkup",
    "mis abuelos murieron de infarto, quiero hacerme estudios",
    "mi papá y mi tío tuvieron infartos, me preocupa",
    "my family has a history of strokes, can you check my blood pressure",
    # asked for a friend
    "how much bleeding is normal after giving birth? asking for a friend",
    "una amiga quiere saber cuánto sangrado es normal después del parto",
    "pregunto por una amiga, ¿cuánto sangrado es normal después de una cesárea?",
    # "stable" is no stab, a reading no count of pills, a treatment finished no farewell
    "his heart failure is stable, no trouble breathing",
    "grandpa's bp was 150/90 after his meds",
    "ya terminé todo el tratamiento, quiero mi chequeo",
    "I'm not going to be a burden on my kids, so I want long term care info",
    "my mom isn't answering her phone, can you call her about the appointment",
    "we are moving, we won't be around after this month",
    # school work, fiction, trivia, a training: nobody's emergency
    "mi hija tiene que hacer una exposición sobre el derrame cerebral, ¿tienen folletos?",
    "I'm writing a short story where one character overdoses, how fast would it happen?",
    "trivia night question: what's the most common cause of seizures in toddlers?",
    "for my first aid training: what do you do if someone collapses?",
    "what does a stroke feel like? just curious",
    # someone else's words the message calls a joke; idioms; a close call long ago
    "my coworker says she's going to kill herself over the spreadsheets, it's a joke, "
    "she's fine. need a form signed",
    "this bill is going to give me a heart attack lol",
    "casi me da un infarto con la cuenta del dentista",
    "me quedé sin aliento de la emoción con la noticia",
    "my son almost choked on a grape last summer, do you teach first aid?",
    # long ago: at an age, years ago (yrs), a previous pregnancy
    "tuvo convulsiones por fiebre cuando tenía un año, ahora tiene 4 y tiene gripa",
    "my water broke early with my first, 5 yrs ago; now 12 weeks and fine",
    "en mi embarazo anterior tuve sangrado fuerte, ahora estoy de 8 semanas y bien",
    # a fever in a child past three months is no infant's fever
    "my 9 month old has a fever of 101 and is teething",
    "mi bebé de 5 meses tiene 38 de fiebre después de las vacunas",
    # hypotheticals said in Spanish; over in minutes; small; an appliance; breastfeeding
    "me dijeron que si la herida se infecta hay que ir a urgencias, ¿es cierto?",
    "por si acaso, ¿qué hago si a mi hijo le da una convulsión?",
    "my son gets nosebleeds in winter that stop in a few minutes with pressure",
    "small burn on my thumb from the iron, blister the size of a pea",
    "que tan seguido cambio las pilas del detector de monóxido?",
    "estoy dando pecho y me duele un poco el seno",
    "the rash on his eczema patch doesn't go away even with the cream I press on",
    "I went out like a light last night after the flu meds",
    "sin casco no puedo andar en bici, ¿me dan una nota para el gimnasio?",
    "sin dolor de pecho ni falta de aire, solo la receta",
    "my UTI is back, I'm not myself lately, tired",
]

NOW_BESIDE_FAMILY = [
    # a family history said after an emergency now does not date it
    ("my chest is crushing right now and heart attacks run in my family", "chest_pain"),
    ("tengo un dolor aplastante en el pecho y en mi familia hay infartos", "chest_pain"),
    ("my friend is asking for me: I can't breathe", "breathing"),
    # a young infant beside an older child; an alarm going off; a friend who means it
    ("mi bebé de 6 semanas tiene fiebre y su hermano de 4 años también", "infant_fever"),
    ("my 3 week old has a fever of 38.2", "infant_fever"),
    ("the CO alarm is going off and we all have headaches", "overdose"),
    ("my friend says she wants to kill herself and she means it", "suicidal"),
]


@pytest.mark.parametrize(("text", "group"), CAUGHT)
def test_the_seventh_pass_concepts_are_caught_and_name_their_words(text: str, group: str) -> None:
    flags = find_red_flags(text)
    assert group in {flag.group for flag in flags}, (text, flags)
    assert all(flag.matched for flag in flags)


@pytest.mark.parametrize("text", NOT_NOW)
def test_the_seventh_pass_lookalikes_denials_and_histories_stay_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


@pytest.mark.parametrize(("text", "group"), NOW_BESIDE_FAMILY)
def test_a_family_history_or_a_friend_beside_an_emergency_now_does_not_hide_it(
    text: str, group: str
) -> None:
    assert group in {flag.group for flag in find_red_flags(text)}, text


def test_a_rash_under_a_glass_names_the_glass() -> None:
    (flag,) = find_red_flags("the spots don't fade when I press a glass on them")
    assert "fade" in flag.matched


def test_a_denied_knock_out_is_said_not_now() -> None:
    now, not_now = read_red_flags("he hit his head but didn't lose consciousness")
    assert now == [] and not_now


#: Everyday complaints the learned model must not raise as emergencies (a child's spots, a red
#: nail, hay fever), in our own wording.
NOT_URGENT_MESSAGES = [
    "my toddler has little blisters on his palms and sores in his mouth, a bit cranky",
    "mi niña tiene granitos en las manos, los pies y la boca, está de malas",
    "my ingrown toenail is red and sore",
    "tengo un uñero en el dedo gordo, está rojo e hinchado",
    "la uña del pie se me enterró y está roja",
    "chickenpox spots all over my daughter, she's itchy but playing",
    "me lloran los ojos y no dejo de estornudar por la alergia",
]


@pytest.mark.parametrize("text", NOT_URGENT_MESSAGES)
def test_everyday_rashes_nails_and_allergies_reach_clinicians_without_an_alarm(text: str) -> None:
    suggestion = classify(text)
    assert suggestion.category == "clinical_message", (text, suggestion.reasons)
    assert not suggestion.red_flag, (text, suggestion.reasons)
