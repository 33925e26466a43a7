"""Attack review, session 6: hostile input to the sixth pass's readers and cues, and emergencies
worded to slip past its new context readings (small burns, jokes, past episodes, questions)."""

from __future__ import annotations

import pytest

from closeloop.lib.classify import classify
from closeloop.lib.redflags import find_red_flags
from tests.conftest import assert_read_in_linear_time

HOSTILE = {
    "a small burn, last year, a joke, repeated": "my son had a small burn last year lol jk " * 800,
    "a comma per fever": "fever, " * 5000,
    "a clause per stop": "and then it stopped, but " * 1500,
    "emoji": "\U0001f602\U0001f912\U0001f525 " * 8000,
    "mixed scripts": "лихорадка fiebre 発熱 fever " * 1500,
    "control characters": "\x00\x01\x1b[31m fever \r\n" * 2500,
    "readings as numbers": "sugar 210 bp 165 over 100 " * 1200,
    "an age per word": "my 5 year old " * 2300,
    "dated in Spanish": "hace como 3 años cuando tenía 2 años " * 800,
    "what it feels like if": "what does it feel like if " * 1200,
    "a sender cue per line": "text for my husband\n" * 1500,
    "spaced dashes": " - " * 10_000,
    "a run of dashes after a space": " " + "\u2014" * 30_000 + " my",
    "dated, then again now": "last month, again today " * 1200,
    "a burn by an outlet": "burn outlet " * 2500,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_30_kb_of_hostile_text_is_read_in_linear_time(text: str) -> None:
    assert_read_in_linear_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "small burn on her arm, from an electrical outlet",
        "burn on her arm from an electrical outlet",
        "tiny burn on his hand from the wall socket",
        "una quemadura pequeña en el dedo por el enchufe",
    ],
)
def test_a_burn_from_an_outlet_is_flagged_however_small_it_is_said_to_be(text: str) -> None:
    # A burn from household current can hide deep and heart injury under a small mark; the burn
    # event needed an article ('a burn') and 'tiny' lifted it.
    assert classify(text).red_flag


@pytest.mark.parametrize(
    "text",
    [
        "small burn on my finger from the stove, no blisters",
        "my phone charger cable got a burn mark on it",
        "static shock from the doorknob left a tiny burn feeling",
    ],
)
def test_a_small_kitchen_burn_or_a_burnt_cable_stays_unflagged(text: str) -> None:
    assert not classify(text).red_flag


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is killing me, running 10 min late to my appointment",
        "these copays are killing me, can I set up a payment plan?",
    ],
)
def test_killing_me_said_of_traffic_or_a_bill_sends_no_admin_message_to_clinicians(
    text: str,
) -> None:
    # 'killing me' was a symptom phrase on its own: the sixth pass's body slang sent a late
    # arrival and a payment plan to clinical staff.
    assert classify(text).category != "clinical_message"


@pytest.mark.parametrize(
    "text",
    ["my back is killing me, can I come in today?", "my tooth is killing me since last night"],
)
def test_a_body_part_killing_me_still_reaches_clinicians(text: str) -> None:
    assert classify(text).category == "clinical_message"


@pytest.mark.parametrize(
    "text",
    [
        "my friend asked what to do if someone isn't breathing - my friend is not breathing!!",
        "what does a stroke feel like – my dad's face is drooping and he can't talk",
        "qué hago si alguien no respira — mi papá no respira",
    ],
)
def test_a_question_does_not_reach_past_a_dash_to_an_emergency_now(text: str) -> None:
    # A dash with spaces around it starts a new statement as a comma before a new subject
    # does; the knowledge question ('what to do if') read the emergency after it as asked about.
    assert classify(text).red_flag


def test_a_hyphen_inside_a_word_starts_no_statement() -> None:
    assert not classify(
        "what to do if someone isn't breathing? asking for a first-aid class"
    ).red_flag


