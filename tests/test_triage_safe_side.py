"""The safe side stays safe (issue 34): any clinical signal reaches clinical staff; a message
with none, and no practice intent, goes to the front desk ("other"), never to clinicians.

Our own wording, English and Spanish, informal spelling included. The routing tests use a
learned model made certain of the wrong answer, so that they test the rules' guard
(``closeloop.lib.clinicalterms``), not the weights; a few run through ``classify`` as shipped.
"""

from __future__ import annotations

import pytest

from closeloop.lib.classify import classify, combine
from closeloop.lib.clinicalterms import clinical_signal, read_word
from closeloop.lib.textmodel import Prediction
from closeloop.lib.textnorm import normalize

#: A model sure the message is for no practice at all.
FOR_NO_PRACTICE = Prediction(
    categories=[("other", 0.9), ("billing", 0.1)], clinical=0.02, red_flag=0.0, off_topic=0.99
)
#: A model sure the message is about a bill.
A_BILL = Prediction(
    categories=[("billing", 0.9), ("other", 0.1)], clinical=0.05, red_flag=0.0, off_topic=0.05
)
#: A model sure the message is about an appointment.
AN_APPOINTMENT = Prediction(
    categories=[("scheduling", 0.9), ("other", 0.1)], clinical=0.05, red_flag=0.0, off_topic=0.05
)


def route(text: str, prediction: Prediction) -> str:
    """The category ``combine`` gives ``text`` with this model output (the shipped thresholds)."""
    return combine(text, prediction, 0.7, 0.9, off_topic_threshold=0.65).category


def _signal(text: str):  # noqa: ANN202
    return clinical_signal(normalize(text))


# --- out of scope: the front desk -----------------------------------------------------------

OUT_OF_SCOPE = [
    "turn the thermostat down two degrees",
    "what time does the hardware store close on sundays",
    "how many sick days do I have left this year",
    "my tires look low, what pressure should they be",
    "whats a good recipe for banana bread",
    "can you recommend a podcast about chess openings",
    "apaga la luz de la cocina",
    "¿a qué hora juega el américa el sábado?",
    "busco una receta de tamales de rajas",
    "cuánto está el dólar hoy en el banco",
]


@pytest.mark.parametrize("text", OUT_OF_SCOPE)
def test_out_of_scope_goes_to_the_front_desk(text: str) -> None:
    suggestion = combine(text, FOR_NO_PRACTICE, 0.7, 0.9, off_topic_threshold=0.65)
    assert suggestion.category == "other", (text, suggestion.reasons)
    assert not suggestion.red_flag
    assert _signal(text) is None or not _signal(text).strong, text


@pytest.mark.parametrize("text", OUT_OF_SCOPE[:3] + OUT_OF_SCOPE[6:8])
def test_out_of_scope_goes_to_the_front_desk_with_the_shipped_model(text: str) -> None:
    assert classify(text).category == "other", (text, classify(text).reasons)


# --- out of scope plus a symptom: clinical staff ---------------------------------------------

OUT_OF_SCOPE_WITH_A_SYMPTOM = [
    "turn the thermostat down, I'm burning up and achy all over",
    "add bread to the list, also the baby has diaper rash again",
    "what time is the game tonight, my ankle is still puffy from saturday",
    "can you recommend a podcast, I can't sleep since the new pills",
    "wrong number sorry, but my son threw up twice last night",
    "apaga la luz, y tengo un chichón en la frente desde ayer",
    "¿a qué hora juega el américa? ando con diarea desde el domingo",
    "busco una receta de tamales, por cierto me salieron ronchas en los brazos",
    "número equivocado, pero mi hija tiene calentura y no quiere comer",
]


@pytest.mark.parametrize("text", OUT_OF_SCOPE_WITH_A_SYMPTOM)
def test_out_of_scope_with_a_symptom_reaches_clinical_staff(text: str) -> None:
    assert route(text, FOR_NO_PRACTICE) == "clinical_message", text


# --- symptoms in informal spelling: clinical staff, whatever the model says -----------------

INFORMAL_SYMPTOMS = [
    "my tummy aches an im so queasy",
    "been puking since 3am cant keep anything down",
    "the runs for two days now",
    "got a nasty diahrea and cramps",
    "i think my kid has pinkeye, his eye is all goopy",
    "lower back is stiff as a board every morning",
    "my period is realy late and i feel off",
    "hes had a temperature of 101 since last nite",
    "i have the worst migrane, light hurts my eyes",
    "tengo mucha comeson en las piernas",
    "ando mariada desde la mañana",
    "me duelen las rodillas cuando subo escaleras",
    "el niño tiene kalentura y tos",
    "estoy estreñida desde hace una semana",
    "me salio una bolita en el cuello",
    "se me cayo la calza de la muela y me duele",
    "tengo la garganta irritada y mocos",
    "mi azucar anda alta desde el lunes",
]


