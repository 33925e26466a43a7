"""Red flags as patients say them: concepts, not phrases, in English and Spanish, with
misspellings and the contexts (negated, past, someone else's, hypothetical) that are not an
emergency now."""

from __future__ import annotations

import pytest

from closeloop.lib.redflags import correct, find_red_flags

URGENT = [
    # breathing, without the words "trouble breathing"
    ("I can hardly breathe", "breathing"),
    ("struggling to breathe since last night", "breathing"),
    ("I cant take a breath all the way in", "breathing"),
    ("no air gets in when I try", "breathing"),
    ("it feels like something is squeezing my lungs", "breathing"),
    ("my son is gasping and his lips look blue", "breathing"),
    ("she keeps choking and cant get air", "breathing"),
    ("casi no puedo respirar", "breathing"),
    ("no me entra el aire", "breathing"),
    ("me cuesta mucho respirar desde la mañana", "breathing"),
    ("se está ahogando", "breathing"),
    # heart and chest, said every way but "chest pain"
    ("my heart hurts really bad", "chest_pain"),
    ("my heart is on fire", "chest_pain"),
    ("there is pain where my heart is", "chest_pain"),
    ("it's like a weight on my chest", "chest_pain"),
    ("feels like an elephant sitting on my chest", "chest_pain"),
    ("like a claw gripping my chest", "chest_pain"),
    ("crushing feeling in the middle of my chest", "chest_pain"),
    ("pain going down my left arm", "chest_pain"),
    ("my husband says his chest hurts", "chest_pain"),
    ("cheast pain since this morning", "chest_pain"),
    ("chest pian and sweating", "chest_pain"),
    ("me duele el corazón", "chest_pain"),
    ("siento una presión muy fuerte en el pecho", "chest_pain"),
    ("me aprieta el pecho", "chest_pain"),
    # stroke
    ("her face is drooping on one side", "stroke"),
    ("his speech is slurred all of a sudden", "stroke"),
    ("my mom is talking funny and cant lift her arm", "stroke"),
    ("sudden numbness on the left side of my body", "stroke"),
    ("se le cayó la cara de un lado", "stroke"),
    ("habla arrastrado de repente", "stroke"),
    # bleeding
    ("the bleeding wont stop", "bleeding"),
    ("I'm bleeding a lot and it's soaking through the towel", "bleeding"),
    ("he is throwing up blood", "bleeding"),
    ("no para de sangrar", "bleeding"),
    ("está vomitando sangre", "bleeding"),
    # consciousness, seizures
    ("my dad passed out in the kitchen", "unconscious"),
    ("I cant wake him up", "unconscious"),
    ("she can't stay awake", "unconscious"),
    ("my daughter is having a seizure", "unconscious"),
    ("se desmayó hace unos minutos", "unconscious"),
    ("no despierta", "unconscious"),
    # allergy
    ("my throat is closing up after the shrimp", "allergic_reaction"),
    ("his lips and tongue are swelling", "allergic_reaction"),
    ("se me está cerrando la garganta", "allergic_reaction"),
    # overdose (missing before)
    ("I took too many pills", "overdose"),
    ("my toddler got into my pills", "overdose"),
    ("she swallowed a whole bottle of tylenol", "overdose"),
    ("I think he overdosed", "overdose"),
    ("me tomé todas las pastillas", "overdose"),
    ("mi hijo se tomó demasiadas pastillas", "overdose"),
    # suicidal, said indirectly (missing before)
    ("I just want to end it all", "suicidal"),
    ("everyone would be better off without me", "suicidal"),
    ("I don't want to be here anymore", "suicidal"),
    ("there is no reason to go on", "suicidal"),
    ("I want to kill myself", "suicidal"),
    ("quiero acabar con todo", "suicidal"),
    ("estarían mejor sin mí", "suicidal"),
    ("ya no quiero vivir", "suicidal"),
    # dental emergencies (missing before)
    ("the swelling from my tooth is going up to my eye", "dental_emergency"),
    ("my jaw is swollen down into my neck from the bad tooth", "dental_emergency"),
    ("swelling under my tongue since the molar infection", "dental_emergency"),
    ("tooth infection and now I can't swallow", "dental_emergency"),
    ("my son knocked out his front tooth playing soccer", "dental_emergency"),
    ("had a tooth pulled this morning and the bleeding won't stop", "dental_emergency"),
    ("se le cayó un diente permanente con un golpe", "dental_emergency"),
    ("la hinchazón de la muela ya me llega al ojo", "dental_emergency"),
    # pain, pregnancy, infants
    ("worst headache of my life", "severe_pain"),
    ("sudden severe stomach pain", "severe_pain"),
    ("I'm pregnant and bleeding", "pregnancy"),
    ("my water broke", "pregnancy"),
    ("my 2 month old has a fever of 101", "infant_fever"),
    ("mi bebé de 3 semanas tiene fiebre", "infant_fever"),
]