@pytest.mark.parametrize(
    "text",
    [
        "took an overdose last month, again today",
        "overdosed last year and did it again tonight",
        "I had a seizure 2 years ago and just had another one",
        "tuve una convulsión hace 2 años y hoy otra vez",
    ],
)
def test_a_past_episode_that_happens_again_now_is_flagged(text: str) -> None:
    # 'last month', 'years ago' after the finding dated it, though the message goes on to say
    # it happened again today.
    assert classify(text).red_flag


def test_a_past_episode_asked_about_again_stays_unflagged() -> None:
    assert not classify("I had a seizure 2 years ago, is it ok to drive again?").red_flag


@pytest.mark.parametrize(
    "text",
    [
        "my car's temp gauge says 220, do you validate parking?",
        "la temperatura del motor marca 110, ¿dónde me estaciono?",
    ],
)
def test_a_cars_temperature_gauge_is_no_reading_of_a_body(text: str) -> None:
    # The sixth pass reads a measure said as a number as a clinical signal; a car's gauge is
    # a machine's, as a thermostat's is.
    assert classify(text).category != "clinical_message"


def test_a_childs_temp_said_as_a_number_still_reaches_clinicians() -> None:
    assert classify("his temp is 102.5 since this morning").category == "clinical_message"


@pytest.mark.parametrize(
    "text",
    [
        "blister on his face from boiling oil",
        "ampollita chiquita en la cara por aceite hirviendo",
        "blisters all up her arm from the steam of the pressure cooker",
    ],
)
def test_a_blister_from_boiling_oil_or_steam_is_a_burn(text: str) -> None:
    # A blister is a burn's sign: with no burn word ('burned', 'quemadura') and no spill verb
    # the burn rules never read it, however serious the cause and the site.
    assert classify(text).red_flag


@pytest.mark.parametrize(
    "text",
    [
        "blister on my heel from new shoes",
        "tiny blister on my finger from hot oil, fine now",
        "le salió fuego en la boca, unas ampollitas en el labio, come bien",
    ],
)
def test_a_blister_from_shoes_or_a_tiny_one_from_oil_stays_unflagged(text: str) -> None:
    assert not classify(text).red_flag


@pytest.mark.parametrize(
    "text",
    [
        "my 3 year old has a fever of 101, eating fine, "
        "but he hasn't peed in 12 hours and has no tears",
        "mi hijo de 4 años tiene fiebre de 39, come bien, "
        "pero tiene la mollera hundida y no hace pipi desde ayer",
    ],
)
def test_an_older_childs_fever_said_well_stays_flagged_with_signs_of_dehydration(
    text: str,
) -> None:
    # 'eating fine' lifted an older child's fever though the message names no pee for hours,
    # no tears or a sunken soft spot: signs of dehydration, as urgent as a child who won't drink.
    assert classify(text).red_flag
    assert "dehydration" in {flag.group for flag in find_red_flags(text)}


@pytest.mark.parametrize(
    "text",
    [
        "my toddler hasn't had a wet diaper since this morning and cries with no tears",
        "she hasnt peed in 10 hours, lips are dry and she's so sleepy",
        "el bebe no ha mojado el pañal en todo el dia y llora sin lagrimas",
        "mi nieta tiene los ojos hundidos y no ha orinado desde anoche",
        "baby's soft spot looks sunken and he won't take his bottle",
    ],
)
def test_signs_of_dehydration_are_a_red_flag(text: str) -> None:
    assert "dehydration" in {flag.group for flag in find_red_flags(text)}, text


@pytest.mark.parametrize(
    "text",
    [
        "he's peeing fine and drinking well, just a runny nose",
        "she peed 2 hours ago, is that ok after the vaccine",
        "no tears in the shampoo please, what brand do you use for kids",
        "my baby's soft spot is not sunken, the nurse checked, can I get the visit notes",
        "hace pipi normal y llora con lagrimas, solo tiene mocos",
        "my son had dehydration last summer at camp, he's fine now, need his records",
    ],
)
def test_what_only_sounds_like_dehydration_is_no_red_flag(text: str) -> None:
    assert "dehydration" not in {flag.group for flag in find_red_flags(text)}, text