@pytest.mark.parametrize("text", INFORMAL_SYMPTOMS)
def test_a_symptom_in_informal_spelling_reaches_clinical_staff(text: str) -> None:
    signal = _signal(text)
    assert signal is not None and signal.strong, (text, signal)
    for prediction in (FOR_NO_PRACTICE, A_BILL, AN_APPOINTMENT):
        assert route(text, prediction) == "clinical_message", (text, prediction.categories)


@pytest.mark.parametrize("text", INFORMAL_SYMPTOMS[::3])
def test_a_symptom_in_informal_spelling_reaches_clinical_staff_with_the_shipped_model(
    text: str,
) -> None:
    assert classify(text).category == "clinical_message", (text, classify(text).reasons)


# --- practice admin plus a symptom: the product rule -----------------------------------------
# A message that reports a symptom goes to clinical staff even when it also asks for something
# administrative (the clinical team answers both or hands the rest on). An administrative
# request that only *names* something clinical — a test, a shot, a body part — stays where it
# is; so does one that denies having symptoms.

ADMIN_WITH_A_SYMPTOM = [
    ("can you move my cleaning to friday, my gums have been bleeding all week", AN_APPOINTMENT),
    ("need to reschedule, I've had a fever since yesterday", AN_APPOINTMENT),
    ("refill my inhaler please, and the rash on my neck is worse", A_BILL),
    ("question about my bill, also my knee is still swollen after the shot", A_BILL),
    ("quiero cambiar mi cita del jueves, tengo gripa y tos", AN_APPOINTMENT),
    ("tengo una duda sobre mi factura, y me sigue doliendo la muela", A_BILL),
    ("me cobraron dos veces, y ademas el niño sigue con vomito", A_BILL),
]
ADMIN_NAMING_SOMETHING_CLINICAL = [
    ("I got a bill for my flu shot, why was I charged twice", A_BILL, "billing"),
    ("no fever or anything, I just need to reschedule my checkup", AN_APPOINTMENT, "scheduling"),
    ("no tengo fiebre ni nada, solo quiero cambiar mi cita", AN_APPOINTMENT, "scheduling"),
    ("me llegó una factura por el análisis de sangre", A_BILL, "billing"),
]


@pytest.mark.parametrize(("text", "prediction"), ADMIN_WITH_A_SYMPTOM)
def test_admin_with_a_symptom_reaches_clinical_staff(text: str, prediction: Prediction) -> None:
    suggestion = combine(text, prediction, 0.7, 0.9, off_topic_threshold=0.65)
    assert suggestion.category == "clinical_message", (text, suggestion.reasons)
    assert any("reports a symptom" in reason for reason in suggestion.reasons) or any(
        reason.startswith("clinical") for reason in suggestion.reasons
    )


@pytest.mark.parametrize(("text", "prediction", "category"), ADMIN_NAMING_SOMETHING_CLINICAL)
def test_admin_naming_something_clinical_stays_admin(
    text: str, prediction: Prediction, category: str
) -> None:
    assert route(text, prediction) == category, text


# --- the lexicon itself ----------------------------------------------------------------------


def test_the_lexicon_names_the_words_that_decided() -> None:
    assert _signal("my ankle is swolen after the game").term == "swolen"
    assert _signal("tengo un dolor de muelas").term == "dolor"
    assert _signal("she's having a fit and jerking").term == "having a fit"


def test_doubled_and_dropped_letters_are_read() -> None:
    assert read_word("eearache") == "earache"
    assert read_word("diarrhea") == read_word("diarhea")
    assert read_word("hingles") == "shingles"
    assert read_word("spain") == "spain"  # a word of its own, not "sprain"
    assert _signal("the kid has hingles i think").strong


def test_ambiguous_words_need_a_body_part() -> None:
    assert _signal("my wrist hurts when I type").strong
    assert _signal("did the late payment hurt my credit") is None
    assert _signal("the video is blurry") is None
    assert _signal("my vision is blurry at night").strong


def test_denied_symptoms_are_weak_unless_the_denial_is_of_stopping() -> None:
    assert not _signal("no fever, I just have a question about parking").strong
    assert not _signal("sin dolor, solo quiero una constancia").strong
    assert _signal("the cut won't stop bleeding").strong
    assert _signal("no fever but my throat is sore").strong


def test_clinical_nouns_and_someones_body_part_are_weak_signals() -> None:
    for text in ("can you send my blood test results", "mi receta de metformina",
                 "a question about my knee", "su rodilla"):  # fmt: skip
        signal = _signal(text)
        assert signal is not None and not signal.strong, text
    assert _signal("knee high socks on sale") is None