NOT_NOW = [
    "no chest pain, just a question about my bill",
    "I'm not having any trouble breathing",
    "my father had a heart attack in 2015",
    "family history of stroke",
    "what should I do if I have chest pain?",
    "what are the signs of a stroke",
    "sin dolor de pecho",
    "mi papá tuvo un infarto hace años",
    "qué hago si me falta el aire",
    "the bleeding stopped last night",
    "I had chest pain last year and it went away",
    "my gums bleed a lot when I brush",
    "my blood pressure readings are high this week",
    "are my blood test results back yet",
    "my heart doctor sent the referral",
    "I have heartburn after dinner",
    "my 6 year old lost a tooth and the tooth fairy forgot",
    "the air conditioning is not working in the waiting room",
    "need to reschedule my cleaning",
    "can you refill my inhaler",
    "I need a note for work",
    "no tengo problemas para respirar",
    "ya no está sangrando",
]


@pytest.mark.parametrize(("text", "group"), URGENT)
def test_urgent_wording_is_caught(text: str, group: str) -> None:
    groups = {flag.group for flag in find_red_flags(text)}
    assert group in groups, (text, groups)


@pytest.mark.parametrize("text", NOT_NOW)
def test_negated_past_hypothetical_and_everyday_wording_is_not_an_emergency(text: str) -> None:
    assert find_red_flags(text) == []


def test_each_flag_says_which_words_decided_it() -> None:
    (flag,) = find_red_flags("Honestly my heart is on fire right now")
    assert flag.group == "chest_pain" and flag.matched == "heart is on fire"


def test_near_misses_of_concept_words_are_corrected_and_real_words_are_not() -> None:
    assert correct("brething") == "breathing"
    assert correct("bleedin") == "bleeding"
    assert correct("breast") == "breast" and correct("weight") == "weight"


# --- issue 34: the last missed groups, in our own words --------------------------------------

#: Chest pain without the word "chest" (ribs, sternum, heart; a needle, a vice, a weight,
#: pressure), breathlessness idioms, and bleeding that will not stop by site (nose, gums after
#: an extraction), English and Spanish, informal spelling included: (text, group, the words
#: that must decide it).
MISSED_GROUPS = [
    ("it feels like a needle is stuck in my heart", "chest_pain", "needle"),
    ("a stabbing pain right through my ribs and I feel sick", "chest_pain", "ribs"),
    ("my sternum feels crushed", "chest_pain", "sternum"),
    ("there's a tight band behind my breastbone", "chest_pain", "breastbone"),
    ("like someone has my ribs in a vice", "chest_pain", "ribs"),
    ("feels like a heavy weight pressing down on me, right in the middle", "chest_pain", "weight"),
    ("so much pressure under my ribs on the left, it goes to my jaw", "chest_pain", "pressure"),
    ("siento como una aguja clavada en el corazón", "chest_pain", "aguja"),
    ("me aprietan las costillas como si tuviera una prensa", "chest_pain", "costillas"),
    ("tengo un peso encima del esternon", "chest_pain", "peso"),
    ("siento mucha presion detras de las costillas", "chest_pain", "presion"),
    ("I can't take a breath without it hurting", "breathing", "breath"),
    ("since this morning I can't catch my breath", "breathing", "catch my breath"),
    ("my husband cannot get his breath", "breathing", "get his breath"),
    ("i cant get my breth", "breathing", "get my breath"),
    ("I keep running out of breath just sitting on the couch", "breathing", "out of breath"),
    ("no puedo respirar bien desde anoche", "breathing", "no puedo respirar"),
    ("me falta el aire cuando hablo", "breathing", "falta el aire"),
    ("a mi mamá le falta el aire", "breathing", "falta el aire"),
    ("no agarro aire", "breathing", "agarro aire"),
    ("my nose won't stop bleeding, it's been 40 minutes", "bleeding", "nose"),
    ("nosebleed for over an hour and it keeps going", "bleeding", "nosebleed"),
    ("my son's nose keeps gushing blood", "bleeding", "nose"),
    ("my gums are still bleeding from the extraction yesterday", "dental_emergency", "extraction"),
    ("the gum where the tooth was pulled keeps bleeding", "dental_emergency", "pulled"),
    ("me sangra la nariz y no para", "bleeding", "nariz"),
    ("a mi hijo le sangra la naris y no se le quita", "bleeding", "nariz"),
    ("me sigue sangrando la encia desde que me sacaron la muela", "dental_emergency", "sacaron"),
    ("la encía no deja de sangrar después de la extracción", "dental_emergency", "extrac"),
    ("me sangra muchisimo la nariz sin parar", "bleeding", "nariz"),
]

