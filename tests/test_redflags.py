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