def test_readings_said_to_be_off_are_symptoms_but_not_a_cars() -> None:
    assert _signal("my blood pressure has been running high").strong
    assert _signal("la presión me anda muy baja").strong
    assert _signal("the tire pressure is low") is None


def test_neutral_phrases_hide_their_words() -> None:
    for text in ("how many sick days do I get", "a stroke of luck", "grab a bite after work",
                 "cold cut sandwich", "mole poblano para la cena"):  # fmt: skip
        assert _signal(text) is None, text


# --- what patients say without a symptom word (issue 34, sixth pass) -------------------------
# A reading given as a number, the body's functions in everyday words, a check-up asked for
# because of a past illness or a relative's, a question about the medicines and supplies the
# clinic keeps, a knock to the head: clinical staff, whatever the model says.

READINGS_AS_NUMBERS = [
    "my fasting sugar was 185 this morning",
    "glucose keeps reading 250 after dinner",
    "bp was 165 over 100 on the machine at the store",
    "his oxygen is showing 89 on the finger clip",
    "temp is 102.5 since noon",
    "el azúcar me salió en 280 en ayunas",
    "la presión me marcó 160 con 100",
    "mi oxigenación está en 88",
    "la niña tiene 39 de temperatura desde anoche",
]
BODY_IN_EVERYDAY_WORDS = [
    "my wee is really dark and smells funny",
    "been weeing every half hour since yesterday",
    "haven't done a number two in four days",
    "his poo is pale and greasy",
    "she's pooping like 8 times a day",
    "el niño hace pipí a cada rato",
    "la popó de la bebé está verde y con moco",
    "tengo que orinar seguido y me da mucha sed",
]
CHECKUPS_FOR_A_HISTORY = [
    "my brother passed away from an aneurysm, should I be screened",
    "got out of the hospital last week after sepsis, need someone to look at me",
    "my mom died of ovarian cancer at 45, do I need to get checked",
    "a mi hermano le dio un aneurisma y falleció, ¿me deben revisar?",
    "estuve hospitalizada por una trombosis, quiero control",
    "mi papá se murió de lo del riñón, quiero que me revisen",
]
CLINIC_SUPPLIES = [
    "do you keep narcan in the office",
    "do you have epipens on hand in case a kid reacts to a shot",
    "¿tienen epinefrina en el consultorio por si alguien reacciona?",
    "do you have the glucose test strips or do I bring my own",
]
A_KNOCK_TO_THE_HEAD = [
    "he knocked himself out on the monkey bars",
    "my son got knocked out cold at football practice",
    "se quedó inconsciente un ratito después de caerse",
    "perdió el conocimiento al caerse de la bici",
]
SAID_WITHOUT_A_SYMPTOM_WORD = (
    READINGS_AS_NUMBERS
    + BODY_IN_EVERYDAY_WORDS
    + CHECKUPS_FOR_A_HISTORY
    + CLINIC_SUPPLIES
    + A_KNOCK_TO_THE_HEAD
)


@pytest.mark.parametrize("text", SAID_WITHOUT_A_SYMPTOM_WORD)
def test_clinical_said_without_a_symptom_word_reaches_clinical_staff(text: str) -> None:
    assert _signal(text) is not None, text
    assert route(text, FOR_NO_PRACTICE) == "clinical_message", text


@pytest.mark.parametrize("text", READINGS_AS_NUMBERS + BODY_IN_EVERYDAY_WORDS + A_KNOCK_TO_THE_HEAD)
def test_a_reading_a_body_function_or_a_knock_is_a_symptom(text: str) -> None:
    signal = _signal(text)
    assert signal is not None and signal.strong, (text, signal)


@pytest.mark.parametrize(
    "text",
    [
        "the recipe says 2 cups of sugar, 350 degrees for 40 minutes",
        "set the thermostat temperature to 68",
        "the oven temperature is 425",
        "a wee bit late today, sorry",
        "la receta lleva 200 gramos de azúcar",
        "I died of laughter at that video",
        "add this song to my pop playlist",
        "does my ppo plan cover implants",
        "pos sí, mañana les hablo",
        "set the temp to 69",
        "can you play the one that goes doo doo doo",
        "the prior authorization for physical therapy, is it done",
        "took his temp after the bath, it's 36.9, all fine",
        "le tomé la temperatura y tiene 37, todo bien",
    ],
)
def test_the_kitchen_the_house_and_words_that_only_look_alike_are_no_symptom(text: str) -> None:
    signal = _signal(text)
    assert signal is None or not signal.strong, (text, signal)