#: The same words negated, past, hypothetical or someone else's: not an emergency now.
MISSED_GROUPS_NOT_NOW = [
    "no pain in my ribs anymore, just a question",
    "my dad had a needle-like pain in his heart years ago",
    "family history of heart trouble, my mother had pressure behind her sternum",
    "I don't have any pressure under my ribs",
    "what should I do if I can't catch my breath",
    "I could not catch my breath last year after the flu, it went away",
    "no nosebleeds since Friday",
    "my nose was bleeding last week but it stopped",
    "my gums are not bleeding after the extraction",
    "no me falta el aire",
    "mi papá tuvo dolor detrás del esternón el año pasado",
    "ya no me sangra la nariz",
    "la encía ya no sangra desde la extracción",
    "qué hago si no puedo respirar bien",
    "I broke a rib skiing last year",
    "the tire pressure light is on in my car",
]


@pytest.mark.parametrize(("text", "group", "decided_by"), MISSED_GROUPS)
def test_the_missed_groups_are_caught_and_name_their_words(
    text: str, group: str, decided_by: str
) -> None:
    flags = {flag.group: flag.matched for flag in find_red_flags(text)}
    assert group in flags, (text, flags)
    assert decided_by in flags[group], (text, flags)


@pytest.mark.parametrize("text", MISSED_GROUPS_NOT_NOW)
def test_the_missed_groups_negated_past_or_family_stay_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


#: Issue 34, second pass: wording the dev split showed slipping through (our own sentences,
#: not the dev split's): Spanish "me quiero matar", a baby spelt "bb"/"beb", the worst
#: headache misspelt, "sternón", "better off" with a doubled letter.
SECOND_PASS = [
    ("esta noche me quiero matar", "suicidal", "me quiero matar"),
    ("mi hermano dice que se va a matar", "suicidal", "se va a matar"),
    ("mi bb de tres semanas tiene calentura", "infant_fever", "bb"),
    ("my two month old feels like she has a fever", "infant_fever", "two month old"),
    ("la nieta de un mes tiene fiebre desde la tarde", "infant_fever", "nieta de un mes"),
    ("el peor dolor de cabesa de mi vida", "severe_pain", "peor"),
    ("worst pounding headache I've ever had", "severe_pain", "worst"),
    ("me aprieta el sternón", "chest_pain", "sternon"),
    ("my family would be beter off without me", "suicidal", "better off without me"),
]
SECOND_PASS_NOT_NOW = [
    "no me quiero matar, solo ando desanimado",
    "hace años mi tío se quiso matar, quiero hablar de eso",
    "my chest muscles are sore from push-ups",
    "hace más de un mes tengo fiebre en las tardes",
    "my grandma had the worst headache of her life years ago",
]


