"""Context that makes an urgent word no emergency now (issue 34, sixth pass): a past episode, a
question asked for knowledge or for someone's story, an idiom, a relative's history with the
writer well, a small burn, a condition said to be stable. Each context has its twin with a real
emergency now, which stays flagged: a context in one sentence does not cancel another's now."""

import pytest

from closeloop.lib.redflags import find_red_flags, read_red_flags

NOT_NOW = [
    # past episodes, dated in words the rules did not read
    "my son swallowed a battery like 2 yrs ago and it passed fine, school wants his records",
    "mi niña se trago una pila hace como dos años y salio solita, piden su historial",
    "mi hija tuvo una convulsion por fiebre cuando tenia un año, ahora tiene 4 y tiene tos",
    "hace un año mi esposo se cayo de la escalera en el trabajo y se desmayo, necesita el alta",
    "my dad choked on a steak bite last christmas, he's fine, do you teach cpr?",
    "she had preeclampsia with seizures during her last pregnancy, now 8 weeks and well",
    "en mi embarazo anterior se me rompio la fuente a las 30 semanas, ahora tengo 9 y bien",
    "tuve un legrado en marzo con mucho sangrado, ya estoy bien, cuando puedo embarazarme",
    "my mother in law who had anaphylaxis to penicillin as a girl needs dental work, she is well",
    "mi hija tuvo convulsiones con la fiebre cuando era bebe, ahora tiene 5 y esta resfriada",
    "hola, en mi parto anterior se me rompio la fuente a las 31 semanas, ahora tengo 8 y todo bien",
    "a coworker told me her son had a seizure from a fever, what to watch for? mine are fine",
    # a relative's history, the writer well
    "en mi familia hay muchos infartos, quiero un chequeo general",
    # questions for knowledge, a story, a class or a quiz
    "si a un bebe le da convulsion por la fiebre, que hay que hacer? el mio esta sano",
    "what should students do if a classmate is choking? it's for a safety poster",
    "im writing a short story where one character has a stroke during a speech, what signs?",
    "for a trivia night: what is the most common cause of choking in toddlers?",
    "mi hija tiene que hacer una exposicion sobre el infarto para biologia, tienen folletos?",
    "what does anaphylaxis feel like? it's for a college essay, I've never had one",
    "una vecina me pregunto si es normal que su bebe de 2 meses tenga fiebre tras la vacuna",
    "cuanto sangrado es normal despues de una cesarea? tengo una amiga que pregunta",
    "me dijeron que si la muela se infecta y se hincha hasta el ojo hay que ir a urgencias",
    # a joke
    "my coworker says he wants to die every monday, it's a joke, anyway I need a flu shot",
    # a small burn, a condition said to be stable, what stops by itself
    "touched the iron, little blister the size of a pea on my thumb, how do I care for it",
    "me queme las manos con la plancha, me salieron ampollitas, la reviento?",
    "mom's heart failure is stable per her cardiologist, she wants a flu shot",
    "my daughter gets nosebleeds when the air is dry, stops in a few minutes with pressure",
    # a feverish child said to be well
    "my 9 month old has a fever of 101 since last night, still eating and playing fine",
    "mi bebe de 10 meses tiene fiebre de 38 por los dientes, come bien y juega normal",
]

#: Everyday phrases with an urgent word in them, rewritten before matching: not even mentioned.
LOOKALIKES = [
    "lol the price of these braces almost gave me a heart attack, any payment plans?",
    "casi me da un infarto cuando vi la cuenta del hospital, me explican el cobro?",
    "me quede sin aliento de la emocion cuando me dijeron que ya estaba aprobada la cita",
    "le estoy dando pecho a mi bebe y me duele un poco el pezon, es normal?",
    "el año pasado me operaron de cancer, ya termine todo el tratamiento, quiero un chequeo",
    "cada cuanto se cambian las pilas del detector de monoxido? mi papa vive solo",
]

NOW = [
    ("she had a seizure last year and now she's seizing again", "unconscious"),
    ("hace un año tuvo una convulsion y ahora esta convulsionando otra vez", "unconscious"),
    ("he was fine this morning but now he can't speak and his face is drooping", "stroke"),
    ("my son swallowed a battery 2 yrs ago, today he swallowed another battery", "overdose"),
    ("last week I fainted, and now I passed out again and have crushing chest pain", "chest_pain"),
    ("lol I'm not joking, I have crushing chest pain and can't breathe", "chest_pain"),
    ("my dad choked last christmas and right now he is choking and can't breathe", "breathing"),
    ("en mi familia hay infartos y ahora tengo un dolor opresivo en el pecho", "chest_pain"),
    ("my 1 month old has a fever of 101, still eating fine", "infant_fever"),
    ("mi bebe de 3 semanas tiene fiebre de 38, come bien", "infant_fever"),
    ("my 9 month old has a fever of 101 and isn't eating or playing, very floppy", "infant_fever"),
    ("my 5 month old has a fever of 105, still eating fine", "infant_fever"),
    ("mi nena de 8 meses tiene 40.6 de fiebre, come bien", "infant_fever"),
    ("burned my hand on the stove, blister the size of my palm", "burn"),
    ("mom's heart failure was stable but now she can't breathe lying down", "breathing"),
    ("my nosebleed stops with pressure, then starts again, been 40 minutes", "bleeding"),
    ("my friend's baby had a seizure last week and now my baby is seizing", "unconscious"),
    ("estoy dando pecho y tengo un dolor opresivo en el pecho que se va al brazo", "chest_pain"),
    ("my roommate says she wants to die and she's not joking, she has pills", "suicidal"),
    ("mi vecina me dijo que ya se quiere morir y que ya tiene las pastillas", "suicidal"),
    ("mi amiga me dijo que su bebe tuvo fiebre, y mi bebe de 3 semanas tiene 38.5", "infant_fever"),
    ("hola, en mi embarazo anterior todo bien, pero ahora se me rompio la fuente", "pregnancy"),
    ("se corto el dedo con el cuchillo, sangra mucho y no se para con la presion", "bleeding"),
    ("giving me a heart attack, crushing chest pain down my left arm", "chest_pain"),
    ("siento que me va a dar un infarto, me aprieta el pecho", "chest_pain"),
    ("little blister the size of a pea but hot oil splashed all over his face", "burn"),
    ("we're due in june and she's bleeding heavily with clots", "bleeding"),
]


@pytest.mark.parametrize("text", NOT_NOW)
def test_a_context_that_is_not_now_stays_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], (text, find_red_flags(text))


@pytest.mark.parametrize("text", NOT_NOW)
def test_a_context_that_is_not_now_is_still_read_as_mentioned(text: str) -> None:
    """The model's alarm stands only when the rules saw nothing merely not now: each context
    is read as said, so the model does not flag it either."""
    assert read_red_flags(text)[1], text


@pytest.mark.parametrize("text", LOOKALIKES)
def test_an_idiom_a_treatment_or_a_detector_is_no_red_flag(text: str) -> None:
    assert find_red_flags(text) == [], (text, find_red_flags(text))


@pytest.mark.parametrize(("text", "group"), NOW)
def test_an_emergency_now_beside_a_context_stays_flagged(text: str, group: str) -> None:
    assert group in {flag.group for flag in find_red_flags(text)}, (text, find_red_flags(text))
