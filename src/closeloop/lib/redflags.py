"""Red flags: urgent symptoms in English and Spanish, caught at intake. Pure Python.

Recall matters more than precision: a false alarm costs a nurse a minute, a miss can cost a life.
Patterns cover everyday wording and common misspellings, as typed or as heard by speech-to-text.
A match is ignored only when a negation sits just before it ("no chest pain", "sin dolor de
pecho", "denies chest pain", "ya no está sangrando").

Sources for the warning signs (public lists):
- ACEP (American College of Emergency Physicians), "Warning signs of a medical emergency":
  chest or upper-abdominal pain or pressure, fainting, sudden dizziness or weakness, difficulty
  breathing, sudden severe pain, bleeding that will not stop, coughing or vomiting blood,
  suicidal or homicidal feelings, changes in vision or speech.
- CDC, "Heart attack symptoms": chest pain or discomfort, shortness of breath, pain in arms,
  back, neck or jaw, feeling weak, light-headed or faint.
- AHA/ASA stroke signs, BE FAST: balance, eyes, face drooping, arm weakness, speech difficulty,
  time to call 911.
- NIMH and the 988 Suicide & Crisis Lifeline: talking about wanting to die or to kill oneself,
  self-harm.
- ACOG urgent maternal warning signs: vaginal bleeding in pregnancy, leaking fluid, decreased
  fetal movement, severe headache.
- AAP: fever (100.4 °F / 38 °C or higher) in an infant younger than 3 months needs urgent care.
- Anaphylaxis (ACAAI): throat tightness or swelling of lips, tongue or throat, trouble breathing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from closeloop.lib.textnorm import normalize

_BABY = r"(?:baby|babys|infant|newborn|new born|\d+ (?:day|days|week|weeks|wk|wks|month|months|mo) old|bebe|bebito|bebita|recien nacid[oa]|nin[oa] de (?:un|dos|\d+) (?:mes|meses|semanas?))"
_FEVER = r"(?:fever|feaver|temp(?:erature)?|burning up|very hot|fiebre|calentura|temperatura)"

#: group -> patterns on normalised text (lower case, no accents, no punctuation).
RED_FLAGS: dict[str, list[str]] = {
    "chest_pain": [
        r"chest (?:pain|pian|pains|hurts?|hurting|pressure|tightness|discomfort)",
        r"(?:pain|pressure|tightness|squeezing|heaviness) (?:in|on) (?:my |his |her |the )?chest",
        r"chest (?:feels|is|felt) (?:tight|heavy|crushed|like)",
        r"(?:sitting|weight) on (?:my |his |her )?chest",
        r"heart attack",
        r"chest has been hurting",
        r"dolor (?:de|en el) pecho",
        r"duele (?:mucho )?el pecho",
        r"presion (?:en el|de) pecho",
        r"opresion (?:en el|de) pecho",
        r"infarto",
    ],
    "breathing": [
        r"(?:cant|cannot|can not|unable to) (?:breathe|breath|catch (?:my|his|her) breath|get air)",
        r"short(?:ness)? of breath",
        r"(?:trouble|difficulty|hard time|struggling|problems?) (?:breathing|to breathe|breathing)",
        r"\bgasping\b",
        r"(?:not|isnt|stopped|quit) breathing",
        r"no (?:esta )?respira(?:ndo)?\b",
        r"dejo de respirar",
        r"lips (?:are |is )?(?:turning |going )?(?:blue|purple)",
        r"(?:no puedo|no puede|no podemos) respirar",
        r"(?:me|le) falta el aire",
        r"falta de aire",
        r"dificultad para respirar",
        r"(?:me|se) (?:ahoga|ahogo)",
        r"labios morados",
    ],
    "stroke": [
        r"face (?:is |looks )?(?:drooping|droopy|dropping|drooped)",
        r"droop(?:ing|y)? (?:face|mouth|smile)",
        r"face looks droopy",
        r"slurr(?:ed|ing) (?:his |her |my )?(?:speech|words)",
        r"talking funny",
        r"(?:cant|cannot) (?:lift|raise|move) (?:his|her|my) (?:right |left )?arm",
        r"sudden (?:numbness|weakness)",
        r"numb(?:ness)? on (?:one|the left|the right|left|right) side",
        r"\bstroke\b",
        r"se (?:le|me) (?:cayo|callo) la cara",
        r"cara (?:caida|chueca|torcida)",
        r"boca (?:chueca|torcida)",
        r"no puede hablar bien",
        r"habla (?:arrastrada|raro|rara)",
        r"derrame cerebral",
        r"\bembolia\b",
    ],
    "bleeding": [
        r"bleed(?:ing)? (?:wont|will not|doesnt|does not|dont|isnt|is not|not) stop",
        r"(?:cant|cannot) stop (?:the )?bleeding",
        r"bleeding (?:a lot|heavily|badly|so much|everywhere)",
        r"(?:heavy|severe|uncontrolled) bleeding",
        r"soaking (?:through )?(?:a )?pad",
        r"(?:throwing up|vomiting|coughing up|spitting up) blood",
        r"no (?:para|deja) de sangrar",
        r"sangrado que no (?:para|se detiene)",
        r"sangra (?:mucho|demasiado)",
        r"mucha sangre",
        r"(?:vomitando|tosiendo|escupiendo) sangre",
    ],
    "unconscious": [
        r"passed out",
        r"\bfaint(?:ed|ing)?\b",
        r"pass out",
        r"unconscious",
        r"(?:wont|will not|doesnt) wake up",
        r"unresponsive",
        r"blacked out",
        r"\bcollapsed\b",
        r"se (?:desmayo|desmayaba|desmaya)",
        r"desmayo",
        r"perdio el conocimiento",
        r"\binconsciente\b",
        r"no despierta",
    ],
    "allergic_reaction": [
        r"throat (?:is )?(?:closing|swelling|swollen|tight)",
        r"(?:tongue|lips?|face) (?:and (?:tongue|lips?|face) )?(?:is |are )?(?:swelling|swollen)",
        r"anaphyla",
        r"(?:severe|bad|serious) allergic reaction",
        r"allergic reaction.{0,40}(?:swallow|breath|swell|hives)",
        r"\bepi ?pen\b",
        r"se (?:me|le) (?:esta )?cerrando la garganta",
        r"garganta cerrada",
        r"se (?:me|le) hincho (?:la lengua|la cara|la garganta|los labios)",
        r"reaccion alergica (?:fuerte|grave|severa)",
    ],
    "suicidal": [
        r"kill(?:ing)? (?:my ?self|himself|herself)",
        r"end (?:my|his|her) (?:own )?life",
        r"suicid",
        r"want(?:s)? to die",
        r"(?:dont|do not|dont) want to (?:live|be alive)",
        r"hurt(?:ing)? (?:my ?self|himself|herself)",
        r"self ?harm",
        r"cutting (?:my ?self|himself|herself)",
        r"quitar(?:me|se|le) la vida",
        r"suicidar",
        r"matarme",
        r"no quiero (?:vivir|seguir viviendo)",
        r"hacerme dano",
        r"me quiero morir",
    ],
    "severe_pain": [
        r"worst (?:headache|pain) (?:of|in) (?:my|his|her) life",
        r"sudden (?:and )?(?:severe|terrible|intense|extreme) (?:pain|headache)",
        r"(?:pain|headache) (?:is )?(?:unbearable|excruciating)",
        r"(?:unbearable|excruciating) pain",
        r"pain\b.{0,30}\b(?:is |so )?(?:unbearable|excruciating)",
        r"severe (?:abdominal|stomach|belly) pain",
        r"dolor (?:insoportable|terrible de repente)",
        r"el peor dolor de cabeza",
        r"peor de mi vida",
    ],
    "pregnancy": [
        r"pregnant.{0,40}(?:bleed|blood|not moving|isnt moving|stopped moving|contractions|water broke|leaking)",
        r"(?:bleed|blood|baby (?:isnt|is not|not|stopped) moving).{0,40}pregnant",
        r"water broke",
        r"embarazada.{0,40}(?:sangr|no se mueve|contracciones|se me rompio la fuente)",
        r"se (?:me )?rompio la fuente",
        r"bebe no se mueve",
    ],
    "infant_fever": [
        _BABY + r".{0,40}" + _FEVER,
        _FEVER + r".{0,40}" + _BABY,
    ],
}

NEGATIONS = frozenset(
    {
        "no", "not", "denies", "denied", "without", "never", "isnt", "wasnt", "dont",
        "doesnt", "didnt", "sin", "niega", "nunca", "ni",
    }
)  # fmt: skip
#: "ya no esta sangrando", "no longer bleeding", "not bleeding anymore" (a negation a few
#: words before the match).
NEGATION_WINDOW = 3
_COMPILED = {group: [re.compile(p) for p in patterns] for group, patterns in RED_FLAGS.items()}


@dataclass(frozen=True)
class RedFlag:
    group: str
    matched: str


def _negated(normalised: str, start: int) -> bool:
    before = normalised[:start].split()[-NEGATION_WINDOW:]
    # "I don't have chest pain" / "no tengo dolor de pecho": the negation may be 1-3 words back.
    return any(word in NEGATIONS for word in before)


def find_red_flags(text: str) -> list[RedFlag]:
    """Every red-flag group the text mentions without negating it."""
    normalised = normalize(text)
    found = []
    for group, patterns in _COMPILED.items():
        for pattern in patterns:
            match = next(
                (m for m in pattern.finditer(normalised) if not _negated(normalised, m.start())),
                None,
            )
            if match:
                found.append(RedFlag(group=group, matched=match.group(0)))
                break
    return found