@pytest.mark.parametrize(("text", "group", "decided_by"), SECOND_PASS)
def test_the_second_pass_wording_is_caught_and_names_its_words(
    text: str, group: str, decided_by: str
) -> None:
    flags = {flag.group: flag.matched for flag in find_red_flags(text)}
    assert group in flags, (text, flags)
    assert decided_by in flags[group], (text, flags)


@pytest.mark.parametrize("text", SECOND_PASS_NOT_NOW)
def test_the_second_pass_wording_negated_past_or_family_stays_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


#: Issue 34, third pass: breadth by group in both languages (our own wording): blood brought
#: up (hemoptysis, hematemesis), swallowing lost, overdose and ingestion, breath in Spanish idioms.
THIRD_PASS = [
    ("he's bringing up blood when he coughs", "bleeding", "blood"),
    ("I threw up and it was full of blood", "bleeding", "threw up"),
    ("vomits that look like coffee grounds", "bleeding", "coffee grounds"),
    ("tosí con sangre toda la noche", "bleeding", "tosi con sangre"),
    ("mi tío escupe sangre cuando tose", "bleeding", "escupe sangre"),
    ("devolví sangre hace rato", "bleeding", "devolvi sangre"),
    ("she can't swallow even a sip of water", "swallowing", "swallow"),
    ("no puede tragar ni su propia saliva", "swallowing", "no puede tragar"),
    ("no le pasa ni el agua", "swallowing", "no le pasa ni el agua"),
    ("I took way more of my sleeping pills than I should", "overdose", "way more"),
    ("my son ate a whole packet of his sister's vitamins", "overdose", "whole packet"),
    ("he drank some of the drain cleaner", "overdose", "drain cleaner"),
    ("me tomé toda la caja de ibuprofeno", "overdose", "toda la caja"),
    ("el niño se bebió la lejía", "overdose", "lejia"),
    ("se tomó un montón de pastillas de su abuela", "overdose", "un monton de pastillas"),
    ("no puedo recobrar el aliento", "breathing", "aliento"),
    ("me ahogo cuando intento caminar", "breathing", "ahogo"),
    ("a mi hija no le entra el aire", "breathing", "no le entra el aire"),
    ("casi no puedo respirar ni estando acostada", "breathing", "respirar"),
    ("respira con muchísima dificultad", "breathing", "dificultad"),
    ("I feel like I'm drowning in my own chest", "breathing", "drowning"),
    ("coughin up blod since last nite", "bleeding", "blod"),
    ("saco flemas con sangre", "bleeding", "flemas con sangre"),
    ("mi niña se tragó una pila de reloj", "overdose", "pila"),
    ("the baby swallowed two magnets", "overdose", "magnets"),
    ("mi esposo tomó cloro", "overdose", "cloro"),
    ("ya no le encuentro sentido a la vida", "suicidal", "sentido"),
    ("life isn't worth living anymore", "suicidal", "worth living"),
    ("se me durmió medio cuerpo", "stroke", "medio cuerpo"),
    ("un dolor de cabeza fortísimo de golpe", "severe_pain", "de golpe"),
]
THIRD_PASS_NOT_NOW = [
    "I can't swallow these tablets, they're too big",
    "mi mamá tuvo epilepsia, ¿las convulsiones son hereditarias?",
    "my dad had a heart attack two years ago, should I get checked",
    "hace dos meses tosí con sangre pero ya no",
    "me sangran las encías cuando me cepillo",
    "my nose bled for a minute this morning but it stopped",
    "what do I do if my toddler swallows bleach?",
    "no he vomitado sangre, solo comida",
    "no tengo problemas para tragar",
    "no puedo tragar las pastillas grandes, ¿las hay en jarabe?",
    "that goal was a stroke of genius",
]


@pytest.mark.parametrize(("text", "group", "decided_by"), THIRD_PASS)
def test_the_third_pass_groups_are_caught_and_name_their_words(
    text: str, group: str, decided_by: str
) -> None:
    flags = {flag.group: flag.matched for flag in find_red_flags(text)}
    assert group in flags, (text, flags)
    assert decided_by in flags[group], (text, flags)


@pytest.mark.parametrize("text", THIRD_PASS_NOT_NOW)
def test_the_third_pass_negated_past_or_family_stays_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text
