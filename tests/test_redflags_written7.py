"""Red flags a seventh writer said in terse, formal and folk wording (issue 34, written7),
caught by concept so that other wording of the same idea is caught too; each concept's
negated, past, curious and family-history forms stay unflagged."""

import pytest

from closeloop.lib.redflags import find_red_flags

NOW = [
    # means made ready: the rope, the pills, a weapon, everything ready to go tonight
    ("suicidal", "ya tengo el lazo preparado, perdon por escribir aqui"),
    ("suicidal", "got the rope ready in the garage, idk why im texting you"),
    ("suicidal", "ya me despedi de todos y tengo todo listo para irme hoy"),
    ("suicidal", "i said goodbye to my sister and everything is ready for tonight"),
    ("suicidal", "whatever. nothing matters anymore, heading to the bridge now"),
    ("suicidal", "ya nada tiene caso, voy camino al puente"),
    ("suicidal", "grabbed the blade again and i cant stop cutting"),
    ("suicidal", "otra vez saque la navaja y no puedo dejar de cortarme"),
    ("suicidal", "tengo las pastillas juntadas y ya escribi las cartas"),
    ("suicidal", "i have everything ready to leave tonight, said bye to the kids"),
    # a head pain that struck while straining, or never like it before
    ("severe_pain", "the headache hit me while pushing on the toilet"),
    ("severe_pain", "me dio el dolor de cabeza al pujar en el baño, nunca me habia dado uno asi"),
    # a sudden, violent head pain told as "subito"
    ("severe_pain", "dolor de cabeza subito y fortisimo con vomito"),
    # a first seizure lasting minutes
    ("unconscious", "my uncle dropped and started shaking, it has been 4 minutes now"),
    ("unconscious", "mi tio se cayo y empezo a sacudirse, ya lleva 5 minutos asi"),
    # a pregnant woman who does not feel the baby move since yesterday
    ("pregnancy", "tengo 34 semanas y desde anoche no siento que mi bebe se mueva"),
    ("pregnancy", "estoy de 8 meses y el bebe no se ha movido desde ayer"),
    ("pregnancy", "im 35 weeks and the baby hasnt moved since yesterday"),
    # a young infant warm to the touch, floppy, not feeding
    ("infant_fever", "mi bebe de 3 semanas esta caliente y no quiere comer"),
    ("infant_fever", "my 5 week old feels hot 38 and is very sleepy"),
    ("infant_fever", "nacio hace 2 semanas, esta aguadita y no agarra el pecho"),
    ("infant_fever", "my 2 week old is floppy and wont latch"),
    ("infant_fever", "mi bebe tiene 10 dias y no quiere la leche desde la mañana"),
    # a young infant's fever stays one however well the baby eats and plays
    ("infant_fever", "mi bebe de 3 semanas tiene 38 de calentura, esta comiendo y jugando"),
    ("infant_fever", "my 4 week old has a fever of 38.2, eating and playing though"),
    # sepsis: an infection, shaking chills, a racing heart, a muddled head
    ("meningitis_signs", "tengo infeccion de orina, temblorina, el corazon a mil y no pienso bien"),
    (
        "meningitis_signs",
        "kidney infection, shaking chills, heart racing and i cant think straight",
    ),
]

NOT_NOW = [
    "no tengo ningun lazo preparado, solo queria cancelar mi cita",
    "i dont have a rope ready or anything, just feeling low, can i get a therapy referral",
    "tengo todo listo para la cirugia de mañana, a que hora llego?",
    # an older baby's fever, said to be eating and playing
    "mi bebe de 9 meses tiene calentura de 38 por los dientes, esta comiendo y jugando",
    "my 10 month old has a fever of 38.3 from teething, eating and playing fine, dose of tylenol?",
    "everything is ready for the move tonight, please update my address",
    "we drove over the bridge to get to the clinic, where do we park?",
    "cut my finger cutting onions, it stopped bleeding, do i need a tetanus shot",
    "mi papa tuvo un dolor de cabeza subito hace 5 años, ahora quiero un chequeo",
    "what does a sudden thunderclap headache mean? asking for a class",
    "hace años mi hermano convulsiono 3 minutos, ahora esta bien, necesita su receta",
    "tengo 34 semanas y el bebe se mueve mucho, a que hora es mi cita",
    "the baby has been kicking a lot, im 35 weeks, when is the glucose test",
    "mi bebe de 3 semanas no esta caliente, solo tiene hipo, es normal?",
    "my 5 week old feels hot after the bath but the thermometer says 36.8",
    "mi bebe de 3 semanas agarra bien el pecho, cuando es su vacuna",
    "my 8 month old wont take the bottle since daycare started, any tips",
    "my 2 week old wont latch on the left side, can i see the lactation consultant",
    "mi bebe tiene 3 semanas y no agarra bien el pezon izquierdo, tienen asesora de lactancia?",
    "i get headaches when straining at the gym sometimes, should i see someone",
    "hace años me dio un dolor de cabeza al pujar, nunca me habia dado uno asi, ya estoy bien",
    "tuve una infeccion de riñon el año pasado con temblorina, ya estoy bien",
    "my mom had sepsis years ago from a kidney infection, can she get the flu shot",
]


@pytest.mark.parametrize(("group", "text"), NOW)
def test_a_red_flag_said_in_new_words_is_caught(group: str, text: str) -> None:
    assert group in {flag.group for flag in find_red_flags(text)}


@pytest.mark.parametrize("text", NOT_NOW)
def test_the_same_concept_denied_past_or_asked_about_is_no_red_flag(text: str) -> None:
    assert find_red_flags(text) == []


def test_a_date_after_a_diagnosis_dates_the_diagnosis_not_the_signs_now() -> None:
    text = (
        "tengo calentura y no pienso bien, traigo una infeccion que me diagnosticaron "
        "la semana pasada"
    )
    assert "meningitis_signs" in {flag.group for flag in find_red_flags(text)}
    said = "i have a fever and cant think straight, a kidney infection they told me about last week"
    assert "meningitis_signs" in {flag.group for flag in find_red_flags(said)}
    assert find_red_flags("tuve calentura y no pensaba bien la semana pasada, ya estoy bien") == []
