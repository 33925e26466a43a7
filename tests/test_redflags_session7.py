"""Red flags, issue 34 after held-out split #6: a halting transcript whose ellipses split the
words of one statement, a jump from a bridge or a building said in the first person present
("me tiro"), and a weapon found beside someone's despair ("better off dead"). Each with a
look-alike that stays unflagged. Our own wording, English and Spanish."""

from __future__ import annotations

import pytest

from closeloop.lib.redflags import find_red_flags
from tests.conftest import assert_read_in_linear_time

CAUGHT = [
    # a halting voicemail: the ellipses are hesitations, not full stops
    ("message left at 6pm: hello... he... can't... breathe... please hurry...", "breathing"),
    ("Transcript: its Maria... I... can't... get my breath... its bad", "breathing"),
    ("buzón de voz: hola soy Luis... no... puedo... respirar... ayuda", "breathing"),
    ("mensaje: mi papá… no… puede… respirar… por favor", "breathing"),
    # a jump said in the first person present, with a place to fall from
    ("ya no aguanto, mañana me tiro del edificio", "suicidal"),
    ("esta noche me tiro por la ventana y se acabó", "suicidal"),
    ("me voy a aventar del puente, nadie me va a extrañar", "suicidal"),
    ("quiero saltar del puente esta noche", "suicidal"),
    ("im going to jump in front of a train tonight", "suicidal"),
    # a weapon found or at hand, beside someone's despair
    ("mi hijo dice que mejor se muere y lo vi con el arma del abuelo", "suicidal"),
    ("mi papá dice que somos una carga y hoy tenía la escopeta en la cama", "suicidal"),
    (
        "my husband keeps saying he'd be better off dead and I found his gun under the pillow",
        "suicidal",
    ),
    # a past month or season beside a finding that is here now stays flagged
    ("desde el mes pasado tengo dolor de pecho y hoy es muy fuerte", "chest_pain"),
    ("el mes pasado tuvo un infarto y ahora tiene dolor de pecho otra vez", "chest_pain"),
    (
        "me duele el pecho muy fuerte ahora, el verano pasado me operaron de la rodilla",
        "chest_pain",
    ),
    # a question "only to know" beside a baby with a fever now stays flagged
    ("es por saber nomás pero mi bebé de 6 semanas tiene 38.5 de fiebre ahora", "infant_fever"),
    ("pregunta curiosa, aunque mi bebé de 2 meses está con fiebre de 39 ahorita", "infant_fever"),
]

UNFLAGGED = [
    # ellipses in an ordinary message join nothing dangerous
    ("hi... just wondering... can I... move my appointment to friday", None),
    ("hola... quería saber... si puedo cambiar la cita", None),
    # a dive or a jump that is play, and a jump in the past told as news
    ("este verano me tiro del trampolín de la piscina con mis hijos", None),
    ("we jumped off the dock into the lake on vacation, fun", None),
    # "el mes pasado", "el invierno pasado" date a finding as "last month" does in English
    ("el mes pasado tuve dolor de pecho, me revisaron y era gastritis, ¿necesito cita?", None),
    # a question asked only to know, with nobody ill
    ("pregunta curiosa: ¿cuánta fiebre es peligrosa en un bebé de 2 meses? el mío está bien", None),
    ("¿desde qué temperatura es grave la fiebre en un recién nacido? es solo por saber", None),
    ("el invierno pasado me dio dolor de pecho y el electro salió bien", None),
    # a weapon with no despair
    ("mi esposo tiene una pistola registrada para su trabajo de guardia, ¿afecta el seguro?", None),
]


@pytest.mark.parametrize(("text", "group"), CAUGHT)
def test_the_session7_emergencies_are_flagged(text: str, group: str) -> None:
    assert group in [flag.group for flag in find_red_flags(text)]


@pytest.mark.parametrize(("text", "group"), UNFLAGGED)
def test_the_session7_lookalikes_stay_unflagged(text: str, group: None) -> None:
    assert find_red_flags(text) == []


@pytest.mark.parametrize("text", ["a... " * 6000, "word word word... " * 2000, "…" * 30000])
def test_many_ellipses_are_read_in_linear_time(text: str) -> None:
    assert_read_in_linear_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "crushing chest pain since last week, worse today",
        "since last month I have crushing chest pain",
        "dolor de pecho aplastante desde la semana pasada, hoy peor",
    ],
)
def test_since_last_week_runs_on_to_now(text: str) -> None:
    """'Since last week' is a duration up to now, not a past episode (rules7's report)."""
    assert find_red_flags(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I had crushing chest pain last month, it was checked, fine now",
        "tuve dolor de pecho la semana pasada, ya me revisaron y todo bien",
    ],
)
def test_last_week_without_since_stays_past(text: str) -> None:
    assert not find_red_flags(text), text
