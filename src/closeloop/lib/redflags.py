"""Red flags: urgent symptoms in English and Spanish, caught at intake. Pure Python.

Recall matters more than precision: a false alarm costs a nurse a minute, a miss can cost a life.
Patients rarely say "chest pain": they say their heart hurts, something squeezes their chest,
they can hardly get air in. So flags are **concepts**, not phrases: a body site near a
sensation ("my heart is on fire", "a weight on my chest", "squeezing my lungs"), a function
that is lost ("can't take a breath", "won't wake up", "can't swallow"), severity and onset
("worst headache of my life", "bleeding that won't stop"), in either order and a few words apart.
Words are matched after normalising (lower case, no accents) and correcting near-misses of the
concept words (one letter off: "cheast", "breth", "sangrando"), as typed or as heard by
speech-to-text.

Context is read the way ConText/NegEx reads clinical notes (Chapman et al., 2001 and 2009):
within the clause of the match, a negation a few words before it ("no chest pain", "sin dolor
de pecho", "denies"), a history cue ("history of", "last year", "my father had a heart
attack"), or a hypothetical ("what should I do if", "qué hago si", "signs of") means the
flag is not an emergency now. Clauses end at sentence punctuation and at "but" / "pero".

Each flag says which words decided it.

Sources for the warning signs (public lists):
- ACEP, "Warning signs of a medical emergency": chest or upper-abdominal pain or pressure,
  fainting, sudden dizziness or weakness, difficulty breathing, sudden severe pain, bleeding
  that will not stop, coughing or vomiting blood, suicidal or homicidal feelings, changes in
  vision or speech, unusual abdominal pain.
- CDC, "Heart attack symptoms"; AHA/ASA stroke signs (BE FAST).
- NIMH and the 988 Suicide & Crisis Lifeline, "warning signs of suicide": talking about wanting
  to die, being a burden to others, having no reason to live, ending it all.
- Poison Control / SAMHSA: taking too much of a medicine (overdose) is an emergency.
- ACOG urgent maternal warning signs; AAP fever in an infant under 3 months.
- Anaphylaxis (ACAAI): throat tightness, swelling of lips, tongue or throat, trouble breathing.
- American Association of Endodontists and ADA dental emergencies: a knocked-out permanent
  tooth (minutes matter), swelling of the face, eye, neck or floor of the mouth with a tooth
  infection, trouble swallowing or breathing, bleeding after an extraction that will not stop.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # reading our own patterns for the words they begin with
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from closeloop.lib.textnorm import deletions, normalize

#: Every plain word of four letters or more the vocabularies name: a letter doubled by
#: transcripts and thumbs is undone (``correct``), so a word added to a vocabulary is also
#: recognised damaged.
LEXICON_WORDS: set[str] = set()


def _words(*alternatives: str) -> str:
    for alternative in alternatives:
        # "words?" names both forms
        if alternative.endswith("s?") and alternative[:-2].isalpha():
            LEXICON_WORDS.update({alternative[:-2], alternative[:-1]})
        _learn_words(alternative)
    return "(?:" + "|".join(alternatives) + ")"


_ESCAPE = re.compile(r"\\[a-zA-Z][*+?]?")
_PLAIN_WORD = re.compile(r"(?<![a-z])[a-z]{4,}(?![a-z?*+{\[(])")


def _learn_words(pattern: str) -> None:
    """The plain words of a pattern (not stems, not optional letters) join ``LEXICON_WORDS``."""
    LEXICON_WORDS.update(_PLAIN_WORD.findall(_ESCAPE.sub(" ", pattern)))


# fmt: off
# --- concept vocabularies (normalised: lower case, no accents) ---------------------------------

HEART_SITE = _words(
    r"chest", r"chests", r"heart", r"hearts", r"breastbone", r"breast bone", r"sternum", r"pecho",
    r"corazon", r"torax", r"esternon", r"sternon",
)
#: The ribs: chest pain when the sensation is pressure-like or piercing, or goes through or
#: behind them (a sore rib after a fall is not an emergency; "a vice on my ribs" is).
RIB_SITE = _words(r"ribs?", r"rib ?cage", r"costillas?")
RIB_SENSATION = _words(
    r"pressure", r"pressing", r"squeez\w*", r"tight\w*", r"crush\w*", r"heavy", r"heaviness",
    r"weight", r"stab(?!le\b|ili)\w*", r"vise", r"vice", r"clamp\w*", r"band", r"needles?", r"knife",
    r"presion", r"apriet\w*", r"aprieta\w*", r"oprim\w*", r"opresion", r"prensa", r"peso",
    r"pesad\w*", r"punzada\w*", r"aguja\w*", r"clavad\w*", r"cuchill\w*", r"estruja\w*",
    r"punalad\w*", r"navaj\w*", r"dagger", r"daga",
)
#: A body site other than a wound that can bleed and not stop.
BLEED_SITE = _words(
    r"nose", r"noses", r"nostrils?", r"gums?", r"mouth", r"ears?", r"nariz", r"naris", r"narices",
    r"encias?", r"ensias?", r"boca", r"oidos?",
)
SENSATION = _words(
    r"pains?", r"painful", r"hurts?", r"hurting", r"hurted", r"aches?", r"aching", r"achy",
    r"pressure", r"pressing", r"squeez\w*", r"tight\w*", r"burn\w*", r"fire", r"crush\w*",
    r"heavy", r"heaviness", r"weight", r"stab(?!le\b|ili)\w*", r"sharp", r"claw\w*", r"grip\w*", r"vise",
    r"vice", r"elephant", r"sitting on", r"killing me", r"explod\w*", r"explos\w*", r"ripping", r"tearing",
    r"dolor", r"dolores", r"duele", r"duelen", r"doliendo", r"doler", r"presion", r"apret\w*",
    r"aprieta", r"ardor", r"arde", r"quema", r"quemando", r"pesad\w*", r"peso", r"punzada\w*",
    r"opresion", r"oprime", r"estruja\w*", r"explota", r"estallar", r"estalla", r"reventar",
    r"needles?", r"knife", r"knives", r"band", r"clamp\w*", r"aguja\w*", r"clavad\w*",
    r"cuchill\w*", r"prensa", r"aprieta\w*", r"aplast\w*", r"pesa", r"fist", r"pun[oi]",
    r"punz\w*", r"atraves\w*", r"fierro", r"estaca", r"spear", r"pinch\w*", r"piquete\w*",
    r"cav\w* in", r"caved", r"collaps\w*", r"implod\w*", r"punalad\w*", r"navaj\w*",
    r"dagger", r"daga",
)
BREATH = _words(
    r"breathe?", r"breathing", r"breaths", r"respirar", r"respiro", r"respira", r"respirando",
    r"el aire",
    r"aliento", r"respiracion", r"resuello",
)
LUNGS = _words(r"lungs?", r"pulmon", r"pulmones")
CANNOT = _words(
    r"cant", r"cannot", r"can not", r"couldnt", r"could not", r"unable to", r"not able to",
    r"hardly", r"barely", r"struggl\w*", r"trouble", r"difficult\w*", r"hard time", r"hard to",
    r"hard", r"problems?", r"short(?:ness)? of", r"no (?:air|oxygen) (?:gets?|getting|coming)",
    r"wont", r"will not", r"doesnt", r"does not", r"no puedo", r"no puede", r"no podia",
    r"no (?:consigo|consigue|logro|logra)",
    r"no pudo", r"no podemos", r"casi no", r"apenas", r"me cuesta", r"le cuesta", r"cuesta",
    r"dificultad(?:es)? para", r"falta(?: de)?", r"no (?:me |le )?entra", r"no (?:esta|estan)",
    r"fight\w*", r"battle", r"effort", r"labou?red", r"esfuerzo", r"lucha\w*", r"work\w* (?:hard )?to",
)
FACE = _words(r"face", r"mouth", r"smile", r"cara", r"boca", r"rostro")
DROOP = _words(
    r"droop\w*", r"drop\w*", r"sag\w*", r"crooked", r"lopsided", r"uneven", r"asymmetric\w*",
    r"melt\w*", r"slid\w*", r"slipp\w*", r"derret\w*", r"chueque\w*",
    r"twisted", r"caid[ao]", r"cayo", r"chuec[ao]", r"torcid[ao]", r"paralizad[ao]", r"de lado",
    r"ladead[ao]", r"desviad[ao]",
)
SPEECH = _words(
    r"speech", r"talk\w*", r"speak\w*", r"words", r"hablar", r"habla", r"hablando", r"palabras",
    r"lengua", r"tongue",
)
SPEECH_WRONG = _words(
    r"slurr\w*", r"garbled", r"gibberish", r"arrastr\w*", r"enredad[ao]", r"trabad[ao]", r"traba",
    r"no se le entiende", r"(?:come|comes|coming|came) out wrong", r"mixed up", r"jumbled",
    r"nonsense", r"incoheren\w*", r"moch[ao]", r"sin sentido", r"no tienen? sentido", r"off",
    r"weird", r"strange", r"rar[ao]", r"mush\w*", r"thick",
)
ONE_SIDE = _words(
    r"one side", r"left side", r"right side", r"half (?:of )?(?:my |his |her )?(?:face|body)",
    r"un lado", r"lado (?:izquierdo|derecho)", r"la mitad", r"medio cuerpo", r"media cara",
)
LIMB = _words(r"arms?", r"legs?", r"hand", r"side", r"brazo", r"pierna", r"mano", r"lado")
WEAK = _words(
    r"weak\w*", r"numb(?!er)\w*", r"dead", r"limp", r"cant (?:lift|move|raise|feel)",
    r"entum\w*", r"tingl\w*", r"hormigue\w*", r"paraliz\w*",
    r"cannot (?:lift|move|raise|feel)", r"debil", r"adormecid[ao]", r"dormid[ao]", r"durmio",
    r"no (?:(?:lo|la|los|las|me|le|se) )?(?:puede|puedo) mover", r"no (?:(?:lo|la|los|las|me|le) )?(?:siente|siento)",
)
SUDDEN = _words(
    r"sudden\w*", r"all of a sudden", r"out of nowhere", r"just now", r"de repente", r"derrepente",
    r"de golpe", r"repentin[ao]", r"all at once", r"out of the blue", r"de la nada",
    r"de un momento a otro", r"de pronto", r"in (?:a|one|1) (?:second|sec)", r"en un segundo",
    r"de un segundo a otro", r"instant\w*", r"within seconds", r"en segundos", r"subit[oa]", r"subitamente",
)
BLEED = _words(
    r"bleed\w*", r"bled", r"blood", r"bloody", r"blod", r"blud", r"hemorrhag\w*", r"sangr\w*", r"sangre", r"hemorragia",
)
UNSTOPPABLE = _words(
    r"wont stop", r"will not stop", r"doesnt stop", r"does not stop", r"dont stop",
    r"(?:wont|doesnt|dont|will not|does not|isnt|not|cant get it to) (?:quit|let up|slow down|ease up|stop)\w*",
    r"un monton", r"bastante", r"a lot",
    r"isnt stopping", r"not stopping", r"cant stop", r"cannot stop", r"cant get it to stop",
    r"keeps? (?:on )?(?:coming|going|bleeding)", r"a lot", r"so much", r"lots of", r"heavy",
    r"heavily", r"badly", r"everywhere", r"pouring", r"gushing", r"soak\w*", r"all over",
    r"for hours", r"no (?:para|paraba|deja|se detiene|se quita|se para)", r"mucha", r"mucho",
    r"demasiad[ao]", r"chorros", r"por horas", r"still", r"keeps?", r"non ?stop",
    r"(?:an|one|two|three|half an|\d+) (?:hours?|hrs?|minutes|mins)", r"sigue\w*",
    r"sin parar", r"todavia", r"no se (?:le |me )?(?:quita|para|detiene|corta)", r"muchisim[ao]",
    r"no (?:dej|par)(?:a|o|aba) de", r"(?:toda la|en toda la) (?:noche|tarde|manana)", r"all (?:night|day|morning)", r"empap\w*", r"chorr\w*", r"borbotones", r"a mares", r"escurr\w*",
    r"abundante\w*", r"spurt\w*", r"squirt\w*", r"gush\w*",
    r"(?:una|media|dos|tres|\d+) (?:horas?|hrs?|minutos|min)", r"hace rato", r"desde (?:hace|ayer|anoche)",
)
COUGH_UP = _words(
    r"throw\w* up", r"threw up", r"vomit\w*", r"cough\w* up", r"coughing", r"spit\w* up",
    r"puk\w*", r"hack\w* up", r"bring\w* up", r"brought up", r"vomitando", r"vomito", r"vomite",
    r"vomita", r"tosiendo", r"toso", r"tosi", r"tose", r"tosio", r"toser", r"tos", r"escup\w*", r"devolv\w*",
    r"arroj\w*",
    # blood in what is coughed up (hemoptysis)
    r"phlegm", r"mucus", r"sputum", r"flemas?", r"gargajos?", r"esputo",
)
#: Blood brought up that looks like coffee grounds (digested blood).
COFFEE_GROUNDS = _words(
    r"coffee grounds?", r"posos de cafe", r"borra de cafe", r"cafe molido", r"asientos de cafe",
    r"(?:looks? |looked |looking )?like coffee(?: grounds?)?", r"como (?:el )?cafe(?: molido)?",
)
SWELL = _words(
    r"swell\w*", r"swollen", r"puff\w*", r"hinch\w*", r"inflamad[ao]", r"inflamacion",
)
SPREAD_SITE = _words(
    r"eyes?", r"neck", r"throat", r"under (?:my |his |her |the )?tongue",
    r"floor of (?:my |the )?mouth", r"jaw", r"ojos?", r"cuello", r"garganta",
    r"debajo de la lengua", r"mandibula", r"quijada", r"(?:whole|entire) face", r"toda la cara",
    r"la cara entera",
)
TOOTH = _words(
    r"tooth", r"teeth", r"molar", r"wisdom", r"abscess\w*", r"dental", r"dentist", r"gums?",
    r"extraction", r"pulled", r"diente", r"dientes", r"muela", r"muelas", r"absceso", r"encia",
    r"extraccion", r"sacaron", r"root canal", r"endodoncia", r"implant\w*", r"crown", r"corona",
)
SWALLOW = _words(
    r"swallow\w*", r"tragar", r"trago", r"traga", r"pasar (?:ni )?(?:la )?(?:saliva|comida|agua|nada)",
    r"get (?:anything|food|water|liquids?) down", r"keep (?:anything|water|liquids?) down",
)
PILLS = _words(
    r"pills?", r"tablets?", r"meds", r"medicine", r"medications?", r"bottle", r"capsules?",
    r"tylenol", r"advil", r"ibuprofen", r"acetaminophen", r"opioids?", r"oxy\w*", r"pastillas?",
    r"tabletas?", r"medicinas?", r"medicamentos?", r"frasco", r"pildoras", r"paracetamol",
    r"pastiyas?",
    r"insulin", r"insulina", r"syrup", r"jarabe", r"caja", r"box", r"packet", r"pack",
    r"gummies", r"vitamins", r"dose", r"dosis", r"sleeping tablets", r"sleeping pills",
    r"painkillers?", r"aspirin", r"aspirina", r"benadryl", r"xanax", r"melatonin",
    r"vitaminas", r"gomitas", r"suplementos?", r"supplements?", r"pill (?:organi[sz]er|box)",
    r"pillbox", r"pastillero", r"methadone", r"metadona", r"clonazepam", r"benzos?",
    r"fentanyl", r"fentanilo", r"morphine", r"morfina", r"percocet", r"norco", r"lorazepam",
)
TOO_MANY = _words(
    r"too many", r"too much", r"a bunch of", r"a handful of", r"the whole",
    r"all (?:of )?(?:my|the|his|her)", r"a lot of", r"double", r"demasiad[ao]s?",
    r"muchas?", r"todas? (?:las|sus|mis)", r"todo el", r"un punado de",
    r"way (?:more|too many|too much)", r"more (?:\w+ )?than (?:i|he|she|you|they) (?:should|was supposed)",
    r"toda (?:la|una|mi|su)", r"un monton de", r"entera", r"enteras?", r"enteros?", r"mas de la cuenta",
    r"whole", r"dozens? of", r"(?<!\d )(?:1\d|[2-9]\d)(?! \d)", r"el doble", r"doble", r"triple", r"el triple",
    r"me pase con", r"se paso con", r"me excedi con", r"se excedio con",
    r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|dozens?|diez|doce|trece|catorce|quince|dieci\w+|veinte|veinti\w+|treinta|cuarenta|cincuenta|docenas?)",
    r"(?:half|most) (?:of )?(?:a|the|my|his|her) (?:bottle|box|pack)", r"(?:medio|la mitad del?) (?:frasco|caja|bote)",
)

#: Something heavy or gripping on the chest (a metaphor of pressure): any verb will do.
HEAVY_THING = _words(
    r"elephant", r"truck", r"car", r"brick", r"bricks", r"boulder", r"rock", r"anvil", r"piano",
    r"ton of bricks", r"someone", r"somebody", r"fist", r"belt", r"band", r"vi[sc]e", r"clamp",
    r"elefante", r"camion", r"carro", r"piedra", r"losa", r"ladrillos?", r"alguien", r"un puno",
    r"cinturon", r"faja",
)
#: Where a heart attack is felt besides the chest: the left arm, the jaw.
RADIATION_SITE = _words(r"left arm", r"brazo izquierdo", r"jaw", r"mandibula", r"quijada")
RADIATION_FEEL = _words(
    r"numb\w*", r"tingl\w*", r"pain\w*", r"hurts?", r"aches?", r"heavy", r"dead",
    r"dormid[ao]", r"duerme", r"durmio", r"adormec\w*", r"hormigue\w*", r"duele", r"dolor",
    r"pesad[ao]",
)
CARDIAC_COMPANION = _words(
    r"chest", r"heart", r"sweat\w*", r"clammy", r"short of breath", r"nause\w*",
    r"pecho", r"corazon", r"sud\w*", r"nause\w*", r"vomit\w*", r"mare\w*", r"dizzy",
    r"gr[ae]y", r"ashen", r"pale", r"palid[ao]", r"gris", r"cenizo",
)
#: Loss of sight, above all in one eye: a stroke sign.
VISION_LOSS = _words(
    r"(?:lost|losing|lose|loss of) (?:the |his |her |my |all )?(?:vision|sight|eyesight)",
    r"(?:cant|cannot|couldnt|can not) see (?:out of|from|with|in) (?:one|his|her|my|the|her left|her right|his left|his right|my left|my right|the left|the right) ?(?:eye)?",
    r"(?:went|gone|going|is) blind", r"blind in (?:one|his|her|my|the|the left|the right) (?:left |right )?eye",
    r"curtain (?:over|across|coming down)", r"perdi\w* la (?:vista|vision)",
    r"no (?:ve|veo|puede ver|puedo ver) (?:nada )?(?:de|con|por) (?:un|el|este|mi|su) (?:ojo|lado)",
    r"se (?:quedo|esta quedando|me quedo|le quedo) ciego", r"cieg[ao] de un ojo",
    r"se (?:le|me) (?:nublo|apago|fue) la vista",
    r"(?:went|gone|going|goes|turned|turning|is) (?:all |completely )?(?:black|dark|grey|gray|dim|white|blank) (?:in|out of|from|on) (?:\w+ ){0,2}?eye",
    r"(?:deje|dejo|dejaste|dejamos|dejaron) de ver", r"(?:stopped|stop) seeing",
    r"eye (?:\S+ ){0,2}?(?:went|has gone|is going|going|turned|goes|is) (?:all |completely )?(?:black|dark|grey|gray|dim|blank|white)",
    r"(?:ojo|vista) (?:\S+ ){0,2}?(?:se (?:me |le )?)?(?:puso|pone|quedo|fue) (?:todo |toda )?(?:negr[ao]|oscur[ao]|en negro|en blanco)",
    r"no (?:veo|ve|puedo ver|puede ver) nada (?:de|del|con|por) (?:un |el |este |mi |su )?(?:ojo|lado)",
    r"no (?:veo|ve|puedo ver|puede ver) (?:nada )?del (?:ojo|lado)",
    r"se (?:me|le) (?:puso|pone|fue) (?:todo )?(?:negro|oscuro|gris|blanco) (?:el ojo|la vista|un ojo|de un ojo)",
)
#: A limb that gave out: a stroke sign when a second sign comes with it.
LIMB_GONE = _words(
    r"(?:arm|leg|hand|foot|brazo|pierna|mano|pie) (?:just |suddenly )?(?:stopped|quit|wont|isnt|dejo de) (?:working|work|funcionar|responder)",
    r"(?:drag\w*|arrastr\w*) (?:his |her |my |one |la |su |el |una )?(?:foot|leg|pie|pierna)",
    r"(?:arm|leg|hand|side|foot|brazo|pierna|mano|lado|pie)(?:\s+\S+){0,2}? (?:just |suddenly |all of a sudden )?(?:went|gone|goes|gave|giving|feels|is|se (?:le|me) )?(?:weak|dead|numb|limp|out|heavy|useless|durmio|duerme|dormid[ao]|adormecid[ao]|debil|muert[ao]|no responde)",
)
NEURO_COMPANION = _words(
    r"confus\w*", r"face", r"mouth", r"smile", r"words?", r"speech", r"talk\w*", r"speak\w*",
    r"vision", r"see", r"dizz\w*", r"balance", r"walk\w*", r"sudden\w*", r"just", r"cara",
    r"boca", r"habla\w*", r"palabras", r"vista", r"ver", r"mare\w*", r"equilibrio",
    r"caminar", r"confundid[ao]", r"de repente", r"ojo",
)
#: A seizure: shaking or jerking with what makes it one (stiff, not responding, eyes rolled).
SHAKE = _words(
    r"shak\w*", r"jerk\w*", r"twitch\w*", r"trembl\w*", r"convuls\w*", r"tembl\w*",
    r"sacud\w*", r"brinc\w*", r"spasm\w*", r"espasmos?",
)
SEIZURE_SIGN = _words(
    r"(?:wont|doesnt|not|isnt|cant) (?:respond\w*|answer\w*|react\w*)", r"unresponsive",
    r"eyes (?:rolled|rolling|roll) (?:back|up)", r"foam\w*", r"stiff\w*", r"rigid\w*", r"all over",
    r"uncontrollabl\w*", r"on the floor", r"(?:to|on) the ground", r"drool\w*", r"babe\w*",
    r"whole body", r"ties[oa]", r"rigid[oa]", r"dur[oa]",
    r"no (?:contesta|responde|reacciona)", r"ojos en blanco", r"espuma", r"entero", r"entera",
    r"todo el cuerpo", r"todo", r"toda", r"todito", r"en el (?:piso|suelo)", r"sin control",
    r"se le (?:voltearon|fueron|pusieron en blanco|torcieron) los ojos",
)
WOUND = _words(
    r"cut", r"cuts", r"gash\w*", r"lacerat\w*", r"wound", r"sliced", r"stabbed", r"herida",
    r"cortada", r"cortadura", r"corte", r"cortaron", r"corto", r"tajo", r"punalada",
)
WOUND_ALARM = _words(
    r"soak\w*", r"gush\w*", r"pour\w*", r"spurt\w*", r"squirt\w*", r"everywhere", r"pump\w*",
    r"(?:wont|doesnt|will not|does not|isnt|not) stop\w*", r"empap\w*", r"chorr\w*",
    r"borbotones", r"no (?:deja|para) de (?:sangrar|salir|echar)", r"through (?:the |my |his |her )?(?:towels?|bandages?|gauze|shirt)",
)
SOAK_ITEM = _words(
    r"towels?", r"paper towels?", r"pads?", r"gauze", r"bandages?", r"dressing", r"tampons?",
    r"jeans", r"pants", r"sheets?", r"clothes", r"shirt", r"mattress", r"sabanas?", r"ropa",
    r"pantalon\w*", r"colchon",
    r"toallas?", r"gasas?", r"vendas?", r"vendaje", r"trapos?", r"kotex", r"tampones?",
    r"compresas?", r"toallitas?", r"maxi ?pads?", r"nocturnas?", r"panales?", r"diapers?",
)
STOOL = _words(
    r"stools?", r"poop\w*", r"bowel movements?", r"bm", r"heces", r"popo", r"caca", r"evacua\w*",
    r"excremento", r"pupu", r"deposicion\w*",
)
TARRY = _words(
    r"black", r"tarry", r"tar", r"tar like", r"like tar", r"negr[ao]s?", r"chapopote", r"alquitran",
    r"petroleo",
)
#: Things a child (or anyone) must not swallow: cleaners, poisons, fuels, batteries.
TOXIC = _words(
    r"bleach", r"cloro", r"clorox", r"cloralex", r"lejia", r"detergent\w*", r"dish soap", r"soap",
    r"jabon", r"cleaners?", r"limpiador\w*", r"antifreeze", r"anticongelante", r"gasoline",
    r"gasolina", r"kerosene?", r"queroseno", r"thinner", r"tiner", r"rat poison", r"veneno",
    r"raticida", r"matarratas", r"pesticid\w*", r"insecticid\w*", r"plaguicida", r"poison",
    r"batter(?:y|ies)", r"magnets?", r"imanes", r"pods?", r"fabuloso", r"pinol", r"ammonia",
    r"amoniaco", r"rubbing alcohol", r"dishwasher pods?", r"dishwasher", r"nail polish remover", r"acetona", r"lighter fluid",
    r"lamp oil", r"nicotin[ae]", r"vape (?:juice|liquid)", r"drain cleaner", r"mushrooms?",
    r"hongos", r"pilas?", r"pilitas?", r"baterias?", r"coins?", r"monedas?", r"degreaser",
    r"desengrasante", r"caustic\w*", r"caustica", r"lye", r"sosa", r"solvents?", r"disolvente",
    r"paint thinner", r"aguarras", r"herbicid\w*", r"weed killer", r"roundup", r"fertili[sz]er",
    r"fertilizante", r"washer fluid", r"methanol", r"metanol", r"hand sanitizer", r"gel antibacterial",
    r"essential oils?", r"aceites? esencial\w*", r"edibles?", r"cigarettes?", r"cigarros?", r"colillas?",
    r"oven cleaner", r"pool (?:chemicals?|chlorine)", r"insect repellent", r"repelente",
    # detergent pods and cleaning products by their names and shapes
    r"(?:laundry|washing|detergent|dishwasher|tide) (?:capsules?|tabs?|tablets?|gel|liquid|pacs?|packets?|pouch\w*)",
    r"capsulas? (?:de|del|para (?:la |el )?)(?:detergente|jabon|ropa|lavadora|lavavajillas|lavaplatos)",
    r"(?:pastillas?|tabletas?) (?:de|del|para (?:el |la )?)(?:lavavajillas|lavaplatos|lavadora|cloro)", r"lavavajillas",
    r"drano", r"windex", r"pine ?sol", r"lysol", r"suavizante", r"downy", r"febreze", r"air freshener",
    r"aromatizante", r"cleaning (?:spray|fluid|products?|solution|liquid)", r"productos? de limpieza",
    r"jabon (?:para|de) (?:trastes|ropa|platos|lavadora|lavar)", r"muriatic\w*", r"muriatico", r"salfuman",
)
INGEST = _words(
    r"chew\w*", r"bit", r"bite\w*", r"mastic\w*", r"mordi\w*", r"mordisc\w*",
    r"swallow\w*", r"ate", r"eaten", r"eat", r"drank", r"drunk", r"drink\w*", r"chugged",
    r"got into", r"in (?:his|her|their|my) mouth", r"sip\w*", r"lick\w*", r"bebio",
    r"tomo", r"trago", r"comio", r"se metio", r"a la boca", r"chupo", r"ingiri\w*", r"probo",
    r"trag\w*", r"comido", r"bebido", r"swigged", r"gulped",
)
ALLERGY_SWELL = _words(
    r"swell\w*", r"swollen", r"puff\w*", r"blow\w* up", r"blew up", r"ballon\w*",
    r"getting (?:big|bigger|huge|fat|fatter|thick)", r"thick\w*", r"huge", r"hinch\w*",
    r"inflamad[ao]s?", r"enormes?", r"gord[ao]s?", r"inflad[ao]s?",
)
THROAT_CLOSING = _words(
    r"clos\w*", r"tight\w*", r"narrow\w*", r"thick\w*", r"squeez\w*", r"cerr\w*", r"cierr\w*",
    r"apret\w*", r"estrech\w*",
)
HEAD_PAIN = _words(
    r"headache", r"head ache", r"head", r"dolor de cabeza", r"cabeza", r"jaqueca", r"migra\w*",
)
SEVERE = _words(
    r"severe", r"terrible", r"intense", r"extreme", r"excruciating", r"horrible", r"unbearable",
    r"worst", r"awful", r"splitting", r"explod\w*", r"explos\w*", r"split\w* open", r"burst\w*",
    r"muchisimo", r"fuertisimo", r"insoportable", r"tremend[ao]", r"espantos[ao]", r"brutal",
    r"fuerte", r"estallar", r"estalla", r"revent\w*", r"explot\w*", r"thunderclap",
    r"like (?:being )?(?:hit|struck|a gunshot|a bat|a hammer|a bomb)",
    r"like (?:someone|somebody|something) (?:hit|struck|smacked|punched|shot|kicked)",
    r"como (?:un )?(?:golpe|balazo|martillazo|trueno|bomba)",
)
PAIN_WORD = _words(
    r"pain", r"pains", r"hurts?", r"hurting", r"dolor", r"dolores", r"duele", r"duelen",
    r"ache", r"cramps?", r"cramping", r"colic\w*", r"colico",
)
UNBEARABLE = _words(
    r"unbearable", r"excruciating", r"insoportable", r"inaguantable", r"no (?:lo |la )?aguant\w*",
    r"cant (?:take|stand|bear) (?:it|the pain)", r"como nunca", r"never felt", r"never had",
    r"screaming", r"gritando", r"retorci\w*", r"doubled over", r"writhing", r"10 out of 10",
    r"10 10", r"10 de 10", r"ten out of ten", r"cannot bear", r"no puedo (?:ni )?(?:moverme|caminar|pararme)",
    r"cant (?:even )?(?:move|walk|stand up|straighten up|stand up straight)", r"on the floor",
    r"en el (?:piso|suelo)", r"rolling around", r"revolcando\w*",
    r"no (?:me )?(?:puedo|puede) (?:ni )?(?:moverme|mover|caminar|pararme|parar|enderezar\w*|levantar\w*)(?! (?:mucho|bien|rapido|lejos|tanto|largo))",
)
BELLY = _words(
    r"stomach", r"belly", r"abdomen", r"tummy", r"panza", r"barriga", r"estomago", r"vientre",
    r"pancita", r"guata",
)
RIGID = _words(
    r"hard as a (?:rock|board|stone)", r"rigid", r"like a board", r"rock hard", r"board like",
    r"dur[ao] como (?:una |la )?(?:piedra|tabla|roca|madera)", r"rigid[ao]", r"como tabla",
)
#: The week or month of a pregnancy said instead of "pregnant".
PREGNANT = _words(
    r"pregnant", r"(?<!last )(?<!previous )(?<!prior )(?<!first )(?<!other )pregnancy", r"embarazada", r"embarazo(?! anterior)", r"encinta", r"expecting",
    r"postpartum", r"post partum", r"gave birth", r"(?:had|delivered) (?:my|the|our|her) baby",
    r"(?:di|dio) a luz", r"(?:tuve|tuvo) (?:a )?(?:mi|su|el) (?:bebe|nene|nena)", r"parto", r"cesarea",
    r"c section", r"puerperio",
    r"(?:im|i am|shes|she is|estoy|esta|tengo|tiene) (?:de )?(?:\d+|\w+ty \w+|\w+ty|siete|ocho|nueve|seis|cinco|cuatro|tres) (?:weeks?|wks?|semanas|meses)",
    r"(?:\d+|twenty|thirty|forty)(?: \w+)? (?:weeks?|wks?) (?:along|pregnant)", r"(?:semanas|meses) de (?:embarazo|gestacion)",
    r"(?<!for )(?<!past )(?<!last )(?<!in )(?:[2-3]\d|4[0-2]) (?:weeks?|wks?|semanas)(?! ago| old)",
)
PREGNANCY_SIGN = _words(
    r"bleed\w*", r"blood", r"sangr\w*", r"spotting heavily", r"(?:not|isnt|stopped|hasnt|quit) (?:been )?(?:moving|kicking)",
    r"contractions?", r"contracciones", r"water broke", r"gush\w*", r"leak\w* (?:fluid|water)",
    r"fluid", r"liquido", r"fuente", r"(?:severe|bad|pounding|terrible|awful|horrible|splitting|strong|worst) headache",
    r"headache (?:that )?(?:wont|doesnt|will not) go away", r"seeing (?:spots|stars|lights|flashes)",
    r"spots", r"blurr\w* vision", r"vision", r"lucecitas", r"lucesitas", r"manchitas", r"vista borrosa",
    r"dolor de cabeza (?:muy )?(?:fuerte|terrible|horrible|que no se (?:quita|va))",
    r"no se mueve", r"(?:dejo de|no) (?:se )?(?:mueve|moverse|patea|patear)", r"no se ha (?:movido|mueve)",
    r"no (?:siento|he sentido|sentimos|noto|he notado) que (?:el |mi )?(?:bebe|nene|nena) se (?:mueva|mueve)",
    r"(?:hasnt|has not|havent|have not|not) (?:moved|kicked)",
    r"no (?:siento|he sentido|sentimos|hemos sentido|noto|he notado|notamos) (?:que )?(?:al |a mi |mi |el )?(?:bebe|nene|nena)",
    r"chorro de (?:agua|liquido)", r"(?:sale|salio|salido|saliendo) (?:\w+ ){0,3}?agua", r"water (?:is )?(?:leaking|gushing|trickling|coming out)",
    r"moj(?:o|e|ado|ada) (?:todo|toda|el|la|los|las)", r"soaked (?:my|her) (?:pants|underwear|jeans|bed)",
    r"no (?:puede|puedo) (?:ni )?(?:pararse|pararme|caminar|levantarse|levantarme|moverse|moverme)", r"(?:cant|can not|cannot) (?:even )?(?:stand|walk|get up)",
    r"(?:duele|dolor|hurts?|pain)\w* (?:\w+ ){0,3}?(?:bien feo|horrible|muchisimo|un chingo|so bad|really bad|terribl\w*)",
    r"(?:havent|hasnt|not|didnt|cant|no longer|dont) (?:felt|feel|feeling) (?:the |my |her |our )?baby",
    r"(?:moving|kicking|moves|kicks) (?:a lot |much )?less", r"se mueve (?:mucho |muy )?menos",
    r"(?:less|fewer|no) (?:movements?|kicks)", r"(?:menos|no hay) (?:movimientos?|patadas)",
    r"convuls\w*", r"seizure", r"(?:face|hands|cara|manos) (?:is |are )?(?:swollen|swelling|hinchad\w*)",
    r"hinchazon (?:de|en) (?:la cara|las manos)", r"(?:severe|bad|terrible|strong) (?:pain|cramps?)",
    r"dolor (?:muy )?(?:fuerte|terrible|insoportable)",
)
#: A blow to the head, and what makes it an emergency after it (vomiting, confusion, sleepiness).
HEAD_BLOW = _words(
    r"(?:hit\w*|bang\w*|bump\w*|smack\w*|whack\w*|struck|strik\w*|knock\w*|crack\w*|landed on|fell on|slam\w*) (?:his |her |my |their |the back of (?:his |her |my )?|the )?head",
    r"head (?:injury|trauma|wound)", r"concussion\w*", r"(?:hit|blow|knock|bump|kick) (?:to|on|in) the head", r"fell (?:down|off)(?:\s+\S+){0,4}? (?:on|onto) (?:his|her|my) head",
    r"(?:pego|golpeo|(?<=dio un )(?:golpe|madrazo|trancazo|guamazo|chingadazo)|lastimo|pegaron) (?:fuerte )?(?:en |con )?(?:la|su) cabeza",
    r"golpe (?:fuerte |duro )?en la cabeza", r"cayo de cabeza", r"traumatismo", r"conmocion",
    r"(?:pego|golpeo) (?:\S+\s+){0,3}?(?:en |con )?(?:la|su) cabeza",
)
HEAD_DANGER = _words(
    r"vomit\w*", r"throw\w* up", r"threw up", r"puk\w*", r"confus\w*", r"not making sense",
    r"pass\w* out", r"passed out", r"knocked out", r"unconscious", r"sleepy", r"drowsy",
    r"hard to wake", r"wont wake", r"seizure", r"bleed\w*", r"blood", r"clear fluid",
    r"pupils?", r"slurr\w*", r"(?:doesnt|cant|cannot|does not) remember", r"memory",
    r"vomit\w*", r"devolv\w*", r"confundid[ao]", r"desmay\w*", r"inconsciente",
    r"(?:muy |bien )?dormid[ao]", r"somnolient[ao]", r"no se acuerda", r"sangr\w*",
    r"no despierta", r"no (?:reconoce|responde|reacciona)", r"blood thinners?", r"anticoagula\w*",
    r"eliquis", r"warfarin\w*", r"xarelto", r"coumadin",
    r"(?:doesnt|does not|dont|didnt) know where", r"no sabe (?:donde|quien|que)", r"disorient\w*",
    r"desorientad[ao]", r"como ido", r"como ida", r"adormilad[ao]", r"chichon blando",
    r"(?:was|went|been|is) out (?:cold|for)", r"(?:asking|asks|repeat\w*) (?:the same (?:questions?|things?)|(?:him|her)self)",
    r"pregunta (?:lo mismo|las mismas cosas)", r"repite (?:lo mismo|las mismas)", r"no reconoce",
)

#: A burn (an event, not a burning feeling) and what makes it serious: where, how big, from what.
BURN_EVENT = _words(
    r"burned", r"burnt", r"burns",
    r"(?:a|an|the|electrical|electric|chemical|bad|big|serious|deep|(?:second|third|2nd|3rd) degree) burn", r"scald\w*", r"se quemo", r"me queme", r"quemaron", r"quemad[ao]",
    r"quemaduras?", r"se escaldo", r"escaldad[ao]",
)
BURN_SEVERE = _words(
    r"face", r"eyes?", r"hands?", r"genital\w*", r"groin", r"whole", r"entire", r"large",
    r"big", r"huge", r"chemical\w*", r"acid", r"electric\w*", r"boiling", r"hot oil", r"grease",
    r"fire", r"blister\w* (?:all over|everywhere)", r"charred", r"white", r"leathery",
    r"skin (?:is )?(?:peeling|coming) off", r"cara", r"ojos?", r"manos?", r"genitales", r"tod[ao]",
    r"entera", r"grande", r"enorme", r"quimic\w*", r"acido", r"electric\w*", r"hirviendo",
    r"aceite", r"fuego", r"incendio", r"ampollas?", r"piel (?:blanca|negra|se (?:le )?(?:cayo|desprendio))",
    r"cuello", r"neck", r"chest", r"pecho", r"arms?", r"legs?", r"brazos?", r"piernas?",
    r"(?:second|third|2nd|3rd) degree", r"(?:segundo|tercer) grado", r"outlet", r"enchufe",
)
#: Fever and what makes it meningitis or sepsis (stiff neck, confusion, a rash that won't fade).
FEVER_ANY = _words(
    r"fever\w*", r"feaver", r"temp", r"temperature", r"burning up", r"fiebre", r"calentura",
    r"temperatura",
)
FEVER_DANGER = _words(
    r"stiff neck", r"neck (?:is |feels )?(?:so |very |really |super )?(?:stiff|rigid)",
    r"(?:cant|cannot|can not) (?:look|bend) (?:down|forward)",
    r"(?:cant|cannot|wont|can not) (?:bend|move|touch|put|turn) (?:his |her |my )?(?:neck|chin|head)",
    r"confus\w*", r"not making sense", r"hard to wake", r"wont wake", r"(?:cant|cannot) wake",
    r"purple (?:spots|rash|dots|patches|blotches)", r"rash (?:that )?(?:doesnt|wont|does not|didnt) fade",
    r"cuello (?:tieso|rigido|duro)", r"no (?:puede|puedo) (?:doblar|mover|bajar|agachar) (?:el|la) (?:cuello|cabeza)",
    r"confundid[ao]", r"no (?:despierta|reacciona)", r"delira\w*", r"deliri\w*", r"incoheren\w*",
    r"manchas (?:moradas|rojas que no)", r"puntitos morados", r"ronchas moradas", r"petequias",
    r"como ido", r"como ida", r"no (?:me |nos )?reconoce", r"(?:doesnt|does not|didnt) recogni[sz]e",
    r"out of it", r"mottled", r"(?<=esta )id[ao]", r"(?<=como )id[ao]", r"(?:hablando|diciendo) (?:puras )?(?:cosas raras|incoherencias|tonterias)",
    r"no sabe (?:ni )?(?:donde|quien)", r"(?<=esta )perdid[ao]", r"(?<=anda )perdid[ao]", r"(?<=como )perdid[ao]", r"marmole\w*", r"not making sense", r"blotchy (?:skin|legs|arms)", r"(?:skin|piel) (?:is |esta |looks |se ve )?(?:mottled|marbled|blotchy|gr[ae]y|blu\w*|moteada|marmole\w*|jaspeada|manchada|azul\w*|gris\w*)",
    r"piel (?:moteada|jaspeada|marmorea)",
    r"(?:mollera|mollerita|fontanel\w*|soft spot)\b(?:\s+\S+){0,3}?\s+(?:abombad\w*|abultad\w*|hinchad\w*|salid\w*|bulg\w*|swollen|tense|tens[ao]|puffy|sticking out)",
    r"(?:salpullido|sarpullido|manchas|manchitas|ronchas|puntitos|rash|spots) morad[oa]s?",
    r"bulging (?:soft spot|fontanel\w*)", r"(?:llanto|grito) (?:muy )?agudo", r"high pitched (?:cry|crying|scream\w*)",
    r"(?:manchas|manchitas|puntitos|rash|spots|dots|ronchas)\b(?:\s+\S+){0,4}?\s+(?:que )?(?:no se (?:borran|quitan|desaparecen|blanquean|van)|(?:doesnt|dont|wont|do not|does not) (?:fade|blanch|go away|disappear))",
)
CHILD = _words(
    r"toddler", r"baby", r"kid", r"child", r"son", r"daughter", r"grandson", r"granddaughter",
    r"boy", r"girl", r"nino", r"nina", r"hijo", r"hija", r"bebe", r"nieto", r"nieta", r"chamaco",
    r"chamaca", r"nene", r"nena", r"chiquito", r"chiquita", r"peque\w*",
    r"(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten) (?:yr|year|yo|month|mo|week)s? old",
    r"(?:[1-9]|1[0-2]) (?:yo|y o)", r"de (?:[1-9]|1[0-2]|un|dos|tres|cuatro|cinco|seis) (?:anos|ano)",
)


#: Confusion or disorientation (a stroke sign when it came on suddenly).
CONFUSED = _words(
    r"confus\w*\b(?! (?:about|by|with|as to|over|regarding|on|if|whether|why|how|what))",
    r"confundid[ao]s?\b(?! (?:con|sobre|por|acerca|respecto))", r"disorient\w*", r"desorient\w*",
    r"no (?:me |nos |te |la |lo |le )?(?:reconoce|reconocia|conoce)", r"(?:doesnt|didnt|cant) recogni[sz]e",
    r"(?:doesnt|dont|didnt) know (?:where|who|what day)", r"no sabe (?:donde|quien|en que)",
    r"(?:talking|speaking|saying) nonsense", r"dice (?:puras )?(?:cosas sin sentido|incoherencias|tonterias)",
    r"(?<=como )id[ao]", r"perdid[ao] (?:en|y)", r"incoheren\w*", r"delira\w*",
)
#: When it started: suddenly, or a short while ago when all was well.
ONSET = _words(
    SUDDEN, r"(?:was|were|seemed) (?:fine|normal|ok|okay|perfectly fine)", r"(?:estaba|se veia|andaba) (?:bien|normal|perfect\w*)",
    r"(?:an?|one|two|three|\d+|half an) (?:hours?|hrs?|minutes|mins) ago", r"hace (?:un rato|unos minutos|unas horas|(?:una|media|dos|tres|\d+) (?:horas?|hrs?|minutos|min))",
    r"this (?:morning|afternoon|evening)", r"esta (?:manana|tarde|noche)", r"just (?:now|started|woke)",
    r"(?:woke|wakes|waking) up (?:like this|confused|that way)", r"(?:desperto|amanecio|se levanto) (?:asi|confundid[ao]|desorientad[ao])",
    r"out of (?:the )?blue", r"de la nada", r"since (?:lunch|breakfast|dinner|this)",
)
#: A glucose reading (the meter, the number).
GLUCOSE = _words(
    r"glucose", r"sugars?", r"azucar", r"glucosa", r"bg", r"bgl", r"reading", r"lectura", r"glucometer",
    r"glucometro", r"meter", r"cgm", r"dexcom", r"libre", r"glicemia", r"glucemia",
)

#: The neck that will not bend forward (meningism): stiff, rigid, the chin kept off the chest.
NECK_SIGN = _words(
    r"stiff (?:neck|nape)",
    r"necks? (?:is |feels |got |has gone |went |gone |has got )?(?:getting |going )?(?:so |very |really |super |all |real )?(?:stiff\w*|rigid)",
    r"(?:cant|cannot|can not|couldnt|unable to|wont|not able to) (?:bend|move|touch|put|bring|tuck|get|lower|drop) (?:his |her |my |their |the )?(?:neck|chin|head)(?: (?:down|forward|forwards|to (?:his|her|my|their|the) chest))?",
    r"(?:cant|cannot|can not|couldnt|unable to|wont) (?:look|bend) (?:down|forward)",
    r"neck (?:wont|doesnt|will not|cant|does not|isnt able to) (?:bend|move|go down|flex)",
    r"chin (?:wont|doesnt|cant|will not|does not) (?:touch|reach|go (?:down|to))",
    r"cuello (?:muy |bien |super )?(?:tieso|rigido|duro|trabado|engarrotado|tiesisimo)",
    r"nuca (?:muy |bien )?(?:tiesa|rigida|dura)", r"rigidez (?:de|en) (?:la |el )?(?:nuca|cuello)",
    r"no (?:puede|puedo|podia|pudo) (?:doblar|mover|bajar|agachar|flexionar) (?:el |la |su |mi )?(?:cuello|cabeza|nuca)",
    r"no (?:puede|puedo|podia|pudo|le llega|me llega) (?:(?:pegar|tocar|juntar|llevar|acercar|bajar|poner) )?(?:la |su |mi )?(?:barbilla|barba|menton) (?:al|con el|a su|a mi|hasta el|en el) pecho",
    r"cuello no (?:se )?(?:dobla|mueve|baja)",
)
#: What makes a stiff neck meningitis rather than a night on the couch: fever, light that
#: hurts, a rash, vomiting, a splitting head, confusion (any one, said unnegated).
NECK_COMPANION = _words(
    r"fever\w*", r"feaver", r"temp", r"temperature", r"burning up", r"fiebre", r"calentura",
    r"temperatura", r"(?:bright )?lights? (?:hurts?|bother\w*|kill\w*|is (?:killing|hurting|bothering))",
    r"(?:cant|cannot|can not) (?:stand|bear|take|handle|tolerate|look at) (?:the |any |bright )?(?:light|lights|brightness|sun|sunlight)",
    r"(?:sensitiv\w*|allergic) to (?:the )?(?:light|brightness)", r"light sensitiv\w*", r"photophobi\w*",
    r"(?:la )?luz (?:le |me )?(?:molesta|lastima|duele|hace dano|fastidia|encandila)",
    r"(?:le|me) (?:molesta|lastima|duele|fastidia|hace dano) (?:mucho |muchisimo )?la luz",
    r"no (?:soporta|aguanta|tolera|soporto|aguanto|tolero) la luz", r"fotofobia", r"sensible a la luz",
    r"rash\w*", r"spots", r"blotches", r"petechia\w*", r"manchas", r"manchitas", r"puntitos",
    r"ronchas", r"sarpullido", r"salpullido", r"erupcion", r"petequias",
    r"vomit\w*", r"throw\w* up", r"threw up", r"puk\w*", r"devolv\w*", r"guacare\w*",
    r"(?:being|been|was|is) sick",
    r"(?:splitting|pounding|worst|terrible|severe|excruciating|horrible|awful|blinding|unbearable) (?:headache|head ?ache|head pain)",
    r"head (?:is |feels )?(?:splitting|pounding|killing me|exploding|about to explode|going to explode)",
    r"headache (?:is )?(?:so bad|unbearable|excruciating|killing me)",
    r"(?:dolor de cabeza|cabeza|jaqueca) (?:muy |bien |super )?(?:horrible|terrible|fuertisimo|insoportable|muy fuerte|tremendo|espantoso|brutal)",
    r"(?:me|le) (?:va a )?(?:explota|estalla|revienta|explotar|estallar|reventar) la cabeza",
    r"confus\w*", r"confundid[ao]", r"drowsy", r"hard to wake", r"somnolient[ao]", r"adormilad[ao]",
    r"(?:explosive|exploding|bursting) (?:pain|headache)", r"like something (?:burst|exploded|popped|snapped)",
)
#: A rash that does not fade when pressed (under a glass): meningococcal septicaemia.
NO_FADE = _words(
    r"(?:dont|doesnt|wont|didnt|do not|does not|did not|not|isnt|arent) (?:fade|fading|blanch\w*|go away|going away|disappear\w*|vanish\w*|turn white|go white|go pale|lighten|go|goes)",
    r"still (?:there|visible|showing|see them|see it|dark|purple|red)", r"can still see (?:it|them|the \w+)",
    r"non ?blanching", r"no (?:se )?(?:borran|borra|quitan|quita|desaparecen|desaparece|blanquean|blanquea|aclaran|aclara|van|va|palidecen)",
    r"(?:siguen|sigue) (?:ahi|igual|viendose|rojas|morad[ao]s|marcad[ao]s)", r"se (?:siguen|sigue) viendo",
)
#: An infection (or a fever), for ``SEPSIS_SIGN``: what makes confusion or mottled skin sepsis.
INFECTION = _words(
    r"utis?", r"infect\w*", r"infeccion\w*", r"pneumonia",
    r"neumonia", r"pulmonia", r"cellulitis", r"celulitis", r"sepsis", r"septic\w*", r"septicemia",
    r"abscess\w*", r"absceso", r"pus", r"flu", r"influenza", r"gripe", r"gripa", r"covid",
    r"pielonefritis", r"pyelo\w*", r"fever\w*", r"feaver", r"burning up", r"fiebre", r"calentura",
    r"temperature", r"temperatura", r"temp",
)
#: A body failing with an infection: confusion (someone else's, not "I'm confused about"),
#: mottled or grey skin, cold to the touch, shaking that cannot be stopped, a sense of doom.
SEPSIS_SIGN = _words(
    r"(?<!\bim )(?<!\bi m )(?<!\bi am )(?<!\bi was )(?<!\bwere )confused\b(?! (?:about|by|with|as to|over|regarding|on|if|whether|why|how|what|which|when|where))",
    r"disorient\w*", r"desorientad[ao]s?", r"no (?:pienso|piensa|puedo pensar|puede pensar) (?:bien|claro)",
    r"(?:cant|cannot|can not) think (?:straight|clearly)",
    r"(?<!\bestoy )(?<!\bsiento )confundid[ao]s?\b(?! (?:con|sobre|por|acerca|respecto|de))",
    r"(?:not|isnt|arent|wasnt|is not) making (?:any )?sense", r"(?:talking|speaking|saying) (?:nonsense|gibberish|crazy things|strange things|weird things)",
    r"(?:doesnt|dont|didnt|does not) know (?:where|who|what day|what year)", r"no sabe (?:ni )?(?:donde|quien|en que|que dia)",
    r"out of it", r"delirious", r"delira\w*", r"deliri\w*", r"incoheren\w*", r"(?<=como )id[ao]", r"(?<=esta )id[ao]",
    r"no (?:me |nos |la |lo |los )?reconoce", r"(?:doesnt|didnt|does not) recogni[sz]e",
    r"(?:dice|diciendo|habla|hablando) (?:puras )?(?:cosas )?(?:sin sentido|incoherencias|tonterias|raras)",
    r"(?:dice|diciendo|habla|hablando) cosas que no tienen? sentido",
    r"(?:skin|legs|arms|knees|hands|feet|body|piel|piernas|rodillas|brazos|manos|pies|cuerpo)\b(?:\s+\S+){0,2}?\s+(?:mottled|marbled|blotchy|blotched|gr[ae]y|grayish|greyish|ashen|bluish|purplish|moteada\w*|marmole\w*|jaspead\w*|manchad[ao]s?|amoratad\w*|grisace\w*|azulad\w*|cenizo\w*)",
    r"mottl\w*", r"marmole\w*", r"motead[ao]s?", r"jaspead[ao]s?",
    r"not (?:acting )?(?:like )?(?:him|her|them)sel(?:f|ves)", r"all over the place",
    r"ice cold", r"cold (?:as ice|to the touch)", r"helad[ao]s?", r"fri[ao]s? (?:como (?:un )?hielo|al tacto)",
    r"(?:shiver\w*|shak\w*|trembl\w*|tembl\w*) (?:uncontrollabl\w*|violent\w*|sin control|sin parar|like crazy)",
    r"uncontrollabl\w* (?:shiver\w*|shak\w*|trembl\w*)", r"rigors", r"no (?:para|deja|puede parar) de temblar",
    r"(?:feel\w*|feels) like (?:i m|im|i am|hes|shes|he is|she is) (?:going to|gonna|about to) die",
    r"sient\w* que (?:me|se) (?:voy|va) a morir",
    r"no (?:pienso|piensa|puedo pensar|puede pensar) bien", r"(?:cant|cannot|can not) think (?:straight|clearly)",
)
#: Out: knocked out, out cold, lost consciousness, however it is said (not a sleeping pill
#: that "knocks me out").
KNOCKED_OUT = _words(
    r"knock(?:ed|s)? (?:him|her|them|my ?self|him ?self|her ?self|them ?selves|me) (?:out|unconscious|senseless|cold)\b(?! of)",
    r"(?:was|got|been|get|gets|getting|were|is) knocked (?:out|unconscious|senseless|cold)\b(?! of)",
    r"knocked out\b(?! (?:of|a|an|his|her|my|the|two|one|some|their|both|front|\w+ tooth|\w+ teeth))",
    r"knocked (?:unconscious|senseless)", r"out cold",
    r"(?:lost|losing|lose|loses|loss of) (?:consciousness|conciousness|consiousness)",
    r"(?:went|goes|go|going|gone|became) unconscious",
    r"(?:quedo|quedaba|queda) (?:inconsciente|noquead[ao]|privad[ao]|sin sentido|sin conocimiento|desmayad[ao]|fuera de combate)",
    r"noque\w*", r"perdi\w* (?:el |la )?(?:conocimiento|sentido|conciencia|consciencia)",
    r"perdida (?:del|de la) (?:conocimiento|conciencia|consciencia)", r"no (?:supo|sabia) (?:nada )?de (?:si|el|ella)",
    r"se (?:le|me) (?:fue|apago) (?:el conocimiento|la conciencia|el sentido)",
)
#: Out for a while, said in words that need a blow or a fall with them ("was out for a
#: minute", "lights out", "came to", "se le apagó todo").
OUT_FOR_A_WHILE = _words(
    r"(?:was|were|been|is|went|got) out (?:for|por) (?:a |about |like |maybe |almost |nearly |over |at least )?(?:a |an |one |two |three |few |couple |several |\d+ )?(?:few |couple (?:of )?)?(?:sec\w*|seconds?|minutes?|mins?|moment|bit|while|little)",
    r"lights out", r"(?:everything|it all|all) went (?:black|dark)", r"(?:went|was) out like a light",
    r"came (?:to|around|round)\b(?! (?:the|my|his|her|a|an|see|visit|pick|get|help|our|your|work|school|town|dinner|this|that|me|us|him|them|pick)\b)",
    r"se (?:le|me) (?:fue|apago|apagaron) (?:la luz|las luces|todo)", r"(?:todo )?se (?:le |me )?(?:puso|volvi[o]) (?:todo )?(?:negro|oscuro)",
    r"volv(?:i|io|ieron|iste) en si", r"(?:quedo|estuvo|se quedo) (?:tirad[ao]|tendid[ao]) sin (?:moverse|responder|reaccionar)",
    r"no (?:respondia|reaccionaba|contestaba) (?:por|durante) (?:un|unos|uno|dos) (?:minuto|minutos|segundos|momento|rato)",
)
#: A blow or a fall, for ``OUT_FOR_A_WHILE``.
BLOW = _words(
    r"fell", r"fall\w*", r"hit", r"hits", r"bang\w*", r"bump\w*", r"smack\w*", r"whack\w*",
    r"knock\w*", r"crash\w*", r"tackl\w*", r"collid\w*", r"collision", r"accident\w*", r"head",
    r"skull", r"cabeza", r"golpe\w*", r"pego", r"pegue", r"pegaron", r"cayo", r"cai", r"caer\w*",
    r"caida", r"choc\w*", r"accidente", r"madrazo", r"trancazo", r"chingadazo", r"guamazo",
    r"tumbo", r"tumbaron", r"bike", r"bici\w*", r"ladder", r"escalera", r"stairs", r"horse", r"caballo",
)

#: The means of a suicide, for ``READY``: a rope, pills, a weapon, a blade, farewell letters.
MEANS = _words(
    r"rope", r"noose", r"pills", r"tablets", r"gun", r"pistol", r"blade", r"razor", r"letters?",
    r"cuerda", r"soga", r"lazo", r"mecate", r"pastillas", r"pistola", r"arma", r"navaja",
    r"cuchilla", r"cartas?",
)
#: Made ready (the means is "lista", "ready", "set up").
READY = _words(
    r"ready", r"set up", r"lined up", r"saved", r"hidden", r"tied", r"stockpiled", r"listas?", r"listos?",
    r"juntad[ao]s?", r"ahorrad[ao]s?", r"acumulad[ao]s?",
    r"preparad[ao]s?", r"guardad[ao]s?", r"escondid[ao]s?", r"amarrad[ao]", r"colgad[ao]",
)
#: A farewell, or appointments not needed any more: with everything ready, a plan to go.
FAREWELL = _words(
    r"(?:said|say|saying) (?:my )?(?:goodbyes?|bye|farewell)", r"goodbye (?:letters?|notes?)", r"me despedi\w*",
    r"(?:wrote|written|writing|escribi|escribiendo|deje) (?:the |my |some |las |mis |unas )?(?:letters?|notes?|cartas?)",
    r"(?:ya )?(?:me )?(?:despedi|despido|despidiendo)", r"despedida", r"cartas? de despedida",
    r"(?:ya )?no (?:las|los|lo|la|me) (?:voy a|va a|van a) (?:necesitar|hacer falta)",
    r"(?:wont|will not|dont|do not) (?:need|be needing) (?:them|it|any)(?: \w+)? (?:anymore|any more|again)",
)
#: Despair said in few words, for a place to jump from that the writer is heading to.
HOPELESS = _words(
    r"no point\w*(?: any ?more)?", r"nothing matters(?: any ?more)?", r"whats the point", r"(?:done|finished) with (?:it all|everything|life)",
    r"ya (?:nada|no) (?:tiene|importa) (?:caso|sentido)?", r"nada (?:tiene|importa)(?: caso| sentido)?",
    r"ya no (?:tiene|le veo) caso", r"(?:no|sin) (?:tiene )?sentido", r"ya no (?:aguanto|puedo)",
)
#: A blade, for cutting oneself.
BLADE = _words(r"razors?", r"blades?", r"navajas?", r"cuchillas?", r"gillette", r"cutter")
#: A young infant's danger signs without a fever: floppy, will not feed, hard to wake.
INFANT_DANGER = _words(
    r"floppy", r"limp", r"aguadit[oa]", r"flojit[oa]", r"(?:muy )?guang[oa]",
    r"(?:casi )?no (?:se )?despierta (?:para|ni para) (?:comer|mamar|tomar)", r"(?:hard|impossible) to wake",
)
#: A young infant (days or weeks old) not feeding: urgent at that age, not at eight months.
INFANT_NOT_FEEDING = _words(
    r"(?:wont|will not|doesnt|does not|isnt|not|cant|refus\w* to) (?:latch\w*|feed\w*|nurse|nursing|take (?:the |a )?bottle)",
    r"no (?:agarra|quiere|toma|agarro|tomo|ha tomado|ha querido) (?:la |el |su )?(?:mamila|pecho|biberon|teta|mamadera|chupon|leche)",
)
YOUNG_INFANT = _words(
    r"newborn", r"new born", r"recien nacid[oa]", r"(?:nacio|born) (?:hace )?\w+ (?:dias?|semanas?|days?|weeks?)",
    r"(?:\d+|one|two|three|four|five|six|seven|eight|un|una|dos|tres|cuatro|cinco|seis) (?:day|days|week|weeks|wk|wks|dias?|semanas?|semanitas|diitas)(?: old)?",
)

@dataclass(frozen=True)
class Rule:
    group: str
    pattern: re.Pattern[str]
    #: Also required somewhere in the message (e.g. a tooth, for swelling near the eye).
    also: re.Pattern[str] | None = None
    #: Not a flag when the message says this (e.g. a child's baby tooth falling out).
    unless: re.Pattern[str] | None = None
    #: Cheap checks first: each must occur in the clause before the pattern is tried.
    needs: tuple[re.Pattern[str], ...] = ()
    #: The beginnings of words a match can start with (every match starts a word with one of
    #: them); None when the pattern does not say. A clause with none of them is skipped.
    starts: frozenset[str] | None = None
    #: The flag names the words of ``also`` as well (what decided it is both: a stiff neck
    #: and the light that hurts).
    cite_also: bool = False


def _starts(items: Sequence[tuple[Any, Any]], bounded: bool = False) -> set[str] | None:
    """The literal beginnings (up to the first space) one of which every match of the parsed
    pattern ``items`` begins with, at the start of a word (after a ``\\b``); None when that
    cannot be told (a wildcard, a beginning with no \\b before it)."""
    prefix, i = "", 0
    while i < len(items):
        op, av = items[i]
        name = str(op)
        if not prefix and name == "AT":
            bounded = bounded or str(av) == "AT_BOUNDARY"
        elif not prefix and name in ("ASSERT_NOT", "ASSERT"):
            pass
        elif name == "LITERAL" and chr(av) != " ":
            prefix += chr(av)
        else:
            break
        i += 1
    if prefix:
        if not bounded:
            return None
        # a shared beginning the parser factored out ("c" of "cant|couldnt"): the word goes on
        # with one of the alternatives' beginnings
        more = _starts(items[i:], True) if i < len(items) else None
        return {prefix + m for m in more} if more else {prefix}
    if i >= len(items):
        return None
    op, av = items[i]
    name, rest = str(op), list(items[i + 1 :])
    out: set[str] = set()
    if name == "BRANCH":
        for alternative in av[1]:
            found = _starts([*alternative, *rest], bounded)
            if found is None:
                return None
            out |= found
        return out
    if name == "SUBPATTERN":
        return _starts([*av[3], *rest], bounded)
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        found = _starts([*av[2], *rest], bounded)
        if av[0] >= 1 or found is None:
            return found
        skipped = _starts(rest, bounded)
        return None if skipped is None else found | skipped
    if name == "IN" and bounded:  # a class of letters or digits: its first character
        for kind, value in av:
            if str(kind) == "LITERAL":
                out.add(chr(value))
            elif str(kind) == "RANGE":
                out |= {chr(c) for c in range(value[0], value[1] + 1)}
            elif str(kind) == "CATEGORY" and str(value) == "CATEGORY_DIGIT":
                out |= set("0123456789")
            else:
                return None
        return out
    return None


def pattern_starts(pattern: str) -> frozenset[str] | None:
    """The beginnings of words every match of ``pattern`` starts with (None: it does not say)."""
    found = _starts(list(sre_parse.parse(pattern)))
    return None if found is None else frozenset(found)


#: For each "near" pattern, its two parts (both must occur before it can match).
_PARTS: dict[str, tuple[str, str]] = {}


def _near(a: str, b: str, words: int = 5) -> str:
    """``a`` and ``b`` within ``words`` words of each other, in either order."""
    gap = rf"(?:\s+\S+){{0,{words}}}?\s+"
    pattern = rf"(?:\b{a}\b{gap}\b{b}\b|\b{b}\b{gap}\b{a}\b)"
    _PARTS[pattern] = (a, b)
    return pattern


def _rule(
    group: str,
    *patterns: str,
    also: str = "",
    unless: str = "",
    also_in_clause: str | tuple[str, ...] = "",
    cite_also: bool = False,
) -> Iterator[Rule]:
    """``also_in_clause``: words that must occur in the match's clause as well (a bleeding
    nose is a flag when it will not stop), or several such, each required, tried in order (a
    rare word first keeps a rule cheap on the clauses it cannot match). The patterns are tried
    as one alternation (one search a clause, not one a pattern: the classifier's hottest line)."""
    wanted = (also_in_clause,) if isinstance(also_in_clause, str) else also_in_clause
    needs = tuple(re.compile(rf"\b{words}\b") for words in wanted if words)
    combined = "|".join(f"(?:{pattern})" for pattern in patterns)
    _learn_words(combined)
    yield Rule(
        group,
        re.compile(combined),
        re.compile(also) if also else None,
        re.compile(unless) if unless else None,
        needs,
        pattern_starts(combined),
        cite_also and bool(also),
    )


#: Gums that bleed a little at brushing or flossing are no emergency.
_BRUSHING = r"\bwhen (?:i |he |she |they )?(?:brush|floss)\w*\b|\bal (?:cepillar|lavar)|\bcuando (?:me |se |le |te )?(?:cepill|lav)\w*|\bhilo dental\b"

_BABY = _words(
    r"(?<!as a )(?<!\bde )(?<!was a )baby", r"babys", r"infant", r"newborn", r"new born",
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?: \w+)?|thirty) (?:day|days|week|weeks|wk|wks|month|months|mo) olds?",
    r"(?:nacio|born) (?:hace )?(?:\d+|un|una|dos|tres|one|two|three|four|five|six|seven|eight|nine|ten) (?:dias?|semanas?|meses|mes|days?|weeks?|months?)",
    r"(?<!\bde )(?<!as a )(?<!\bera )(?<!estaba )bebe", r"bebes", r"bebito", r"bebita", r"bb", r"bbs", r"bbe", r"beb", r"recien nacid[oa]",
    r"(?:nin[oa]|hij[oa]|niet[oa]|sobrin[oa]|mij[oa]|nene|nena|bebe|chiquit[oa]|hijit[oa]) de (?:un|dos|tres|cuatro|cinco|seis|siete|ocho|\d+) (?:mes|meses|semanas?|semanitas|mesecitos?|dias|diitas)",
    r"(?:\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho) (?:semanitas|diitas|mesecito)",
    r"(?:nin[oa]|nene|nena|hij[oa]|bebe|baby|son|daughter|boy|girl|niet[oa]|sobrin[oa]|chiquit[oa]) (?:\w+ ){0,2}?(?:tiene|has|is|cumplio|turned|de) (?:(?:\d+|un|una|dos|tres|one|two|three|four|five|six|seven|eight|nine|ten|cuatro|cinco|seis|siete|ocho|nueve|diez) (?:dias?|semanas?|days?|weeks?|wks?)|(?:[1-3]|un|una|dos|tres|one|two|three|mes y medio) (?:meses|mes|months?|mos?))(?! (?:con|with|de (?:fiebre|tos|gripe)|sick|enferm\w*|ago|que|sin))",
)
_FEVER = _words(
    r"fever", r"feaver", r"temp", r"temperature", r"burning up",
    r"(?:very|really|so|super|real|too) hot", r"hot to the touch", r"fiebre", r"calentura",
    r"temperatura", r"(?:muy|bien|super) calient(?:e|ito|ita)", r"ardiendo",
    r"(?:esta|estaba|se siente|se sentia|lo siento|la siento|lo senti|la senti|anda) calient(?:e|ito|ita)",
    r"(?:(?<=esta )|(?<=siente )|(?<=se siente )|(?<=anda ))calient(?:e|ito|ita)",
)

#: Up to 40 characters between two concepts, with no negation among them ("the baby has no
#: fever" is no infant fever).
_GAP = r"(?:(?!\b(?:no|not|sin|without|isnt|doesnt|dont|didnt|never|nunca|ni|ya no|anymore|last|previous|prior|first|anterior|pasad[oa])\b).){0,40}?"
#: A fever said as a number (38 or more °C, 100.4 or more °F) or as heat.
_FEVER_HIGH = _words(
    r"3[89](?: \d)?", r"4[01](?: \d)?", r"100 [4-9]", r"10[1-5](?: \d)?", r"ardiendo",
    r"hirviendo", r"burning up", r"(?:very|really|so|super|real|too) hot", r"muy caliente", r"fever\w*", r"fiebre",
    r"calentura", r"temp(?:erature)?", r"temperatura",
    r"(?:thirty|treinta)(?: y)? (?:eight|nine|ocho|nueve)", r"(?:cuarenta|forty)",
    r"(?:a |one )?hundred (?:and )?(?:one|two|three|four)", r"ciento (?:uno|dos|tres|cuatro)",
    r"(?:a |one )?hundred (?:and )?point (?:four|five|six|seven|eight|nine)",
)
#: A temperature read as normal (under 38 °C, 100.4 °F), and none read as a fever.
_NORMAL_TEMP = (
    r"^(?!.*\b(?:3[89]|4[01]|10[1-5]|100 [4-9])\b)"
    r".*\b(?:temp\w*|temperatura|fiebre|fever|reading|thermometer|termometro)\b(?:\s+\S+){0,3}?\s+"
    r"(?:3[4-7](?: \d)?|9[5-9](?: \d)?|100(?: [0-3])?)\b(?! (?:weeks?|days?|semanas|dias|meses|months?))"
)

#: A child's age said as a baby's under three months ("3 week old", "de 6 semanas"), not a
#: duration ("fever for 2 days").
_YOUNG = (
    r"\b(?<!for )(?<!por )(?<!hace )(?<!durante )(?<!last )(?<!past )(?<!since )(?<!in )(?<!en )(?<!cada )(?<!every )"
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|un|una|dos|tres|cuatro|cinco|seis|siete|ocho) "
    r"(?:days?|weeks?|wks?|dias|semanas|semanitas|diitas)\b(?! ago)|\bnewborn|\brecien nacid|\bmes y medio|"
    r"\b(?:1|2|one|two|un|dos) (?:months?|mes|meses) (?:old|de edad)\b|\b(?:de|tiene) (?:1|2|un|dos) (?:mes|meses)\b"
)
#: A child's age past the first three months ("my baby (7 months)", "bebé de 4 meses", "18
#: month old"): a fever is no infant's fever.
_OLDER = (
    r"\b(?<!for )(?<!por )(?<!hace )(?<!durante )(?<!since )(?<!in )(?<!en )"
    r"(?:[4-9]|1\d|2[0-4]|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|dieciocho) ?"
    r"(?:months?|mos?|meses)\b(?! ago)|\b(?:[1-9]|1[0-7]|one|two|three|four|five|six) ?(?:years?|yrs?) old\b|"
    r"\bde (?:[1-9]|un|uno|dos|tres|cuatro|cinco|seis) anos?\b|\b(?:[1-9]|1[0-7]) ?(?:yo|y o)\b"
)
#: Not an infant's fever: the temperature read as normal, or the child older than three months.
#: What keeps an older child's fever urgent: a very high one (40.5 °C, 105 °F and over), or a
#: child who is floppy, will not wake, eat or drink.
_FEVER_DANGER = (
    r"\b(?:10[5-9]|4[1-3]|40 [5-9])(?: \d)?\b|\b(?:floppy|limp|lethargic|unresponsive|"
    r"(?:won ?t|wont|not|isn ?t|isnt|hard to|can ?t|cant) (?:wake|waking|eating|eat|drinking|drink|feeding|feed)|"
    r"no (?:come|toma|despierta|reacciona)|aguadit\w*|flojit\w*|desguanzad\w*)\b"
)
_NOT_INFANT_FEVER = rf"{_NORMAL_TEMP}|^(?!.*(?:{_YOUNG}|{_FEVER_DANGER})).*(?:{_OLDER})"

RULES: list[Rule] = [
    *_rule(
        "chest_pain",
        _near(HEART_SITE, SENSATION, 8),
        r"\bheart attack\b",
        r"\binfarto\b",
        r"\bataque (?:al|del) corazon\b",
        rf"\b{SENSATION}\b(?:\s+\S+){{0,4}}?\s+(?:where|near|around|over) (?:my |the )?heart\b",
        r"\b(?:elephant|weight|something heavy|someone) (?:is )?(?:sitting|standing|pressing) on (?:my |his |her )?chest\b",
        r"\blike (?:a |an |someone |somebody |something )?(?:\w+ )?(?:is |was |were )?(?:standing|sitting|stepping|pressing|kneeling|lying|laying|parked|stomping|jumping) on (?:my|his|her) (?:chest|heart|ribs)\b",
        r"\bcomo si (?:un |una |alguien )?(?:\w+ )?(?:estuviera|se sentara|se parara|me pisara|le pisara|me aplastara|se subiera) (?:\w+ )?(?:en|sobre|encima de) (?:el|mi|su) pecho\b",
        r"\bpain (?:going |spreading |shooting )?(?:down|into|up) (?:my |his |her )?(?:left )?(?:arm|jaw)\b",
        # without the word "chest": the ribs, and metaphors of weight and pressure
        _near(RIB_SITE, RIB_SENSATION, 6),
        rf"\b(?:pain|hurts?|dolor) (?:right |straight )?(?:through|behind|between|across) (?:my |his |her |the )?{RIB_SITE}\b",
        r"\b(?:weight|elephant|something heavy|brick|bricks|boulder|anvil) (?:is )?(?:pressing|pushing|sitting|crushing|bearing|squeezing)(?: down)?(?: on| into)? (?:me|him|her)\b",
        r"\b(?:un|una) (?:peso|piedra|losa) (?:encima|sobre mi|que me aplasta|que me oprime)\b",
        # something heavy or gripping on the chest or ribs, whatever it does there
        _near(HEAVY_THING, rf"(?:{HEART_SITE}|{RIB_SITE})", 6),
        r"\bsomething (?:is )?(?:crushing|squeezing|pressing on|sitting on) (?:me|my|him|her)\b",
        # a hand on the chest: the gesture says it
        r"\b(?:holding|clutching|grabbing|gripping|clenching|rubbing|agarrando|apretando|sujetando|tocando|se (?:agarra|agarraba|toca|tocaba|aprieta|apretaba|sujeta)) (?:at )?(?:his |her |my |their |el |su )?(?:chest|heart|pecho|corazon)\b",
        unless=r"\b(?:(?:when|if) (?:i |he |she )?(?:press|push|touch)\w*|al (?:tocar\w*|presionar\w*|apretar\w*)|cuando (?:me |le |lo |la )?(?:toco|presiono|aprieto|toca|presiona)|where (?:i|he|she) (?:bumped|hit|banged)|donde (?:me|se) (?:pegue|pego|golpee|golpeo|di|dio)|pulled (?:a )?(?:chest )?muscle|cogido peso|levantar peso)\b",
    ),
    *_rule(
        "chest_pain",
        # pain or numbness in the left arm or the jaw, with sweat, nausea, the chest
        _near(RADIATION_SITE, RADIATION_FEEL, 4),
        _near(r"(?:arm|brazo)", r"(?:jaw|mandibula|quijada)", 4),
        also=CARDIAC_COMPANION,
    ),
    *_rule(
        "breathing",
        _near(CANNOT, BREATH, 3),
        r"\b(?:cant|cannot|hardly|barely|not|no|cant get|cannot get) (?:get |getting |enough |any )?(?:air|oxygen)(?: in| into)?\b",
        r"\bno air (?:gets?|getting|comes?|coming|going)\b|\bgasping for air\b|\bhungry for air\b",
        r"\b(?:not|isnt|stopped|quit|stops) breathing\b|\bno (?:me |le )?entra (?:el )?aire\b",
        r"\b(?:dejo|deja|dejaba|ha dejado|paro|para|se le (?:fue|va) la) de respirar\b",
        _near(LUNGS, SENSATION, 5),
        r"\b(?:respir\w*) con (?:mucha |muchisima |gran )?dificultad\b|\bdrowning\b",
        r"\b(?:gasp\w*|chok\w*|suffocat\w*|wheez\w* (?:badly|bad|a lot)|turning blue|lips (?:are |is )?(?:turning |going )?(?:blue|purple|gray|grey))\b",
        r"\b(?:short of breath|sob)\b",
        r"\b(?:me|se|le) (?:ahog\w*|asfixi\w*)\b|\bahog(?:o|a|ando)\b|\basfixi\w*\b|\blabios morados\b",
        r"\b(?:me|le) falta el aire\b|\bfalta de aire\b|\bsin aire\b",
        r"\bcant catch (?:my|his|her) breath\b",
        # air as breath: fighting, gasping or begging for it
        r"\b(?:struggl\w*|fight\w*|gasp\w*|hungry|starv\w*|desperate|begging|labou?r\w*|lucha\w*|pele\w*) (?:for|por) (?:the |el |un poco de )?(?:air|oxygen|breath|aire|oxigeno|respirar)\b",
        r"\b(?:cant|cannot|couldnt|can not|unable to|not able to) (?:take|catch|get|draw|find) (?:a |my |his |her |their |any |enough )?(?:full |deep |proper |whole )?breath\b",
        r"\b(?:running|runs|run|ran) out of breath\b",
        r"\bno (?:agarr|jal|alcanz|tom)(?:o|a|amos|an) (?:el |nada de |suficiente )?aire\b",
        r"\bno (?:puedo|puede|podia) (?:tomar|agarrar|jalar) (?:el |aire|suficiente)",
    ),
    *_rule(
        "stroke",
        _near(FACE, DROOP, 3),
        _near(SPEECH, SPEECH_WRONG, 3),
        r"\b(?:talking|speaking|speech|words) (?:is |are |sounds? )?(?:funny|weird|strange|all wrong|jumbled)\b",
        r"\bhabla (?:raro|rara|chistoso)\b",
        # "se me fue el lado": a side (or a limb) gone
        r"\bse (?:me|le) (?:fue|va|fueron|esta yendo) (?:el|la|los|las) (?:lado|brazo|pierna|boca|cara|pie)\b",
        r"\b(?:hes|shes|he is|she is|is|started|keeps|keep|now) slurr\w*\b",
        r"\b(?:se (?:le|me) )?lade(?:o|a|ando) (?:la )?(?:cara|boca)\b|\bbabe\w* (?:de|por) un lado\b|\bdrool\w* (?:from|out of|on) one side\b",
        _near(
            SUDDEN,
            r"(?:numb(?!er)\w*|weak\w*|confus\w*|cant see|blind|dizz\w*|cant talk|cant speak|adormecid\w*|debil\w*|confundid\w*|no (?:puede|puedo) (?:hablar|ver)|not making (?:any )?sense|(?:dice|diciendo|habla) (?:puras )?(?:cosas )?sin sentido)",
            4,
        ),
        _near(ONE_SIDE, WEAK, 5),
        _near(
            LIMB,
            r"(?:cant (?:lift|move|raise)|cannot (?:lift|move|raise)|(?:unable|not able) to (?:lift|move|raise)|no (?:puede|puedo) (?:levantar|mover))",
            4,
        ),
        # ("can't speak to a live agent" is not a stroke sign)
        r"\b(?:cant|cannot|couldnt|can not) (?:(?:talk|speak)(?! (?:to|with)\b)|get (?:the |his |her |my )?words out)\b",
        r"\bstroke\b",
        r"\bderrame (?:cerebral)?\b",
        r"\bembolia\b",
        r"\bataque cerebral\b",
        r"\b(?:no (?:puede|puedo) hablar|no le salen las palabras)\b",
    ),
    *_rule(
        "bleeding",
        _near(BLEED_SITE, BLEED, 5),
        r"\bnose ?bleeds?\b|\bhemorragia nasal\b|\bsangrado (?:de|por) la nariz\b",
        also_in_clause=UNSTOPPABLE,
        unless=_BRUSHING,
    ),
    *_rule(
        "bleeding",
        _near(BLEED, UNSTOPPABLE, 5),
        _near(COUGH_UP, BLEED, 6),
        _near(COUGH_UP, COFFEE_GROUNDS, 6),
        r"\b(?:heavy|severe|uncontrolled|profuse) bleeding\b|\bhemorragia\b",
        unless=_BRUSHING,
    ),
    *_rule(
        "unconscious",
        r"\b(?:passed out|pass out|passing out|faint\w*|unconscious|unresponsive|blacked out|black out|collapsed|collapse|keeled over)\b",
        r"\b(?:wont|will not|doesnt|cant|cannot|couldnt) (?:wake (?:up|him|her|them)|stay awake|keep (?:his|her|my) eyes open)\b|\b(?:not|isnt|wasnt|arent) waking up\b",
        r"\b(?:se (?:desmay\w*)|desmay\w*|perdio el (?:conocimiento|sentido)|inconsciente|no (?:despierta|reacciona|responde))\b",
        r"\b(?:seizure|seizing|convuls\w*|convulsion\w*|ataque epileptico)\b",
    ),
    *_rule(
        "allergic_reaction",
        _near(
            r"(?:throat|garganta)",
            r"(?:clos\w*|tight\w*|cerrando|cerrada)",
            3,
        ),
        _near(r"(?:tongue|lips?|face|lengua|labios?|cara)", SWELL, 3),
        r"\banaphyla\w*\b|\banafila\w*\b",
        r"\b(?:used|use|using|gave|give|giving|inject\w*|jab\w*|needed|le puse|le pusimos|me puse|usamos|use|inyect\w*) (?:\w+ ){0,2}?epi ?pens?\b|\bepi ?pens? (?:didnt|isnt|not|wasnt|no) (?:help|work|sirv|funcion)\w*",
        r"\b(?:severe|bad|serious|major) allergic reaction\b|\breaccion alergica (?:fuerte|grave|severa)\b",
        _near(
            r"(?:allergic|alergic\w*|hives|ronchas|alergia)",
            r"(?:swell\w*|swollen|breath\w*|swallow\w*|respir\w*|hinch\w*|tragar)",
            8,
        ),
    ),
    *_rule(
        "overdose",
        _near(TOO_MANY, PILLS, 3),
        r"\b(?:overdos\w*|od d|odd on|o d d|sobredosis)\b",
        _near(
            r"(?:swallowed|ate|eaten|got into|drank|chugged|se trago|se comio|se bebio|me bebi|bebio|me trague|trago|comio|ingirio|se metio)",
            r"(?:bottle|frasco|pills|pastillas|medicine|medicina|my meds|his meds|her meds|botiquin|medicine cabinet|cabinet)",
            4,
        ),
        # taking one's own pills is no overdose; a whole bottle or box is (a baby that will not
        # take the bottle is feeding)
        _near(
            r"(?<!wont )(?<!not )(?<!doesnt )(?<!refuses to )(?:took|taken|take|se tomo|me tome|tomo|tome|tomaron)",
            r"(?:bottle|frasco|caja|box|blister|packet|sobre)",
            4,
        ),
        r"\b(?:swallowed|ate|se trago|se comio|me trague|trago) (?:a |an |some |the |two |una |un |unas |unos |dos )?(?:button |coin )?(?:battery|batteries|pila|pilas|bateria|baterias|magnets?|iman|imanes|detergent pods?|laundry pods?)\b",
        r"\bpoison control\b(?! (?:said|says|told|dijo))|\bswallowed (?:a |some )?(?:bleach|cleaner|detergent|pod|button battery|battery|antifreeze)\b",
        r"\b(?:drank|drink|bebio|se tomo|tomo|tomaron|swallowed|se trago) (?:some |the |a |el |la |del |un poco de |some of the )?(?:bleach|cloro|antifreeze|cleaner|limpiador|lejia|detergente|cleaning \w+|drain cleaner|destapacanos)\b",
    ),
    *_rule(
        "suicidal",
        r"\bkill(?:ing)? (?:my ?self|himself|herself|themselves)\b",
        r"\bend(?:ing)? (?:my|his|her) (?:own )?life\b",
        r"\bsuicid\w*\b",
        r"\bwant(?:s)? to die\b|\bwish (?:i|he|she) (?:was|were) dead\b|\bbetter off dead\b",
        r"\b(?:dont|do not|doesnt) want to (?:live|be alive|be here|wake up)(?: anymore)?\b",
        r"\b(?:cant|cannot|can not) stop cutting\b|\btook (?:the|a|my) razor(?: blades?)? out\b|\bhurt(?:ing)? (?:my ?self|himself|herself)\b|\bself ?harm\w*\b|\bcutting (?:my ?self|himself|herself)\b",
        r"\bend(?:ing)? it all\b|\bend it\b|\bfinish it all\b|\bend (?:this|everything)(?: (?:tonight|today|now|for good))?$",
        r"\b(?:everyone|everybody|they|my family|my kids|you all) (?:would be|are|is|will be|d be) better off without me\b",
        r"\bbetter off without me\b",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on|keep going)\b",
        r"\b(?:cant|cannot|can not) (?:go on|keep going|do this anymore)\b",
        r"\b(?:pills|pastillas|meds|gun|pistola|rope|soga|cuerda|noose) (?:are |is |esta |estan )?(?:lined up|ready|saved up|listas?|preparad[ao]s?)\b",
        r"\b(?:overdos\w*|od|take (?:all|every)\w*)\b(?:\s+\S+){0,4}?\s+(?:on purpose|intentionally|a proposito|adrede)\b",
        r"\b(?:tirar|aventar|lanzar|botar|saltar|brincar)(?:me|se|te)? (?:de|del|desde|al|a la|por|frente al?) (?:un |una |el |la )?(?:puente|edificio|balcon|ventana|azotea|techo|tren|metro|vias|carro|camion|precipicio)\b",
        # the jump in the first person present, which says a plan ("esta noche me tiro del puente")
        r"\bme (?:tiro|avento|lanzo|boto) (?:de|del|desde|al|a la|por|frente al?) (?:un |una |el |la )?(?:puente|edificio|balcon|ventana|azotea|techo|tren|metro|vias|precipicio)\b",
        r"\b(?:a burden to everyone|burden to my family)\b",
        r"\bquitar(?:me|se|le) la vida\b|\bsuicidar\w*\b|\bmatarme\b|\bmatarse\b",
        r"\bme (?:quiero|queria|voy a) matar\b|\bse (?:quiere|queria|va a|iba a) matar\b",
        r"\bno quiero (?:vivir|seguir viviendo|estar aqui|seguir)\b",
        r"\bno (?:quiere|queria|quiera) (?:seguir )?vivir\b|\bno (?:tiene|tengo) para (?:que|quien) vivir\b|\bsobr[ao] en (?:este mundo|esta vida)\b|\bsoy un estorbo\b",
        r"\b(?:no longer|dont|do not|doesnt|does not) (?:wish|want) to (?:go on|live|continue|carry on|be here)\b|\b(?:want|wanna|wants) to stop (?:existing|living|being alive)\b",
        r"\bya no (?:va|voy|vamos) a ser (?:una )?carga\b|\b(?:wont|will not|not going to) be a burden (?:to|on|for) (?:anyone|anybody|everyone|you all|you) (?:anymore|any more|any longer|much longer)\b",
        r"\btonight is (?:it|the night)\b|\b(?:hoy|esta noche) (?:es|sera) (?:el dia|la noche)\b|\bel (?:domingo|lunes|martes|miercoles|jueves|viernes|sabado) lo hago\b",
        r"\b(?:put|set|tucked) (?:aside|away) (?:the |my |all (?:the |my )?)?(?:tablets|pills|meds|pastillas)\b|\b(?:tengo|he) (?:guardad[ao]s?|apartad[ao]s?) (?:las |unas |todas las )?pastillas\b",
        r"\b(?:manejar|estrellar\w*|chocar|meter) (?:el carro |el coche |la camioneta |la troca )?contra (?:un|el|una|la) (?:arbol|pared|muro|poste|barda|tren|camion)\b",
        r"\b(?:ya )?(?:tengo|lo tengo|tiene) todo planead[oa]\b|\bi have (?:it all|everything) planned\b|\bplanned it (?:all )?out\b",
        r"\bhacerme dano\b|\bme quiero morir\b|\bquiero morir\w*\b",
        r"\bacabar con todo\b|\bterminar con todo\b|\bacabar con mi vida\b",
        r"\b(?:estarian|estaran|estaria) mejor sin mi\b",
        r"\bno (?:vale|tiene) (?:la pena|sentido) (?:vivir|seguir)\b",
        r"\bno (?:le )?(?:veo|encuentro|tiene) (?:ningun )?sentido (?:a |de )?(?:la vida|vivir|seguir)\b",
        r"\b(?:life|living) (?:isnt|is not|aint|isn t) worth (?:it|living)\b",
        r"\bya no (?:aguanto|puedo mas)\b",
    ),
    *_rule(
        "severe_pain",
        r"\bworst (?:headache|head ache|pain)\b",
        _near(
            SUDDEN,
            r"(?:severe|terrible|intense|extreme|excruciating|horrible|unbearable|splitting) (?:pain|headache|head ache|stomach|belly)",
            3,
        ),
        r"\b(?:pain|headache|head ache) (?:is )?(?:unbearable|excruciating)\b|\b(?:unbearable|excruciating) pain\b",
        r"\bpain\b.{0,30}\b(?:is |so )?(?:unbearable|excruciating)\b",
        r"\bsevere (?:abdominal|stomach|belly) pain\b",
        r"\bdolor (?:insoportable|terrible de repente|horrible de repente)\b|\bel peor dolor\b|\bpeor de mi vida\b",
        # "the worst … head(ache)", also misspelt ("el peor olor de cabeza", "dolorde")
        r"\bworst\b(?:\s+\S+){0,2}?\s+head ?aches?\b|\bpeor\b(?:\s+\S+){0,3}?\s+cabeza\b",
        r"\b(?:la |una )?cabeza (?:que )?(?:me |le )?(?:va a (?:explotar|estallar|reventar)|explota|estalla|revienta)\b",
        r"\b(?:head|headache) (?:is |feels like (?:it|its|my head) ?(?:is )?)?(?:going to|gonna|about to) (?:explode|burst|split)\b",
        r"\bnunca (?:me |le )?(?:habia|ha) dolido (?:tanto|asi)\b|\bnever (?:hurt|had (?:a )?(?:pain|headache)) like this\b",
    ),
    *_rule(
        "severe_pain",
        # a head pain that is very strong and sudden ("de golpe", "de repente"), either order
        _near(
            SUDDEN,
            r"(?:muchisim[oa]|fuertisim[oa]|fortisim[oa]|horrible|terrible|insoportable|tremend[oa]|fuerte)",
            6,
        ),
        also_in_clause=r"cabeza",
    ),
    *_rule(
        "pregnancy",
        rf"\bpregnant\b{_GAP}\b(?:bleed\w*|blood|not moving|isnt moving|stopped moving|contractions|water broke|leaking|severe headache|vision)\b",
        rf"\b(?:bleed\w*|blood|baby (?:isnt|is not|not|stopped) moving)\b{_GAP}\bpregnant\b",
        r"\bwater (?:just |has |already |finally )?(?:broke|broken|burst)\b|\bbroke my water\b",
        rf"\bembarazada\b{_GAP}\b(?:sangr\w*|no se mueve|contracciones|se me rompio la fuente|dolor de cabeza fuerte)\b",
        r"\bse (?:me |le )?rompio la fuente\b|\bbebe no se mueve\b",
    ),
    *_rule(
        "infant_fever",
        rf"\b{_BABY}\b{_GAP}\b{_FEVER}\b",
        rf"\b{_FEVER}\b{_GAP}\b{_BABY}\b",
        unless=_NOT_INFANT_FEVER,
    ),
    *_rule(
        "swallowing",
        _near(
            r"(?:cant|cannot|can not|couldnt|unable to|not able to|no puedo|no puede|no podia|no pudo|no pueda|no pudiera|no quiere|no quiera|wont|will not|refuses to|sin poder)",
            SWALLOW,
            3,
        ),
        r"\b(?:nothing|nada) (?:will |is |goes |going |me |le )?(?:go|goes|going|pasa|baja) (?:down|por la garganta)\b",
        r"\bno (?:me |le )?pasa (?:nada (?:por la garganta|de comida|al tragar)|ni el agua|el agua|la comida|ni la saliva)\b",
        # pills too big to swallow are a question for the pharmacist, not an emergency
        unless=r"\b(?:pills?|tablets?|capsules?|pastillas?|tabletas?|capsulas?)\b(?:\s+\S+){0,4}?\s+(?:too big|too large|so big|huge|grandes?|enormes?)\b|\b(?:big|large|huge) (?:pills?|tablets?|capsules?)\b",
    ),
    *_rule(
        "dental_emergency",
        _near(SWELL, SPREAD_SITE, 9),
        also=rf"\b{TOOTH}\b|\b(?:spread\w*|going (?:up|down)|gone (?:up|down)|moving|all the way|up to|down to|into (?:my|his|her) (?:neck|eye|throat)|hasta|se (?:esta )?(?:extendiendo|pasando))\b",
    ),
    *_rule(
        "dental_emergency",
        _near(
            r"(?:knocked|knock|fell|came|popped|se (?:le|me) (?:cayo|salio)|tumbo)",
            r"(?:out|tooth|teeth|diente|dientes)",
            3,
        ),
        r"\b(?:knocked|knock) (?:out )?(?:his |her |my |a |the )?(?:front |permanent |adult )?(?:tooth|teeth)\b",
        also=rf"\b{TOOTH}\b",
        unless=r"\b(?:baby tooth|baby teeth|loose tooth|lost (?:a|his|her|their) (?:first )?tooth|tooth fairy|dientes? de leche|primer diente)\b",
    ),
    *_rule(
        "dental_emergency",
        _near(
            r"(?:extraction|pulled|removed|sacaron|extraccion|cirugia)",
            r"(?:bleed\w*|blood|sangr\w*)",
            8,
        ),
        _near(TOOTH, r"(?:cant|cannot|hard to|trouble|no puedo|no puede) (?:swallow|tragar)", 8),
        # a jaw that will not open (trismus): the infection has spread to the muscles
        _near(
            TOOTH,
            r"(?:cant|cannot|can not|hard to|trouble|no puedo|no puede|ya no puedo|ya no puede) (?:even )?(?:open|abrir) (?:my |his |her |the |la |su |mi )?(?:mouth|jaw|boca|quijada)",
            10,
        ),
        _near(
            r"(?:abscess\w*|infected|infection|absceso|infeccion)",
            r"(?:cant|cannot|no puedo|no puede|hard to|trouble) (?:swallow|breathe|open|tragar|respirar|abrir)",
            8,
        ),
    ),
    # --- issue 34, fourth pass: concepts rather than phrases ---------------------------------
    *_rule(
        "breathing",
        # speech cut short by breathlessness
        r"\b(?:only|just|solo|nomas|apenas) (?:\S+ ){0,2}?(?:say|get out|speak|talk|decir|hablar|sacar)\w*(?: out)? (?:a |two |three |a few |a couple (?:of )?|unas |dos |tres |pocas |\d+ )?(?:\w+ )?(?:words|palabras)\b",
        r"\b(?:cant|cannot|can not|couldnt|unable to|no (?:puedo|puede|podia|pudo)) (?:even )?(?:finish|complete|terminar|acabar) (?:a |my |his |her |una |la |las |mis |sus )?(?:sentences?|frases?|oraciones?)\b",
        r"\b(?:stop\w*|paus\w*|parar|detener\w*) (?:to |for |para )(?:catch (?:my |his |her )?breath|air|aire|tomar aire|respirar|agarrar aire)\b|\bneed\w* (?:air|to catch (?:my|his|her) breath)\b",
        # air that does not come, runs out, is missing (any verb, any person)
        r"\bno (?:me |le |te |nos |les )?(?:alcanza|alcanzaba|llega|llegaba|entra|entraba|pasa|agarra|jala|da)\w* (?:el |nada de |suficiente |bien el )?(?:aire|aliento|oxigeno)\b",
        r"\bse (?:me|le|te|nos) (?:va|fue|iba|acaba|acabo|corta|corto|escapa) (?:el |la )?(?:aire|aliento|respiracion)\b",
        r"\b(?:me|se|le|nos|te) (?:qued\w*) sin (?:aire|aliento|respiracion|oxigeno)\b|\b(?:le|me|te|nos) falta (?:la |el )?(?:respiracion|aire|aliento|oxigeno)\b",
        # a child's ribs or belly pulled in at each breath; fast breathing with grunting
        _near(r"(?:ribs?|costillas|chest|pecho|belly|tummy|panza|neck|cuello|skin between)", r"(?:sucking in|sucks in|suck in|sinking|sink in|caving|caves in|pulling in|pulls in|se (?:le )?hund\w*|hunde\w*|se (?:le )?sum\w*|sume\w*|se (?:le )?marc\w*|marcan)", 4),
        r"\bbreath\w* (?:through|thru) (?:a |an )?(?:straw|pillow|wet (?:towel|cloth|rag)|cloth|sponge|blanket)\b|\brespir\w* (?:por|con|a traves de) (?:un |una )?(?:popote|pajilla|pajita|almohada|trapo)\b|\bgrunt\w*\b|\bquejid\w* al respirar\b|\b(?:breath\w*|respira\w*) (?:really |very |so |super |muy |bien )?(?:fast|rapid\w*|rapido|agitad[ao])\b",
        r"\b(?:atragant\w*|se (?:me|le) fue (?:por el otro lado|chueco))\b",
        r"\b(?:cant|cannot|can not|isnt able to|no puede|no puedo) (?:cough|talk|speak|breathe|cry|toser|hablar|respirar|llorar) (?:or|and|nor|ni|o|y) (?:cough|talk|speak|breathe|cry|toser|hablar|respirar|llorar)\b",
        r"\bwent down (?:the )?wrong (?:way|pipe|tube)\b",
        r"\bse le atraves\w*\b|\bse me atraves\w*\b",
        # lips or face going blue: not enough air, whatever the words for breathing
        r"\bse (?:esta |estaba )?(?:poniendo|puso|pone|ponia) (?:moradit[oa]|morad[ao]|azul|gris|azulad[ao])\b|\b(?:turning|going|went|turned) (?:blue|purple|grey|gray)\b",
        r"\bno (?:esta )?respir(?:a|ando) bien\b",
        r"\b(?:lips|face|skin|fingers|fingernails|nails|mouth|labios|cara|piel|unas|dedos|boca)\b(?:\s+\S+){0,3}?\s+(?:blue|bluish|purple|purplish|gray|grey|dusky|ashen|morad\w*|azul\w*|gris\w*|cenizo|cenizos)\b",
        r"\b(?:like a )?fish out of water\b|\bcomo (?:un )?pez fuera del agua\b|\bsucking (?:for )?air\b|\bgulping (?:for )?air\b|\bboqueando\b",
        r"\b(?:cant|cannot|can not|unable to|no (?:puede|puedo)) (?:say|speak|get out|decir) more than (?:a |one |two |three )?(?:word|words)\b|\bno (?:puede|puedo) decir mas de (?:una|dos|tres) palabras?\b",
    ),
    *_rule(
        "breathing",
        _near(r"(?:stuck|lodged|atoro|atorad[ao]|atasc\w*|trabad[ao]|atoro)", r"(?:throat|windpipe|garganta|traquea)", 6),
        also=rf"\b(?:{BREATH}|air|aire|breathe|choking|chok\w*|atragant\w*|ahog\w*|cant|no puede|no puedo|blue|morad[ao]|turning)\b",
    ),
    *_rule(
        "breathing",
        r"\b(?:so |very |really |get |gets |getting |got |feel |feeling |am |im |is |super )winded\b",
        r"\bout of breath\b",
        # breathless after a race or a workout is no emergency
        unless=r"\b(?:after|from) (?:running|a run|my run|exercis\w*|working out|a workout|my workout|the gym|a marathon|sports?|practice|training|a hike|hiking|soccer|football)\b|\b(?:climbing|walking up|going up|on|up) (?:the |a |two |three |\d+ )?(?:stairs|flights?|hills?)\b|\b(?:when|while|if) (?:i|he|she) (?:walk|climb|exercis|run|jog)\w*\b|\b(?:despues de|al) (?:correr|hacer ejercicio|entrenar|subir (?:las )?escaleras)\b",
    ),
    *_rule(
        "swallowing",
        _near(r"(?:stuck|lodged|atoro|atorad[ao]|atasc\w*|trabad[ao])", r"(?:throat|esophagus|garganta|esofago)", 6),
    ),
    *_rule(
        "bleeding",
        _near(WOUND, WOUND_ALARM, 10),
        _near(r"(?:soak\w*|empap\w*|through|traspas\w*|gone through|went through|used|llen\w*|cambi\w*)", SOAK_ITEM, 8),
        rf"\b{SOAK_ITEM}(?: \w+)? (?:in|an|every|each|per|cada|en|por|within|under) (?:an |one |half an |una |la |media |\d+ |less than (?:an |one )?|menos de (?:una )?)?(?:hour|hora|hr|minutes|minutos|mins?)\b",
        r"\b(?:puddle|pool|charco|cubeta|balde|bucket|cup|taza|vaso|chorro) (?:of|de) (?:blood|sangre)\b",
        r"\b(?:like|como) (?:a |an |una |un )?(?:faucet|tap|hose|river|llave|grifo|canilla|manguera|rio)\b",
        # blood coming out of the mouth, said as it is seen
        r"\b(?:echando|saliendo|sale|salia|escupiendo|brota\w*|pouring|coming|comes) (?:out )?(?:blood|sangre) (?:por|de|from|out of) (?:la |his |her |my |the )?(?:boca|mouth)\b",
        unless=_BRUSHING,
    ),
    *_rule(
        "bleeding",
        # black, tarry stools: blood digested on the way
        _near(STOOL, TARRY, 4),
        unless=r"\b(?:iron|hierro|pepto|bismuth\w*|sulfato ferroso|ferrous|blueberr\w*|black licorice|regaliz|moras)\b",
    ),
    *_rule(
        "bleeding",
        # blood in the stool with what a real loss of blood does: faint, dizzy, weak, pale
        _near(STOOL, BLEED, 4),
        also=r"\b(?:faint\w*|dizz\w*|lighthead\w*|light headed|weak\w*|pale|passing out|pass out|passed out|mare\w*|debil\w*|desmay\w*|palid[ao]|desvanec\w*)\b",
    ),
    *_rule(
        "stroke",
        rf"\b{VISION_LOSS}",
        _near(r"(?:vision|sight|vista|double|blurr\w*|borros[ao]|doble)", SUDDEN, 8),
        _near(r"(?:cant|cannot|no puede|no puedo) (?:walk|caminar|stand|pararse|keep (?:his|her) balance)", SUDDEN, 4),
    ),
    *_rule(
        "stroke",
        # a limb that gave out, with a second sign (the face, speech, sight, confusion, sudden)
        rf"\b{LIMB_GONE}",
        also=rf"\b{NEURO_COMPANION}\b",
        unless=r"\b(?:slept on|sleeping on|sleep on|durmiendo (?:sobre|encima)|me dormi sobre|al despertar|when i wake up|every morning|todas las mananas|gym|workout|carpal)\b",
    ),
    *_rule(
        "unconscious",
        # a seizure, said as what it looks like
        _near(SHAKE, SEIZURE_SIGN, 6),
        r"\bfoam\w* at (?:the|his|her) mouth\b|\bespuma (?:por|en) la boca\b|\beyes (?:rolled|rolling|roll) (?:back|up)\b|\bojos en blanco\b",
        r"\bse le (?:voltearon|fueron|pusieron en blanco|torcieron) los ojos\b",
        r"\b(?:having|had|has|in the middle of) (?:a |another )?(?:fit|fits)\b(?! (?:about|over|because|when|if|of))",
        r"\b(?:went|gone|goes|se puso|se quedo|se pone) (?:all )?(?:stiff|rigid|ties[oa]|rigid[oa]|dur[oa])\b(?:\s+\S+){0,4}?\s+(?:shak\w*|jerk\w*|tembl\w*|sacud\w*|convuls\w*|no (?:respond|reacciona|responde|contesta)\w*|unresponsive)",
        r"\b(?:le|me|les) (?:dio|da|dan|esta dando|estan dando|dieron|vino|agarro) (?:un |otro |unos )?(?:ataques?|convulsion\w*|sacudidas|temblores)\b(?! (?:de|del) (?:risa|tos|panico|ansiedad|nervios|celos|hipo|asma|alergia))",
        r"\bcrisis convulsiva\b|\bepilep\w* (?:attack|ataque|crisis)\b",
        # out cold, however it is said
        r"\b(?:dejo|paro) de (?:responder|reaccionar)\b|\b(?:went|gone|is|goes) limp\b|\bfloppy\b|\bdesvanec\w*\b|\bse (?:quedo|quedaba) (?:como )?(?:ido|ida|sin sentido|privad[ao])\b|\bse priv\w*\b",
        r"\bno (?:lo|la|le|los|las) (?:puedo|podemos|pude|podia|pudimos) despertar\b|\b(?:cant|cannot|couldnt) (?:get|make) (?:him|her|them) (?:to )?(?:wake|respond)\b",
        r"\b(?:he|she|hes|shes|he is|she is|they|baby|son|daughter|husband|wife|mom|dad|mother|father|grandma|grandpa|grandmother|grandfather|boyfriend|girlfriend|brother|sister)\b(?:\s+\S+){0,3}?\s+(?:not|isnt|wont|doesnt|stopped|is not|no longer) (?:respond\w*|answer\w* me|react\w*|wak\w*)\b",
    ),
    *_rule(
        "suicidal",
        r"\b(?:better off|happier|easier)\b(?:\s+\S+){0,5}?\s+(?:gone|dead|not here|wasnt (?:here|around|alive)|werent (?:here|around|alive)|without me|not around|never born)\b(?! (?:from|at|in|on|for|to|during))",
        r"\bnothing (?:left )?to live for\b|\bnada por (?:lo )?que vivir\b|\bno (?:tengo|tiene) (?:nada ni nadie|nada) por (?:quien|que|lo que) vivir\b",
        r"\b(?:kill\w*|hang\w*|hung|shoot\w*|shot|off|poison\w*|drown\w*|stab\w*|starv\w*) (?:my ?self|himself|herself|themselves)\b",
        r"\b(?:jump\w*|throw\w* (?:my ?self|himself|herself)) (?:off|from|in front of) (?:a |the |my |this )?(?:bridge|building|roof|train|balcony|cliff|car|truck|overpass|window)\b",
        r"\b(?:slit\w*|slash\w*|cut\w*|open\w*) (?:my|his|her) (?:wrists?|veins?)\b|\bcortar\w* las venas\b",
        r"\b(?:take|taking|took|end|ending|ended) (?:my|his|her|their) (?:own )?life\b",
        r"\bplan\w* (?:to|on|for) (?:die|dying|end|ending|kill|killing|take|taking|how (?:i|to))\b",
        r"\b(?:goodbye|suicide|farewell) (?:letters?|notes?|messages?|texts?)\b|\b(?:cartas?|notas?|mensajes?) de despedida\b",
        r"\b(?:never|not) (?:to )?wake up\b|\b(?:dont|do not|doesnt) want to (?:exist|be around|go on)\b|\bwant to disappear (?:forever|for good)\b",
        r"\bno (?:quiero|quisiera|queria) (?:existir|despertar\w*|amanecer|seguir aqui|estar viv[oa])\b|\bojala no (?:despert\w*|amanec\w*)\b|\b(?:quiero|quisiera) desaparecer\b|\bdesaparecer para siempre\b",
        r"\b(?:me|se|te) (?:voy|va|van|iba|quiere|quiero|queria|queria|piensa|pienso) (?:a )?(?:colgar|ahorcar|tirar|aventar|disparar|envenenar|cortar)\b(?! (?:el|la|los|las|un|una|mi|su|tu|al|del|con|de|por) (?!venas|vida)\S)",
        r"\b(?:ahorcar\w*|colgarme|colgarse|dispararme|dispararse|pegarme un tiro|pegarse un tiro|darme un tiro|darse un tiro|envenenarme|envenenarse|aventarme|aventarse|tirarme|tirarse) (?:de|del|por|al|a la|frente al|con)?\b",
        r"\b(?:mejor|bien|felices|tranquil[oa]s) (?:si|sin) (?:yo )?(?:no )?(?:estuviera|existiera|estoy|existo|mi)\b",
        r"\bno (?:le )?(?:veo|encuentro|tiene|hallo|tengo) (?:ningun |ninguna )?(?:sentido|caso|razon|razones|proposito|ganas) (?:a |de |para )?(?:la vida|vivir|seguir|seguir viviendo)\b",
        r"\b(?:pensando|pienso|pensado) en (?:matarme|quitarme la vida|suicidarme|morir\w*|colgarme|tirarme)\b",
        r"\b(?:nobody|no one|noone|nadie) (?:would|will|is going to|va a|me (?:va|iba) a|iba a) (?:even )?(?:miss|care|notice|extran\w*)",
        r"\b(?:dont|do not|no) (?:want to|quiero|quisiera) (?:be|estar|seguir) (?:in|en) (?:this|este|esta) (?:world|life|mundo|vida)\b",
        r"\bno despertar (?:nunca|jamas|mas|nunca mas)\b|\bdormir\w* y no despertar\b|\bsleep and (?:never|not) wake\b",
        r"\b(?:me|se|te|le) (?:quiero|quiere|queria|quieren|querian|quisiera|quisiese) morir\w*\b|\bquiere morir\w*\b|\bse (?:quiere|queria|va a|iba a) (?:suicidar|quitar la vida)\w*\b",
        r"\b(?:bought|got|have|found|tengo|compre|consegui) (?:a |the |una |la )?(?:rope|noose|soga|cuerda para colgarme)\b",
    ),
    *_rule(
        "overdose",
        _near(INGEST, TOXIC, 8),
        r"\b(?:poisoned|envenen\w*|intoxicad[ao]|se intoxic\w*|me intoxique|carbon monoxide|monoxido(?: de carbono)?|co alarm|co detector|gas leak|fuga de gas|alcohol poisoning|congestion alcoholica|intoxicacion (?:por|con) (?!comida|alimentos))\b",
        r"\bgot into (?:the |my |his |her |grandmas |grandpas )?(?:medicine|medicines|meds|pills|cabinet|medicine cabinet|purse|bottle)\b|\bse (?:metio|subio) al botiquin\b",
        unless=r"\b(?:food|la comida|alimentos|alimentaria) (?:poison\w*|intoxic\w*)\b|\bpoison (?:ivy|oak|sumac)\b|\bintoxicacion (?:alimentaria|por comida|por alimentos)\b",
    ),
    *_rule(
        "overdose",
        # a child taking or swallowing medicine not theirs
        _near(r"(?:took|taken|swallow\w*|ate|eaten|se tomo|tomo|se trago|se comio|agarro)", PILLS, 5),
        also=rf"\b{CHILD}\b",
        unless=r"\b(?:his own|her own|their own|como (?:le|se lo|se la) (?:indicaron|recetaron|receto)|as prescribed|su dosis|his dose|her dose|con receta|refill|rellenar|resurtir|surtir|sorbito|a sip|un poquito|a lick|half a teaspoon|media cucharadita|esta (?:perfecto|perfecta|bien)|(?:is|seems|hes|shes|he s|she s) fine|acting normal|actua normal|pea size|tamano de un chicharo)\b",
    ),
    *_rule(
        "allergic_reaction",
        _near(r"(?:throat|garganta|airway|via aerea)", THROAT_CLOSING, 4),
        _near(r"(?:throat|garganta|airway|via aerea)", ALLERGY_SWELL, 4),
        _near(r"(?:tongue|lips?|face|eyes?|eyelids?|lengua|labios?|cara|ojos|parpados|boca)", ALLERGY_SWELL, 4),
        _near(r"(?:hives|ronchas|welts|habones|ranchas)", r"(?:throat|garganta|breath\w*|respir\w*|swallow\w*|tragar|dizzy|mare\w*|faint\w*|desmay\w*|lips?|labios?|tongue|lengua|face|cara|chest|pecho|clos\w*|cerr\w*|tight\w*|apret\w*|wheez\w*|silb\w*|vomit\w*|cough\w*|tos)", 10),
        also=r"\b(?:allerg\w*|alerg\w*|reaction|reaccion|hives|ronchas|sting|stung|bee|wasp|abeja|avispa|pique\w*|pico|picadura|peanuts?|nuts?|cacahuate\w*|mani|shellfish|shrimp|marisco\w*|camaron\w*|antibiotic\w*|penicil\w*|medic\w*|new (?:med|pill|drug)|ate|eating|comi|comio|comer|after|despues|closing|cerr\w*|cierr\w*|tight\w*|apret\w*|breath\w*|respir\w*|swallow\w*|tragar|epi\w*)\b",
        unless=r"\b(?:sore|strep|tonsil\w*|amigdal\w*|anginas|placas|pus|infecc\w*|infect\w*|roj[ao]|red|resfri\w*|gripa|gripe|cold|flu|mumps|paperas|ganglio\w*|glands?)\b(?!.*\b(?:clos\w*|cerr\w*|cierr\w*|tight\w*|apret\w*|cant breathe|no puedo respirar)\b)",
    ),
    *_rule(
        "severe_pain",
        # a head pain, sudden and severe (either said anywhere in the clause)
        _near(HEAD_PAIN, SEVERE, 6),
        also_in_clause=SUDDEN,
    ),
    *_rule(
        "severe_pain",
        r"\bthunderclap\b",
        r"\b(?:cant|cannot|can not|couldnt) (?:take|stand|bear|handle) (?:the|this|my) pain\b|\bno (?:aguanto|soporto|resisto) (?:el|este) dolor\b",
        rf"\b{BELLY}\b (?:is |feels |esta |se siente |se puso )?(?:so |very |really |muy |bien )?(?:hard|tense|dur[ao]|tens[ao]|rigid[ao]?)\b(?=.*\b{PAIN_WORD}\b)",
        _near(PAIN_WORD, UNBEARABLE, 8),
        _near(BELLY, RIGID, 5),
        r"\b(?:worst|peor)\b(?:\s+\S+){0,4}?\s+(?:pain|dolor|headache|cramps?|colico)\b|\b(?:pain|dolor|headache)\b(?:\s+\S+){0,4}?\s+(?:worst|peor)\b",
    ),
    *_rule(
        "severe_pain",
        # a very strong belly pain with what makes it surgical: fever, vomiting, not moving,
        # the lower right side, a hard belly
        _near(
            PAIN_WORD,
            r"(?:fortisim[oa]|fuertisim[oa]|muy fuerte|bien fuerte|horrible|terrible|tremend[oa]|brutal|espantos[oa]|severe|intense|extreme|awful|really bad|so bad|super bad)",
            3,
        ),
        also_in_clause=BELLY,
        also=r"\b(?:cant (?:even )?(?:move|walk|stand)|no (?:me )?(?:puedo|puede) (?:ni )?(?:mover\w*|caminar|parar\w*)|lower right|right side|lado derecho|hard|dur[ao]|rigid\w*|pregnant|embarazada|faint\w*|desmay\w*|blood|sangre)\b",
    ),
    *_rule(
        "pregnancy",
        rf"\b{PREGNANT}\b{_GAP}\b{PREGNANCY_SIGN}\b",
        rf"\b{PREGNANCY_SIGN}\b{_GAP}\b{PREGNANT}\b",
        r"\bbaby (?:has )?(?:stopped|isnt|is not|not|hasnt been|hasnt|quit|doesnt seem to be) (?:moving|kicking)\b",
        r"\b(?:havent|hasnt|not|didnt|cant|cannot|no longer|dont) (?:felt|feel|feeling|fell) (?:the |my |her |our )?baby (?:move|moving|kick\w*)\b",
        r"\bno (?:siento|he sentido|lo siento|la siento|sentimos) (?:al |a mi |mi |el )?(?:bebe )?(?:mover\w*|patear|las patadas)\b|\bel bebe (?:ya )?no (?:se mueve|patea|se ha movido)\b",
        r"\b(?:rompio|revento|rompi|reventó|se (?:me|le) (?:rompio|revento|fue)) (?:la )?(?:fuente|aguas|la bolsa)\b|\brompi fuente\b",
    ),
    *_rule(
        "infant_fever",
        rf"\b{_BABY}\b{_GAP}\b{_FEVER_HIGH}\b",
        unless=_NOT_INFANT_FEVER,
    ),
    *_rule(
        "head_injury",
        rf"\b{HEAD_BLOW}",
        also=rf"\b{HEAD_DANGER}\b",
    ),
    *_rule(
        "burn",
        _near(BURN_EVENT, BURN_SEVERE, 6),
        # a blister from what burns deep: boiling liquid, hot oil, steam, fire, a chemical
        _near(
            r"(?:blister\w*|ampollas?|ampollitas?)",
            r"(?:boiling|hot oil|oil|grease|steam|fire|flames?|chemical\w*|acid|hirviendo|aceite|vapor|incendio|llamas|quimic\w*|acido)",
            8,
        ),
        # a scald: something boiling spilled on someone
        _near(
            r"(?:spill\w*|pulled|poured|knocked|splash\w*|tipped|se (?:le |me )?(?:cayo|tiro|echo|volteo|derramo)|encima)",
            r"(?:boiling|scalding|hot (?:water|oil|coffee|tea|soup|grease)|agua (?:hirviendo|caliente)|aceite (?:caliente|hirviendo)|(?:cafe|sopa|caldo|te) (?:caliente|hirviendo))",
            5,
        ),
        unless=r"\b(?:toast|food|rice|dinner|lunch|breakfast|(?:el |the )pan|cake|cookies|comida|arroz|frijoles|cena|tortillas?|pastel|galletas|sun|sunburn\w*|sol|asolead\w*|playa|beach|tanning|cd|dvd|calories|calorias|bridges|out|burnout|quemad[ao] de la|un poco|un poquito|poquito|tantito|tiny|minor|mild|leve|lil|slight\w*|no blisters|sin ampollas|rosit\w*|pink|pinky|marquita|size of a (?:quarter|coin|dime|nickel|penny)|tamano de una moneda|totally normal|rinsed it|lo lave|diluted|diluido|already (?:feels )?better|ya (?:esta|me siento) mejor)\b",
    ),
    *_rule(
        "burn",
        # a burn from household current: a small mark can hide deep and heart injury, so no
        # 'tiny' or 'minor' lifts it (only static from a carpet or a doorknob)
        _near(
            r"(?:burn|burns|burned|burnt|quemadura\w*|quem(?:o|e|ado|ada))",
            r"(?:(?:electrical|electric|wall|power) (?:outlet|socket|cord|wire)|outlets?|sockets?|live wire|enchufes?|tomacorrientes?|toma ?corriente|cable (?:electrico|pelado))",
            6,
        ),
        unless=r"\b(?:static|estatica|doorknob|carpet)\b",
    ),
    *_rule(
        "meningitis_signs",
        rf"\b{FEVER_DANGER}",
        also=rf"\b{FEVER_ANY}\b",
    ),
    *_rule(
        "suicidal",
        # what a whole bottle or all the pills were taken for: not to wake up, to die
        r"\b(?:so|so that|hoping|hope|and hope|in the hope) (?:i|he|she|they|we) (?:(?:wont|will not|dont|never|would not|wouldnt|do not|doesnt|dont ever)(?: (?:have|need|ever have) to)? (?:ever )?(?:wake|wake up|be here|exist|feel anything|suffer|hurt)|(?:can|could|would|will|might) (?:just )?die)\b",
        r"\bpara (?:no|ya no|nunca|no volver a|ya no volver a) (?:despertar\w*|amanecer|sufrir|existir|sentir nada)\b|\bpara (?:morir\w*|matarme|matarse|acabar con todo|irme de este mundo)\b",
        also=r"\b(?:all|every|whole|entire|bottle|bunch|handful|overdos\w*|todas?|todo|entero|entera|frasco|caja|punado|sobredosis|monton)\b",
    ),
    *_rule(
        "stroke",
        # a face that looks wrong on one side, said vaguely (a dentist's numbing explains it)
        rf"\b{FACE}\b(?:\s+\S+){{0,3}}?\s+(?:off|funny|weird|wrong|different|strange|rar[ao]|extran[ao]|chistos[ao]|numb|dormid[ao]|adormecid[ao])\b(?:\s+\S+){{0,2}}?\s+{ONE_SIDE}\b",
        unless=r"\b(?:shot|novocaine|numbing|anest\w*|anaest\w*|filling|dentist\w*|dental|root canal|endodoncia|empaste|calza|extraction|extraccion|sacaron|muela|tooth|bells palsy|paralisis facial)\b",
    ),
    # --- issue 34, sixth pass: the long tail, by concept ----------------------------------
    # (each rule's matches begin with rare words, or a cheap ``also_in_clause`` comes first:
    # the clause screen stays cheap)
    *_rule(
        "chest_pain",
        # a tearing pain through to the back (the aorta), said without the chest
        _near(r"(?:tearing|ripping|desgarr\w*|rasg\w*)", r"(?:back|shoulder blades?|espalda|omoplatos?|paletas)", 6),
        also_in_clause=r"(?:chest|pecho|sudden\w*|de repente|de golpe|worst|peor|shoulder blades?|omoplatos?|paletas)",
    ),
    *_rule(
        "breathing",
        # the reliever that no longer relieves
        r"\b(?:inhaler|puffer|nebuli[sz]er|albuterol|ventolin|salbutamol|inhalador|nebulizador|nebulizaciones)\b(?:\s+\S+){0,3}?\s+(?:isnt|is not|not|doesnt|does not|didnt|wont|arent|no)\s+(?:\w+\s+)?(?:help\w*|work\w*|doing anything|do anything|touching it|sirve|sirvio|funciona\w*|hace nada|hizo nada|ayuda\w*)\b",
        r"\bno (?:me |le )?(?:hace|hizo|sirve|sirvio|ayuda|funciona)\w* (?:nada |ni )?(?:el |la |mi |su )?(?:inhalador|nebulizador|nebulizacion\w*|bomba|ventolin|salbutamol)\b",
        also_in_clause=(
            r"(?:inhaler|puffer|nebuli[sz]er|albuterol|ventolin|salbutamol|inhalador|nebuliz\w*|bomba)",
            r"(?:wheez\w*|breath\w*|air|aire|respir\w*|ahog\w*|talk|speak|hablar|tight\w*|apret\w*|silb\w*|pecho|chest|gasp\w*|asthma attack|ataque de asma|crisis de asma|(?:asma|asthma) (?:is |esta )?(?:muy |so |really |very )?(?:mal|bad))",
        ),
    ),
    *_rule(
        "breathing",
        # breathless at rest or lying flat
        _near(
            r"(?:breathless|winded|short of breath|out of breath|aliento|falta (?:de|el) aire|fatiga\w*|agitad[ao]|ahogo)",
            r"(?:rest|resting|sitting|lying|nothing|reposo|sentad[ao]|acostad[ao]|acostar\w*|quiet[oa]|lie (?:down|flat))",
            5,
        ),
        r"\bair hunger\b|\b(?:cant|cannot|couldnt) get enough (?:air|oxygen|in)\b",
        r"\bjade\w*\b(?:\s+\S+){0,8}?\s+no (?:se )?(?:me |le )?(?:pasa|para|quita|calma)\b|\bjade\w* sin parar\b",
        r"\bfatiga\w*\b(?:\s+\S+){0,4}?\s+(?:no (?:puedo|puede) (?:ni )?(?:hablar|caminar|respirar)|(?:me|se|le) (?:estoy |esta )?ahog\w*|sin aire)\b",
    ),
    *_rule(
        "breathing",
        # "mi esposo no respira" (read "no respirar"): someone who does not breathe, not a
        # nose that does not ("no respira por la nariz") or a breath short only at exercise
        r"\bno (?:respirar|respiraba|respiro)\b(?! (?:por|con|a traves|bien (?:por|cuando|al)|cuando|al|agitad\w*|rapido)\b)",
    ),
    *_rule(
        "breathing",
        # "no puedo coger aire": any verb that draws air in
        r"\b(?:no (?:puedo|puede|podia|pudo|consigo|consigue|logro|logra)|casi no (?:puedo|puede)|(?<=me )cuesta|(?<=le )cuesta|apenas (?:puedo |puede )?)(?: ni)? (?:coger|meter|tomar|agarrar|jalar|pillar|sacar|chupar|respirar|llenar\w* de) (?:el |nada de |suficiente |bien (?:el )?|un poco de )?aire\b",
        also_in_clause=r"aire",
    ),
    *_rule(
        "stroke",
        # a curtain, a shade, a veil over the sight
        _near(r"(?:curtain|shade|veil|shadow|cortina|telon|velo|persiana|sombra)", r"(?:eye|eyes|vision|sight|see|seeing|ojo|ojos|vista|ver|veo)", 6),
        also_in_clause=r"(?:curtain|shade|veil|shadow|cortina|telon|velo|persiana|sombra)",
    ),
    *_rule(
        "stroke",
        # confusion that came on suddenly ("was fine an hour ago")
        rf"\b{CONFUSED}",
        also_in_clause=(
            r"(?:confus\w*|confundid\w*|disorient\w*|desorient\w*|reconoc\w*|recogni\w*|know (?:where|who|what day)|sabe (?:donde|quien|en que)|nonsense|sin sentido|incoheren\w*|tonterias|como id[ao]|perdid[ao]|delira\w*)",
            ONSET,
        ),
    ),
    *_rule(
        "stroke",
        # the worst, sudden dizziness with falling or not walking (the back of the brain)
        r"\b(?:dizz\w*|vertigo|spinning|vueltas|gira\w*|mare\w*)\b(?:\s+\S+){0,6}?\s+(?:(?:cant|cannot|couldnt) (?:walk|stand)|fell|falling|fall over|keep falling|no (?:me )?(?:puedo|puede|podia) (?:parar|caminar|mantener|sostener)|me cai|se cayo|se cae|me caigo)\b",
        also_in_clause=rf"(?:{SUDDEN}|worst|peor)",
    ),
    *_rule(
        "bleeding",
        # clots the size of something (a golf ball, a lemon)
        _near(r"(?:clots?|coagulos?|cuajos?|cuajarones?)", r"(?:golf ?balls?|lemons?|plums?|fists?|eggs?|palm|tennis|baseball|huevos?|limon\w*|pelotas?|punos?|big|huge|large|enormes?|grandes?|tamano)", 5),
        also_in_clause=r"(?:clots?|coagulos?|cuajos?|cuajarones?)",
    ),
    *_rule(
        "suicidal",
        r"\bend(?:ing)? (?:things|it all|everything)\b(?! (?:with|between|off with))",
        r"\b(?<!ya )(?:acabe|termine) (?:todo|mi vida)\b|\bponerle fin a (?:todo|mi vida)\b",
        r"\bdejar de (?:existir|vivir)\b|\bdesaparecer del mundo\b",
        r"\b(?:gun|pistola|arma|revolver)\b(?:\s+\S+){0,3}?\s+(?:in (?:my|his|her) hand|en (?:la|mi|su) mano|loaded|cargada|to my head|en (?:la|mi) cabeza|in my mouth|en la boca)\b",
        r"\bcort(?:ando|andose|arse|arme|a|aba|o|e)(?:se|me)? (?:los|las|sus|mis) (?:brazos|munecas|piernas|venas|muslos)\b",
        r"\bcutting (?:her|his|my|their) (?:arms|wrists|legs|thighs)\b",
        r"\b(?:giving|gave|give) away (?:all )?(?:my|his|her) (?:stuff|things|belongings|possessions|pets?)\b|\bregal(?:ando|e|o|ar) (?:todas )?(?:mis|sus) cosas\b",
        r"\b(?:tired|sick|done) (?:of|with) (?:living|life|being alive|existing|my life)\b|\b(?:cansad[ao]|hart[ao]) de (?:vivir|la vida|existir)\b|\bcanse de (?:vivir|la vida)\b",
        r"\b(?:wrote|written|writing|escribi|escrito|escribiendo) (?:\S+ ){0,2}?(?:letters?|notes?|cartas?) (?:to|for|a|para) (?:my|mi|mis) (?:family|kids|children|wife|husband|mom|familia|hijos|esposa|esposo|mama)\b(?=.*\b(?:ready|goodbye|listo|lista|despedi\w*|adios|last|ultim[ao])\b)",
    ),
    *_rule(
        "suicidal",
        # not being around much longer, said to cancel what comes after (not a trip)
        r"\b(?:wont|will not|not going to|no voy a|ya no voy a|no vaya a) (?:be|estar|seguir) (?:around|here|alive|aqui|viv[oa]|a problem|a burden|una carga|un problema)\b(?:\s+\S+){0,4}?\s+(?:by then|anymore|much longer|for long|that long|for that|para entonces|mucho tiempo|para eso|mas tiempo|por mucho)\b",
        r"\bya no (?:voy a )?(?:estar|estare) (?:aqui|viv[oa]|presente)\b",
        also_in_clause=r"(?:around|here|alive|aqui|viv[oa]|presente|problem|burden|carga|problema)",
        unless=r"\b(?:moving|move|moved|travel\w*|trip|vacation|holiday|out of town|out of the country|deployed|abroad|mudo|mudamos|mudanza|mudar\w*|viaj\w*|vacaciones|fuera de la ciudad|fuera del pais|extranjero)\b",
    ),
    *_rule(
        "overdose",
        # twice or double a dangerous medicine (not "twice a day")
        _near(
            r"(?:twice(?! (?:a|per|each|every|daily|weekly))|double|doubled|two doses|dos veces(?! (?:al|por|a la|cada|diario))|doble|dos dosis|extra)",
            r"(?:insulin|insulina|humalog|novolog|lantus|methadone|metadona|opioids?|oxy\w*|fentanyl|fentanilo|morphine|morfina|xanax|clonazepam|benzos?|lorazepam|warfarin|coumadin|eliquis|xarelto|digoxin|lithium|litio|percocet|norco|suboxone|tramadol|seroquel)",
            4,
        ),
    ),
    *_rule(
        "overdose",
        # a child into the medicine
        rf"\b(?:(?<=got )into|(?<=gets )into|(?<=getting )into|metio (?:a|al|en)|agarro|encontro|found)\b(?:\s+\S+){{0,4}}?\s+\b{PILLS}\b",
        also=rf"\b{CHILD}\b",
        unless=r"\b(?:his own|her own|their own|as prescribed|refill|rellenar|resurtir|surtir)\b",
    ),
    *_rule(
        "overdose",
        # pills counted as "no idea how many"
        r"\b(?:no idea|dont know|not sure|unsure|cant tell|no se|ni idea|no sabemos|no sabe) (?:how (?:many|much)|cuant[ao]s?)\b",
        also_in_clause=(
            r"(?:how (?:many|much)|cuant[ao]s?)",
            r"(?:ate|eaten|swallow\w*|took|taken|got into|drank|se (?:tomo|trago|comio|bebio)|tomo|trago|comio|bebio|me tome|me trague|se metio)",
        ),
    ),
    *_rule(
        "blood_sugar",
        # a glucose reading dangerously low (under 55 mg/dL) or too high to read
        rf"\b{GLUCOSE}\b(?:\s+\S+){{0,3}}?\s+(?:[1-4]\d|5[0-4])\b(?!\s*(?:\d|mmol|years?|yrs?|anos|mins?|minutes|minutos|hours?|hrs?|horas|units?|unidades|u\b|days?|dias|weeks?|semanas|months?|meses|times|veces|pounds|lbs|kg|kilos|carbs?|grams?|gramos|g\b|percent|por ciento|mg\b))",
        rf"\b{GLUCOSE}\b(?:\s+\S+){{0,3}}?\s+(?:[6-9]\d\d|over 500|more than 500|mas de 500|arriba de 500)\b(?!\s*(?:\d|mg\b))",
        rf"\b{GLUCOSE}\b(?:\s+\S+){{0,2}}?\s+(?:says|reads|shows|dice|marca|muestra) (?:hi|high|lo)\b(?! (?:que|mismo|de))",
    ),
    *_rule(
        "severe_pain",
        # a headache like a blow (thunderclap)
        _near(
            HEAD_PAIN,
            r"(?:like (?:i was |i got |i d been |being |someone |somebody |something |a )?(?:hit|struck|smacked|kicked|shot|whacked|clubbed|bat|baseball bat|hammer)|como (?:si )?(?:me )?(?:hubieran |dieran |pegaran |dio )?(?:un )?(?:golpe|batazo|balazo|martillazo|palazo|trancazo|macanazo|bate)|bomb went off|exploded|exploto|estallo)",
            6,
        ),
        also_in_clause=r"(?:head\w*|cabeza|jaqueca|migra\w*)",
        unless=r"\b(?:since (?:the|my|last|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|for (?:days|weeks|a week|two days|three days)|desde hace (?:dias|semanas)|flu|gripe|gripa|cold|resfriad\w*|sinus\w*|hangover|cruda|every (?:day|morning)|todos los dias)\b",
    ),
    *_rule(
        "severe_pain",
        # the appendix named, with pain or fever
        _near(
            r"(?:appendi\w*|apendic\w*|apendix|apendice)",
            r"(?:killing|severe|terrible|fever|fiebre|vomit\w*|burst\w*|rupture\w*|revent\w*|horrible|fuerte|duele|dolor|pain|hurts?|hurting|aching)",
            8,
        ),
        also_in_clause=r"(?:appendi\w*|apendic\w*|apendix|apendice)",
        unless=r"\b(?:removed|taken out|out in|had (?:my|his|her) appendix out|me (?:lo )?(?:quitaron|sacaron)|se (?:lo )?(?:quitaron|sacaron)|operaron del apendice|appendectomy|apendicectomia)\b",
    ),
    *_rule(
        "meningitis_signs",
        # fever after an operation, with a racing heart, shaking or confusion (sepsis)
        _near(FEVER_ANY, r"(?:surgery|operation|section|procedure|cirugia|operacion|operaron|cesarea)", 8),
        also_in_clause=(
            r"(?:surgery|operation|section|procedure|cirugia|operacion|operaron|cesarea)",
            r"(?:racing|pounding|fast|rapid\w*|confus\w*|terrible|awful|worst|shaking|chills|rigors|acelerad\w*|a mil|escalofr\w*|temblando|confundid[ao]|very weak|muy debil)",
        ),
    ),
    *_rule(
        "unconscious",
        # shaking that will not stop, or has lasted minutes (not chills, nerves or a tremor)
        rf"\b{SHAKE}\b(?:\s+\S+){{0,6}}?\s+(?:(?:wont|doesnt|cant|will not|isnt) stop\w*|no (?:para|paraba|deja|dejaba) de|sin parar|non ?stop|(?:for|por|ya van|van|lleva|llevan) (?:\d+|two|three|four|five|ten|several|a few|dos|tres|cuatro|cinco|diez|varios) (?:minutes|mins|minutos|min))\b",
        unless=r"\b(?:chills?|escalofr\w*|cold|frio|freezing|nervous|nervios\w*|anxi\w*|ansiedad|panic|panico|tremors?|parkinson\w*|hands?|manos?|caffeine|coffee|cafe|hypo\w*|sugar|azucar)\b",
    ),
    *_rule(
        "burn",
        # a burn described by its look: big blisters, skin coming off, white or charred
        _near(r"(?:blister\w*|ampoll\w*)", r"(?:huge|big|giant|enormes?|grandes?|gigantes?|everywhere|size of|tamano)", 5),
        r"\b(?:blister\w*|ampoll\w*)\b(?:\s+\S+){0,3}?\s+(?:all over|por todas partes|en tod[ao]|everywhere)\b",
        r"\b(?:skin|piel)\b(?:\s+\S+){0,3}?\s+(?:peeling off|coming off|falling off|sliding off|sloughing|(?:se (?:le |me )?)?(?:esta )?(?:cayendo|cae|desprend\w*|sale|salio|cayo|pela\w* (?:en|a) (?:tiras|pedazos)))\b",
        r"\b(?:skin|piel)\b(?:\s+\S+){0,2}?\s+(?:is |esta |turned |se puso )?(?:white|charred|leathery|black|blanca|negra|carbonizad[ao]|como cuero)\b",
        also=r"\b(?:burn\w*|hot|boil\w*|scald\w*|oil|grease|steam|fire|flame\w*|stove|oven|iron|pan|pot|kettle|chemical|acid|bleach|quem\w*|calient\w*|hirv\w*|aceite|vapor|fuego|llama\w*|estufa|horno|plancha|sarten|olla|tetera|quimic\w*|acido|cloro)\b",
        unless=r"\b(?:sun|sunburn\w*|sol|asolead\w*|playa|beach|tanning|shoes?|zapatos?|hiking|boots?|botas|rowing|gym|peel|exfolia\w*|eczema|psoria\w*|un poco|un poquito|poquito|tantito|tiny|minor|mild|leve|lil|slight\w*|no blisters|sin ampollas|rosit\w*|pink|pinky|marquita|size of a (?:quarter|coin|dime|nickel|penny)|tamano de una moneda|totally normal|rinsed it|lo lave|diluted|diluido|already (?:feels )?better|ya (?:esta|me siento) mejor)\b",
    ),
    *_rule(
        "burn",
        # a scald said with "me cayó", "le cayó"
        _near(
            r"(?:cayo|tiro|echo|volteo|derramo|salpico|vacio|encima)",
            r"(?:agua (?:hirviendo|caliente)|aceite (?:caliente|hirviendo)|(?:cafe|sopa|caldo|leche) (?:caliente|hirviendo)|hirviendo)",
            5,
        ),
        r"\b(?:boiling|scalding|hot) (?:water|oil|grease|coffee|tea|soup)\b(?:\s+\S+){0,3}?\s+(?:all over|on|onto|over|down) (?:his|her|my|the|their) (?:chest|face|arms?|legs?|hands?|body|back|neck|belly|stomach|lap|feet|foot)\b",
        also_in_clause=r"(?:hirviendo|caliente|boiling|scalding|hot)",
        unless=r"\b(?:un poco|un poquito|poquito|tantito|tiny|minor|mild|leve|lil|slight\w*|no blisters|sin ampollas|rosit\w*|pink|pinky|marquita|size of a (?:quarter|coin|dime|nickel|penny)|tamano de una moneda|totally normal|rinsed it|lo lave|diluted|diluido|already (?:feels )?better|ya (?:esta|me siento) mejor)\b",
    ),
    # --- issue 34, sixth pass (second half): what three fresh writers said -----------------
    *_rule(
        "suicidal",
        # a means at hand (a gun, a rope) with despair, farewell or silence
        r"\b(?:guns?|rifles?|shotguns?|pistols?|handguns?|firearms?|armas?|pistolas?|escopetas?|revolver|rope|noose|sogas?|cuerdas?)\b",
        also=r"\b(?:cant do this|cannot do this|no doy mas|no puedo mas|ya no puedo|goodbye|good bye|despid\w*|adios|notes? for|cartas|escribiendo cartas|thank you for everything|gracias por todo|sobr[ao] en este mundo|ya no quiere vivir|no (?:tiene|tengo) para que vivir|(?:not|isnt|wont|hasnt been) answer\w*|no (?:contesta|coge|responde)|turned off (?:his|her|my) phone|apago (?:el|su) (?:telefono|celular)|tonight is|last night|usarla|usarlo|use it|sorry for everything|perdoname|perdon por todo|cuida (?:a|de)|take care of|ya no sirvo|no sirvo para nada|worthless|hopeless|sin esperanza|no (?:le )?veo sentido|(?:dont|do not|cant) see (?:the|any) point|decided|decidi|means it|lo dice en serio|end it|matar\w*|kill\w*|morir\w*|die|dead|muert[ao]|suicid\w*|mejor (?:me |se )?muer\w*|(?:soy|somos|es) una carga|a burden)\b",
        unless=r"\b(?:hunting season|shooting range|glue gun|nail gun|heat gun|thermometer gun|jump rope|rope swing|tarjeta|license|licencia|permit|permiso)\b",
    ),
    *_rule(
        "suicidal",
        # farewell: a last night, affairs in order, a decision made, means saved up
        r"\btonight is (?:the|my|his|her) (?:night|last night)\b(?! (?:of|for|before))|\bnoche es (?:la|mi|su) (?:noche|ultima)\b|\bultima noche\b(?! (?:del|de|en|que|antes))",
        r"\b(?:(?<=todo )|(?<=cosas ))(?:ordenad[oa]s?|arreglad[oa]s?)\b|\b(?:(?<=todo en )|(?<=cosas en ))orden\b|\baffairs in order\b",
        r"\bpaz con (?:la|mi|su) decision\b|\bpeace with (?:my|the|this) decision\b|\bmade (?:my|the) (?:final )?decision\b",
        r"\b(?:sav\w*|stockpil\w*|hoard\w*|junt\w*|acumul\w*|ahorr\w*) (?:up )?(?:\S+ ){0,2}?(?:pills?|tablets?|meds|insulin pens?|pens|pastillas|insulina|plumas)\b",
        r"\b(?:how (?:much|many)|cuant[ao]s?) (?:it takes|to take|se necesita\w*|hace falta)\b",
        r"\bdriv\w* (?:\S+ ){0,3}?(?:off|into) (?:a |the )?(?:bridge|cliff|wall|tree|train|river|lake|overpass)\b|\bestrellar(?:me|se) (?:con|contra)\b",
        r"\b(?:(?<=my )|(?<=own )|(?<=mi )|(?<=propio ))funeral\b",
        r"\bsorry for everything\b(?! (?:that|at|with|about|i|we|you|the|on|in|from|yesterday|today))|\bperdon(?:ame)? por todo\b(?! (?:lo que|el|la|en|con))",
        r"\b(?:giving|gave|give|given) away (?:all (?:of )?)?(?:my|his|her|their) (?:\w+ )?(?:stuff|things|belongings|possessions|pets?|dog|cat|tools|console|guitar|jewel\w*|collection|car|truck|games?)\b|\b(?:giving|gave|given) away everything\b",
        r"\bregal(?:ando|e|o|ar|aron)(?:le)? (?:todas? )?(?:mis|sus|su|mi) (?:\w+ )?(?:cosas|perro|gato|mascotas?|herramientas|ropa|consola|guitarra|joyas|coleccion|carro|coche)\b",
        r"\bcut(?:ting|tin) (?:my ?self|himself|herself|again|deeper)\b|\bcut (?:my ?self|himself|herself) (?:again|deeper|on purpose)\b|\bend(?:ing)? it (?:tonight|today|now|for good|soon)\b",
        unless=r"\b(?:moving|travel\w*|vacation|mudanza|viaje|vacaciones)\b",
    ),
    *_rule(
        "suicidal",
        r"\b(?:dont|cant|no longer) see (?:the |any )?point (?:anymore|any ?more|in (?:anything|living|life|going on|it all)|of (?:living|life|anything))\b",
        also_in_clause=r"point",
    ),
    *_rule(
        "suicidal",
        # no future: not going to need what comes after, with a farewell (not a new doctor)
        r"\b(?:wont|will not|not going to|no (?:voy|va) a|ya no (?:voy|va) a) (?:be )?(?:need\w*|necesitar\w*|ir a (?:mis|sus|las) citas)\b|\b(?:no|ya no) (?:la|las|lo|los) (?:voy|va) a necesitar\b",
        r"\b(?:wont|will not|not going to|no (?:voy|va) a|ya no (?:voy|va) a|no creo que|dont think (?:i|he|she)(?: ll| will)?) (?:\S+ ){0,3}?(?:around|here|alive|aqui|viv[oa])\b(?:\s+\S+){0,4}?\s+(?:by then|anymore|much longer|for long|that long|para entonces|mucho tiempo|mas tiempo|after (?:this|the) (?:weekend|week|month)|past (?:this|the) (?:weekend|week))\b",
        also=r"\b(?:thank\w* (?:you )?for (?:always|everything|all)|gracias por todo|always being kind|siempre (?:tan )?amable|sorry for everything|perdon\w* por todo|tell (?:\w+ ){0,3}(?:im sorry|i love|goodbye)|dile\w* (?:a \w+ )?que (?:lo|la|los) quiero|goodbye|despid\w*|en paz|decision|decid\w*|ordenado|saving up|funeral|last|ultim[ao]|da igual|doesnt matter|no (?:importa|tiene sentido)|cansad[ao]|tired|harto|done)\b",
        unless=r"\b(?:moving|move|moved|travel\w*|trip|vacation|holiday|out of town|deployed|abroad|new (?:doctor|dentist|provider|practice|insurance)|switch\w*|transferr\w*|mudo|mudamos|mudanza|mudar\w*|viaj\w*|vacaciones|otro (?:doctor|dentista|medico)|nuevo (?:doctor|dentista|medico|seguro)|cambi\w* de (?:doctor|dentista|clinica|seguro)|better|mejor|recovered|healed|cured|alta)\b",
    ),
    *_rule(
        "meningitis_signs",
        # an infection, then fever with a body that is failing (sepsis)
        r"\b(?:uti|urine infection|bladder infection|kidney infection|infection|infeccion|infectad[ao]|pneumonia|neumonia|pulmonia|cellulitis|celulitis|operaron|surgery|cirugia|operacion|aborto|miscarriage|parto|section|cesarea|catheter|sonda|chemo|quimio\w*|colonoscop\w*|procedure|procedimiento|pielonefritis|abscess|absceso|wound|herida)\b",
        also=r"^(?=.*\b(?:fever\w*|feaver|temp|temperature|burning up|fiebre|calentura|temperatura|escalofr\w*|chills|rigors|(?:3[89]|4[01]) \d|(?:of|de|con|at|a|marca|running) (?:3[89]|4[01]|10[1-5]))\b)(?=.*\b(?:racing|pounding|fast|rapid\w*|confus\w*|confundid[ao]|not making sense|id[ao]|perdid[ao]|cosas raras|mottled|blotchy|marmole\w*|moteada|shaking|temblando|(?:cant|can not|cannot|no (?:puedo|puede)) (?:get up|stand|levantar\w*|parar\w*)|barely|mare\w*|dizzy|very weak|muy debil|a mil|1[3-9]\d|(?:3\d|4\d) (?:a|per|por) (?:minute|min|minuto))\b)"
        r"|^(?=.*\b(?:mottled|marmole\w*|moteada|blotchy|ice cold|helad[ao]s?|(?:3\d|4\d) (?:a|per|por) (?:minute|min|minuto))\b)(?=.*\b(?:confus\w*|confundid[ao]|not making sense|id[ao]|perdid[ao])\b)",
    ),
    *_rule(
        "overdose",
        # took a number of them, the rest of them, or ten times the dose
        r"\b(?:took|taken|swallowed|tome|tomo|trague|trago|tomado|tragado) (?:like |about |around |maybe |como |unas |unos |mas de |over |at least |almost |casi )?(?:1\d|[2-9]\d|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|diez|doce|trece|catorce|quince|dieci\w+|veinte|veinti\w+|treinta|cuarenta|cincuenta)\b(?! (?:years?|anos|minutes|minutos|mins?|hours?|horas|days?|dias|mg|ml|units|unidades|weeks?|semanas|pm|am|de la|percent|por ciento))",
        r"\b(?:took|taken|swallowed|tome|tomo) (?:all |the |todo |todas |el |las )?(?:rest|remaining|remainder|resto|las que quedaban|lo que quedaba)\b",
        r"\b(?:instead of|(?<=en )vez de|(?<=en )lugar de) (?:\d+ ){1,2}(?:ml|mg|cc|mls)\b",
        also=rf"\b(?:{PILLS}|ibuprofen\w*|paracetamol\w*|tylenol\w*|advil\w*|amitriptyline|pastillas?|pills?)\b",
    ),
    *_rule(
        "overdose",
        # sedation after a medicine: slow breathing, can't be woken, eyes that won't stay open
        r"\b(?:breath\w*|respir\w*) (?:\w+ ){0,2}?(?:slow\w*|lent[oa]|shallow|superficial)\b|\bslow(?:ly)? breath\w*\b|\bhard to wake\b|\b(?:(?<=cant )|(?<=barely )|(?<=cannot ))keep (?:my|his|her) eyes open\b|\bno (?:puede|puedo) (?:mantener|tener) los ojos abiertos\b|\b(?:atontad[ao]|adormilad[ao])\b",
        also=r"\b(?:pills?|pastillas?|tablets?|meds|medicine|medicina|hydrocodone|oxy\w*|opioids?|heroin\w*|fentanyl\w*|methadone|metadona|morphine|morfina|percocet|norco|tramadol|xanax|clonazepam|benzos?|lorazepam|sleeping|dormir|paracetamol|tylenol|jarabe|syrup|overdos\w*|took|tome|tomo)\b",
    ),
    *_rule(
        "burn",
        # an electric shock, a chemical in the face or eyes
        r"\b(?:electrocut\w*|electric(?:al)? shock|(?:(?<=got )|(?<=was )|(?<=been )|(?<=get )|(?<=gets ))shocked|live wire|high voltage|descarga electrica|(?:(?<=dio )|(?<=dio una ))(?:descarga|corriente)|toque electrico|cable (?:pelado|vivo)|struck by lightning|(?<=cayo un )rayo)\b",
        _near(
            r"(?:drain cleaner|bleach|acid|caustic\w*|lye|sosa|cloro|acido|chemicals?|quimic\w*|degreaser|desengrasante|ammonia|amoniaco|oven cleaner|pool chemicals?|destapacanos|limpiador)",
            r"(?:eyes?|face|cara|ojos?|splash\w*|sprayed|spray\w*|salpic\w*)",
            5,
        ),
        unless=r"\b(?:static|doorknob|carpet|estatica|peel|peeling mask|mascarilla|un poco|un poquito|poquito|tantito|tiny|minor|mild|leve|lil|slight\w*|no blisters|sin ampollas|rosit\w*|pink|pinky|marquita|size of a (?:quarter|coin|dime|nickel|penny)|tamano de una moneda|totally normal|rinsed it|lo lave|diluted|diluido|already (?:feels )?better|ya (?:esta|me siento) mejor)\b",
    ),
    *_rule(
        "dental_emergency",
        # a jaw broken or out: the bite no longer meets, the mouth will not close
        r"\b(?:teeth|dientes|bite|mordida)\b(?:\s+\S+){0,3}?\s+(?:dont|do not|doesnt|does not|no|arent|wont) (?:line up|fit|meet|match|close|come together|encajan|cierran|coinciden|embonan|quedan)\b",
        r"\b(?:(?<=cant )|(?<=cannot )|(?<=even ))close (?:my |his |her |the )?(?:mouth|jaw)\b|\bno (?:puedo|puede) cerrar (?:la |su |mi )?(?:boca|quijada|mandibula)\b",
        also=r"\b(?:fell|fall|hit|punch\w*|kick\w*|golpe\w*|cai|cayo|me di|se dio|pegu\w*|pego|accident\w*|bike|bici\w*|ladder|escalera|crash\w*|chin|barbilla|menton|jaw|mandibula|quijada)\b",
    ),
    *_rule(
        "swallowing",
        # drooling, spitting out saliva: nothing goes down
        r"\b(?:drool\w*|babea\w*|escup\w* (?:la |su |mi |toda la )?saliva|escupe toda)\b",
        also=r"\b(?:swallow\w*|trag\w*|stuck|atora\w*|atasc\w*|moneda|coin|battery|pila\w*|hueso|bone|throat|garganta|amigdal\w*|tonsil\w*|saliva|spit)\b",
    ),
    *_rule(
        "head_injury",
        # hit on the head, said any way in Spanish ("me pegué en la cabeza", "le pegó en la cabeza")
        r"\b(?:pegu[eo]|pego|golpe\w*|lastim\w*|(?<=le )cayo|(?<=me )cayo|(?<=se )cayo)(?: un golpe)? (?:\S+ ){0,4}?(?:en |con )?(?:la|su|mi) cabeza\b",
        r"\b(?:cayo|cai|cayeron|fell)\b(?:\s+\S+){0,4}?\s+(?:de cabeza|on (?:his|her|my|their) head|head ?first)\b",
        also=rf"\b{HEAD_DANGER}\b",
    ),
    *_rule(
        "stroke",
        # a limb that went to sleep, said verb first ("se le durmió toda la pierna")
        r"\b(?:durmio|duerme|duerma|adormecio|entumio|paralizo)\b(?:\s+\S+){0,2}?\s+(?:el |la |su |mi )?(?:brazo|pierna|mano|lado|pie|cara)\b",
        # a limb that will not lift
        _near(LIMB, r"(?:no (?:levanta|mueve|siente)\w*|(?:doesnt|does not|wont) (?:move|lift|raise))", 4),
        also=rf"\b(?:{NEURO_COMPANION}|pierna|brazo|leg|arm|lengua|tongue|presion|pressure)\b",
        unless=r"\b(?:slept on|sleeping on|durmiendo (?:sobre|encima)|me dormi sobre|al despertar|when i wake up|every morning|todas las mananas|gym|workout|carpal|de estar|sentad\w*|sitting|crossed|cruzad\w*|posicion|position)\b",
    ),
    *_rule(
        "stroke",
        # wrong words come out
        r"\bsalen? otras? (?:cosa|cosas|palabras?)\b|\bwrong words\b|\bpalabras (?:equivocadas|que no son)\b|\b(?:cant|cannot) find (?:the |his |her |my )?words\b|\bno (?:encuentra|encuentro) (?:las )?palabras\b",
        also_in_clause=r"(?:words|palabras|cosa|cosas|palabra)",
    ),
    *_rule(
        "unconscious",
        r"\bsin (?:responder|reaccionar|despertar|contestar)\b",
        r"\b(?:tirad[ao]|lying|slumped|desplomad[ao])\b(?:\s+\S+){0,5}?\s+(?:sin|no|not|wont|isnt)\s+(?:\w+ )?(?:respond\w*|react\w*|contest\w*|reaccion\w*|wak\w*)\b",
    ),
    *_rule(
        "breathing",
        # an asthma attack that won't stop; many puffs; unable to talk or breathe
        r"\b(?:crisis|attack|ataque)(?: de asma| asthma)? (?:que )?(?:no (?:para|se (?:me |le )?quita|cede)|wont stop|isnt stopping|not stopping|wont go away)\b",
        r"\b(?:(?<=[6-9] )|(?<=1\d )|(?<=2\d )|(?<=six )|(?<=seven )|(?<=eight )|(?<=nine )|(?<=ten )|(?<=twelve )|(?<=twenty )|(?<=seis )|(?<=siete )|(?<=ocho )|(?<=nueve )|(?<=diez )|(?<=doce )|(?<=veinte ))(?:puffs?|disparos|inhalaciones|bombazos|pufs?)\b",
        r"\bsin poder (?:respirar|hablar)\b",
    ),
    *_rule(
        "severe_pain",
        # the worst ever felt; a known headache different this time, sudden
        r"\bpeor (?:dolor )?que (?:\w+ ){0,2}?(?:ha|he|haya|habia|hayas) (?:sentido|tenido)\b",
        r"\b(?:(?<=esta vez )|(?<=esta vez es )|(?<=this time )|(?<=this time is )|(?<=this time its ))(?:distint[oa]|diferente|different)\b",
        also=r"\b(?:head\w*|cabeza|jaqueca|migra\w*|dolor|pain|panza|barriga|estomago|belly|stomach|pecho|chest)\b",
    ),
    *_rule(
        "severe_pain",
        # pain that started at the navel and moved to the lower right (the appendix)
        r"\b(?:started|began|empezo|comenzo)\b(?:\s+\S+){0,4}?\s+(?:belly ?button|navel|ombligo)\b(?:\s+\S+){0,5}?\s+(?:right|derecha|derecho)\b",
        rf"\b{PAIN_WORD}\b(?:\s+\S+){{0,5}}?\s+(?:lower right|right lower|abajo a la derecha|lado derecho abajo|parte baja derecha)\b|\b(?:lower right|abajo a la derecha)\b(?:\s+\S+){{0,5}}?\s+{PAIN_WORD}\b",
        also=r"\b(?:fever\w*|fiebre|calentura|vomit\w*|throw\w* up|threw up|devolv\w*|(?:cant|cannot|can not|no (?:me )?(?:puedo|puede)) (?:even |ni )?(?:walk|stand|jump|move|caminar|parar\w*|poner\w* de pie|mover\w*|brincar|saltar)|holding (?:his|her|my) side|3[89] \d|10[1-4])\b",
    ),
    *_rule(
        "severe_pain",
        # a belly hard as wood with pain anywhere in the message
        rf"\b{BELLY}\b(?:\s+\S+){{0,3}}?\s+(?:hard|dur[ao]|rigid\w*|tens[ao]|distended|distendid[ao])\b",
        also=rf"\b(?:{PAIN_WORD}|muchisimo|killing|vomit\w*|fever|fiebre)\b",
        unless=r"\b(?:poop|stool|caca|popo|heces|constipat\w*|estren\w*)\b",
    ),
    # --- issue 34, sixth pass: dehydration (attack6 found it unread) ----------------------
    *_rule(
        "dehydration",
        # no pee or no wet diaper for hours, crying without tears, a sunken soft spot or eyes
        r"\b(?:hasnt|has not|hadnt|havent|have not|not|no|didnt|did not|hasn t|haven t) "
        r"(?:had (?:a |any )?)?(?:peed|pee|urinated|wet (?:a )?(?:diapers?|nappy|nappies)|wet diapers?)\b"
        r"(?:\s+\S+){0,2}?\s+(?:in|for|since|all) (?:\d+|eight|nine|ten|twelve|several|many|hours|yesterday|last night|this morning|day|today)\b",
        r"\bno (?:ha|han) (?:hecho pipi|orinado|mojado (?:el|los) panal\w*|hecho del uno)\b"
        r"(?:\s+\S+){0,2}?\s+(?:en|desde|todo)\b",
        r"\bno hace pipi desde\b",
        _near(r"(?:cr(?:y|ies|ying)|llora\w*)", r"(?:no tears|without tears|sin lagrimas)", 3),
        r"\b(?:soft spot|fontanel+e?|mollera|ojos|eyes)(?:\s+(?!not\b|no\b|isnt\b|arent\b)\S+){0,2}?\s+(?:sunken|hundid[ao]s?|sumid[ao]s?)\b",
        r"\b(?:sunken|hundid[ao]s?) (?:soft spot|fontanel+e?|mollera|eyes|ojos)\b",
        unless=r"\b(?:shampoo|champu|last (?:summer|year|month)|el ano pasado)\b",
    ),
    *_rule(
        "infant_fever",
        # a fever read as a number, with an infant anywhere in the message
        r"\b(?:(?<=temp )|(?<=caliente )|(?<=hot )|(?<=fever )|(?<=fiebre )|(?<=calentura )|(?<=running )|(?<=marca )|(?<=marco )|(?<=reads )|(?<=says )|(?<=dice )|(?<=of )|(?<=de )|(?<=at )|(?<=a )|(?<=en )|(?<=con )|(?<=is )|(?<=was ))(?:3[89](?: \d)?|4[01](?: \d)?|100 [4-9]|10[1-5](?: \d)?)\b(?! (?:years?|anos|weeks?|semanas|days?|dias|months?|meses|minutes|minutos|mg|ml|pounds|lbs|kg))",
        also=rf"\b{_BABY}\b",
        unless=_NOT_INFANT_FEVER,
    ),
    *_rule(
        "bleeding",
        # on a blood thinner, a wound that soaks what is pressed on it or keeps running
        r"\b(?:soak\w*|empap\w*|chorr\w*|sigue (?:sangrando|saliendo|chorreando)|(?<=still )bleeding|(?<=keeps )bleeding|(?<=wont )stop|(?:(?<=through )|(?<=through the )|(?<=through two )|(?<=through both ))(?:towels?|bandages?|gauze))\b",
        also=r"\b(?:warfarin|coumadin|eliquis|xarelto|pradaxa|plavix|clopidogrel|heparin|blood thinners?|anticoagula\w*|adelgaza\w* la sangre)\b",
    ),
    # --- issue 34, seventh pass: clusters and idioms a new writer uses -------------------
    *_rule(
        "meningitis_signs",
        # a neck that will not bend, with a fever, light that hurts, a rash, vomiting or a
        # splitting head (not a night on the couch)
        rf"\b{NECK_SIGN}\b",
        also=rf"\b{NECK_COMPANION}\b",
        also_in_clause=r"(?:necks?|nape|chin|cuello|nuca|barbilla|barba|menton|bend|doblar|agachar|flexionar|forward|down)",
        unless=r"\b(?:slept (?:wrong|funny|badly|weird|on it)|sleeping (?:wrong|funny|on)|slept on|pillow|whiplash|gym|workout|lifting|posture|desk|computer|crick|dormi (?:mal|chueco|de lado)|mal dormid[ao]|torticolis|almohada|estres|stress|tension|gimnasio)\b",
        cite_also=True,
    ),
    *_rule(
        "meningitis_signs",
        # a rash that does not fade under a glass or when pressed (the glass test)
        rf"\b{NO_FADE}\b",
        also=r"\b(?:rash\w*|spots|dots|marks|blotches|petechia\w*|manchas|manchitas|puntitos|ronchas|sarpullido|salpullido|erupcion|petequias|puntos)\b",
        also_in_clause=r"(?:glass|tumbler|vaso|vidrio|(?:when|if|as|al|cuando|once|after) (?:\w+ ){0,2}?(?:press|push|apret|presion)\w*)",
        cite_also=True,
    ),
    *_rule(
        "meningitis_signs",
        # sepsis: an infection (or a fever) with a body that is failing
        rf"\b{SEPSIS_SIGN}\b",
        also=rf"\b{INFECTION}\b",
        also_in_clause=r"(?:confus\w*|disorient\w*|desorient\w*|confundid\w*|sense|nonsense|gibberish|crazy|strange|weird|know|sabe|out|delir\w*|incoheren\w*|id[ao]|reconoce|recogni\w*|sentido|incoherencias|tonterias|raras|mottl\w*|marble\w*|blotch\w*|gr[ae]y\w*|ashen|blu\w*|purpl\w*|motead\w*|marmole\w*|jaspead\w*|manchad\w*|amoratad\w*|grisace\w*|azulad\w*|cenizo\w*|cold|himself|herself|place|pienso|piensa|pensar|think|helad\w*|fri[ao]s?|shiver\w*|shak\w*|trembl\w*|tembl\w*|uncontrollabl\w*|rigors|die|morir)",
        unless=r"\b(?:fung\w*|hongos?|yeast|candid\w*|ringworm|tinea|versicolor|acne|eczema|vitiligo|athletes foot|pie de atleta|pitiriasis|melasma)\b",
        cite_also=True,
    ),
    *_rule(
        "unconscious",
        rf"\b{KNOCKED_OUT}",
        unless=r"\b(?:pills?|meds|medicine|medication|nyquil|zzzquil|benadryl|melatonin|sleeping (?:pills?|tablets?|meds)|sleep aid|syrup|jarabe|anesthesia|anaesthesia|anestesia|sedat\w*|sedad[ao]|pastillas?|ambien|unisom|tylenol pm|yourself)\b",
    ),
    *_rule(
        "unconscious",
        rf"\b{OUT_FOR_A_WHILE}",
        also=rf"\b{BLOW}\b",
        also_in_clause=r"(?:out|light|lights|black|dark|came|luz|luces|todo|negro|oscuro|si|tirad[ao]|tendid[ao]|respondia|reaccionaba|contestaba)",
        cite_also=True,
    ),
    *_rule(
        "stroke",
        # speech that comes out like mush, thick, jumbled
        r"\b(?:talk\w*|speak\w*|speech|words|habla\w*|palabras)\b(?:\s+\S+){0,4}?\s+(?:comes? out|coming out|came out|sale\w*|salen) (?:like |all |como )?(?:mush\w*|garbled|slurr\w*|jumbled|thick|trabad\w*|arrastrad\w*|enredad\w*)\b",
    ),
    *_rule(
        "suicidal",
        # shut away and silent after a despairing message or a farewell
        r"\b(?:se (?:encerr\w*|fue)|locked (?:him|her|them)sel(?:f|ves)|no (?:me |nos |le )?(?:abre|contesta|responde)|(?:isnt|not|wont|hasnt been|is not) (?:answering|opening|picking up|responding)|turned off (?:his|her|their) phone|apago (?:el|su) (?:telefono|celular))\b",
        also_in_clause=r"(?:encerr\w*|fue|locked|abre|contesta|responde|answering|opening|picking|responding|phone|telefono|celular)",
        also=r"\b(?:ya no aguanta\w*|no aguanta mas|cant take it any ?more|cant do this any ?more|no (?:puede|puedo) mas|ya no (?:puede|quiere|quiero)|wants? to die|se quiere morir|ya no quiere vivir|goodbye|good bye|despid\w*|se despidio|adios|perdon(?:en|ame)?(?: por todo)?|sorry for everything|finally|bridge|puente|guns?|pistola|arma|rope|soga|razor\w*|navaja)\b",
        cite_also=True,
    ),
    *_rule(
        "pregnancy",
        # the baby not felt, said "her" or "him", late in a pregnancy
        r"\b(?:havent|hasnt|not|didnt|cant|cannot|no longer|dont) (?:felt|feel|feeling|fell) (?:him|her|it|them) (?:move|moving|kick\w*)\b",
        r"\b(?:baby|bebe|he|she|it)\b(?:\s+\S+){0,2}?\s+(?:hasnt|has not|didnt|did not|hasn t|havent) (?:moved|kicked|been (?:moving|kicking))\b|\b(?:bebe|nene|nena)\b(?:\s+\S+){0,2}?\s+no (?:se ha movido|ha pateado|se movio|pateo)\b",
        also=rf"\b{PREGNANT}\b",
        also_in_clause=r"(?:move|moving|moved|kick\w*|movido|pateado|movio|pateo)",
        cite_also=True,
    ),
    *_rule(
        "severe_pain",
        # green (bilious) vomiting with a swollen belly, no wind, after an operation: a blocked
        # bowel
        r"\b(?:vomit\w*|throw\w* up|threw up|puk\w*|devolv\w*|arroj\w*) (?:\w+ ){0,2}?(?:green|bile|bilis|verde|verdoso)\b|\bgreen (?:vomit|puke|bile|stuff)\b",
        also=r"\b(?:swollen|distended|bloated|tight|hard|hinchad\w*|inflad\w*|distendid\w*|dur[ao]|(?:not|havent|hasnt) (?:passed|passing|farted|pooped) \w*|no (?:ha|he|hemos) (?:echado|sacado|hecho|ido|podido) \w*|surgery|operaron|operacion|cirugia|repair|hernia|baby|bebe|newborn|recien nacid[ao])\b",
        cite_also=True,
    ),
    *_rule(
        "severe_pain",
        # a head pain that exploded or burst (thunderclap), however sudden it was said to be
        _near(HEAD_PAIN, r"(?:explosive|exploding|exploded|burst|like something (?:burst|exploded|popped|snapped))", 6),
        also_in_clause=r"(?:explo\w*|burst|popped|snapped)",
    ),
    *_rule(
        "dental_emergency",
        # a jaw that will not close after a blow
        r"\b(?:jaw|mandibula|quijada|boca)\b(?:\s+\S+){0,3}?\s+(?:doesnt|does not|wont|cant|no) (?:close|shut|cierra|cerrar|closes)\b",
        also=r"\b(?:fell|fall|hit|punch\w*|kick\w*|golpe\w*|cai|cayo|me di|se dio|pegu\w*|pego|accident\w*|bike|bici\w*|hockey|ball|pelota|crash\w*)\b",
    ),
    # --- issue 34, eighth pass: a seventh writer's terse, formal and folk wording -----------
    *_rule(
        "suicidal",
        # the means made ready ("ya tengo la cuerda lista"), or all ready after a farewell
        _near(MEANS, READY, 3),
    ),
    *_rule(
        "suicidal",
        r"\b(?:tengo|tiene|esta|is|got|have) (?:ya )?(?:todo|everything|it all|all) (?:is )?(?:listo|ready|set|preparado|arreglado)\b",
        r"\beverything(?:s| is) (?:ready|set)\b",
        also=rf"\b{FAREWELL}\b",
        cite_also=True,
    ),
    *_rule(
        "suicidal",
        # despair, and on the way to a place to jump from
        r"\b(?:driving|heading|going|walking|on my way|headed|voy|vamos|ire|voy camino|camino|rumbo|manejando) (?:\w+ )?(?:to|towards|al|a la|hacia el|hacia la) (?:the )?(?:bridge|tracks|cliff|roof|rooftop|puente|vias|azotea|precipicio|barranco)\b",
        also=rf"\b{HOPELESS}\b",
        cite_also=True,
    ),
    *_rule(
        "suicidal",
        # cutting oneself with a blade, or not able to stop
        _near(BLADE, r"(?:cut|cutting|cuts|cortarme|cortandome|me corto|me corte|cortar)", 8),
        r"\b(?:cant|cannot|couldnt|can not) stop cutting\b(?! (?:the|my|his|her|a|an|it|this|that|out|back|down|coupons|hair|paper|wood|grass))",
        r"\bno (?:puedo|pude|puede) dejar de cortarme\b",
    ),
    *_rule(
        "unconscious",
        # a fit that has gone on for minutes ("ya van 3 minutos")
        r"\b(?:ya )?(?:van|lleva|llevan|llevamos|it has been|its been|been going|going on|been)(?: asi)? (?:for )?(?:como |about |like |over |almost |more than |mas de |casi )?(?:\d+|two|three|four|five|ten|dos|tres|cuatro|cinco|diez) (?:minutes|mins|minutos|min)\b",
        also=r"\b(?:empez\w*|comenz\w*|started|began|start\w*) (?:a |to )?(?:sacud\w*|convuls\w*|jerk\w*|shak\w*|seiz\w*|temblar)\b",
        unless=r"\b(?:chills?|escalofr\w*|cold|frio|freezing|nervous|nervios\w*|anxi\w*|ansiedad|panic|panico|tremors?|parkinson\w*|caffeine|coffee|cafe|hypo\w*|sugar|azucar)\b",
    ),
    *_rule(
        "severe_pain",
        # a head pain that struck while straining (thunderclap), or one never had before
        r"\b(?:hit|came on|started|struck|began|empezo|me dio|le dio|comenzo)\b(?:\s+\S+){0,3}?\s+(?:while|when|during|mientras|al) (?:i was |he was |she was |estaba )?(?:pushing|straining|lifting|having sex|sex|pujar|pujando|cargar|cargando|levantar|levantando)\b",
        r"\bnever (?:had|felt) (?:one|anything|a pain|pain) like (?:it|this|that)\b|\bnunca (?:me|le) (?:habia|ha) (?:dado|dolido|pasado) (?:uno |algo )?asi\b",
        also=rf"\b{HEAD_PAIN}\b",
        cite_also=True,
    ),
    *_rule(
        "infant_fever",
        # a young infant floppy, not feeding, hard to wake
        rf"\b{INFANT_DANGER}\b",
        also=rf"\b{_BABY}\b",
        cite_also=True,
    ),
    *_rule(
        "infant_fever",
        rf"\b{INFANT_NOT_FEEDING}\b",
        also=rf"\b{YOUNG_INFANT}\b",
        # (a latch question for the lactation consultant is no emergency)
        unless=r"\b(?:one side|(?:left|right|other) side|(?:un|el otro) lado|lado (?:izquierdo|derecho)|lactation|lactancia|consultant|asesora|nipples?|pezon\w*|tips|consejos|pacifier|chupete)\b",
        cite_also=True,
    ),
]


#: The longest word beginning a rule starts with: a clause's words are cut to it before they
#: are compared (a hostile 100,000-letter word has as many beginnings).
START_LEN = max(len(s) for rule in RULES if rule.starts for s in rule.starts)

# fmt: on

#: Words after which a finding is negated (a few words before it, in the same clause).
NEGATIONS = frozenset(
    {
        "no", "not", "denies", "denied", "deny", "without", "never", "isnt", "wasnt", "dont",
        "doesnt", "didnt", "arent", "hasnt", "havent", "none", "negative", "sin", "niega",
        "nunca", "ni", "tampoco",
    }
)  # fmt: skip
NEGATION_WINDOW = 4
#: Negations that deny only the next word or two ("sin casco, perdió el conocimiento").
SHORT_NEGATIONS = frozenset({"sin", "without"})
#: Words after which "sin" / "without" reaches one word more ("without any chest pain").
SHORT_REACH = frozenset(
    {"any", "a", "an", "the", "having", "feeling", "tener", "sentir", "nada", "ningun",
     "ninguna", "el", "la", "los", "las", "un", "una", "mucho", "much"}
)  # fmt: skip
#: Words that say the finding right after them is over ("stopped bleeding").
STOPPED = frozenset({"stopped", "quit", "ceased", "dejo", "paro"})
#: Words that end a negation's reach (it negates what it stands before, not the next finding).
NEGATION_STOPS = frozenset({"and", "y", "e", "then", "luego", "plus", "also", "ademas"})
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)"
_MONTH = (
    r"(?:january|february|march|april|june|july|august|september|october|november|december|"
    r"enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
)
#: A time that dates what it stands beside, long enough ago to be no emergency now, said in the
#: forms the older cues miss: before the finding or after it (not "since last week", which runs on).
_DATED = (
    rf"(?:like |about |around |almost |como )?{_NUMBER} (?:yrs?|years?) ago|"
    rf"hace (?:como |unos |unas |mas de |casi |ya )(?:{_NUMBER}|unos|unas) (?:mes|meses|ano|anos)|"
    r"(?:last|the other) (?:thanksgiving|christmas|xmas|easter|halloween|new year\w*|time|pregnancy)|"
    r"(?:la )?navidad pasada|(?:el )?embarazo pasado|"
    rf"(?:cuando|when) (?:tenia|tuvo|(?:i|he|she) was) (?:{_NUMBER}|\d+ (?:and|y) (?:a half|medio)) ?(?:anos?|meses|mes|years?|yrs?|months?|yo)?(?: old)?|"
    r"as a (?:girl|boy|little girl|little boy)|de (?:nina|nino|chiquita|chiquito|bebe)|"
    r"cuando (?:era|estaba) (?:nin[oa]|chic[oa]|pequen[oa]|chiquit[oa]|bebe|joven)|when (?:i|he|she) was (?:a )?(?:baby|little|kid|child|toddler)|"
    r"(?:during|in|with|after) (?:my|her|his|our|their) (?:last|previous|first|other|older|prior) (?:pregnancy|baby|delivery|child|kid|son|daughter|one)|"
    r"with (?:my|her|our) first\b|"
    r"(?:en|durante|con|despues de) (?:mi|su|el|nuestro) (?:(?:primer|otro|anterior|ultimo) (?:embarazo|parto|bebe|hijo|hija)|(?:embarazo|parto) (?:anterior|pasado))|"
    rf"(?:had|tuve|tuvo|tuvimos|was|fue) (?:\w+ ){{0,4}}?(?:in|en) {_MONTH}"
)


#: What someone else said or asked: it frames what that person's story names, not what the
#: writer then reports ("my friend says I look blue").
_HEARSAY = (
    r"(?:friend|friends|amig[oa]s?|vecin[oa]s?|neighbou?rs?|coworkers?|co workers?|companer[oa]s?|roommates?|classmates?)(?: \w+)? "
    r"(?:(?:asked|was asking)(?: me)? (?:if|whether|about|what|how)|(?:me )?pregunto (?:si|que|como|cuanto|sobre))"
)
#: What happened in the other person's family, told by them in the past ("my friend said her
#: baby had …"): it may run into the finding, like a conditional.
SAID_OF_THEIRS = re.compile(
    r"\b(?:friend|friends|amig[oa]s?|vecin[oa]s?|neighbou?rs?|coworkers?|co workers?|companer[oa]s?|roommates?|classmates?) "
    r"(?:said|told me|me dijo|me conto)(?: que)? (?:her|his|their|su) (?:\w+ )?(?:baby|son|daughter|kid|child|husband|wife|mom|dad|bebe|hijo|hija|nin[oa]|espos[oa]|mama|papa) (?:had|was|tuvo|se)\b"
)
HEARSAY = re.compile(rf"\b(?:{_HEARSAY})\b")
#: After someone else's words, what the writer or that person reports of themselves ("says I
#: look blue", "says she wants to die"); "su bebé" there is the other person's.
HEARSAY_REPORTED = re.compile(
    r"\b(?:i|im|ive|id|my|he|hes|she|shes|they|theyre|yo|tengo|estoy|mi|mis)\b(?:\s+\S+){0,3}\s*$"
)


DATED = re.compile(rf"\b(?:{_DATED})\b")
#: How far before a finding a ``DATED`` time that runs into it may begin, in characters.
DATED_CHARS = 40


#: Phrases before a finding (same clause) that make it past, someone else's past, or
#: hypothetical: not an emergency now.
CONTEXT_CUES = re.compile(
    r"\b(?:history of|hx of|h o|past|previous|prior|used to|years ago|months ago|(?<!since )(?<!from )last (?:year|month|summer|winter|spring|fall)|in (?:19|20)\d\d|en (?:el )?(?:19|20)\d\d|"
    r"what (?:should|do) (?:i|we) do if|what if|what happens (?:if|when)|que pasa (?:si|cuando)|is it (?:dangerous|bad|safe|ok|okay) (?:to|if)|es (?:peligroso|malo) (?:si|tomar)|can you die (?:from|of|if)|"
    r"if (?:i|he|she|you|my \w+) (?:ever|were|was|had|has|have|start|get|gets)|in case|just in case|"
    r"signs of|symptoms of|how (?:do|would|can) (?:i|you|we) (?:know|tell)|should i worry if|"
    r"(?:father|mother|dad|mom|grandma|grandpa|grandmother|grandfather|uncle|aunt|brother|sister|family) (?:had|has had|died|passed)|family history|runs in (?:my|the) family|"
    r"(?:a|one|two|three|four|six|several|a few|a couple of|\d+) (?:months?|years?|yrs?|mos?) ago|hace (?:como |unos |unas |casi |mas de |ya )?(?:un|una|unos|unas|dos|tres|cuatro|cinco|\d+) (?:mes|meses|ano|anos)|"
    r"cuando (?:tenia|tuvo) (?:\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho) (?:anos?|meses|semanas)|a los (?:\d+|un|dos|tres|cuatro|cinco|seis) (?:anos?|meses)|(?:during|in|with|after) (?:her|my|his|our) (?:last|previous|first|other|older|prior) (?:pregnancy|baby|delivery|birth|child|one)|with (?:our|my|her) first|(?:last|previous|prior) pregnancy|con (?:el|mi|su) (?:primer|primero|anterior|otro) (?:bebe|hijo|hija|embarazo|parto)|(?:mi|su|el) (?:embarazo|parto) anterior|en (?:mi|su) (?:otro|primer|ultimo|anterior) (?:embarazo|parto)|as a (?:girl|boy|young (?:woman|man|girl|boy))|last (?:thanksgiving|christmas|easter|halloween|new year|birthday)|(?:la )?navidad pasada|(?<!since )(?<!desde )(?:in|back in|en|last|el pasado) (?:january|february|march|april|june|july|august|september|october|november|december|enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)|"
    r"(?:run|runs|running) in (?:\w+ )?famil(?:y|ies)|hereditar\w*|inherited|genetic|"
    r"antecedentes|historial de|hace (?:anos|meses)|el ano pasado|(?<!desde )(?:el|la) (?:mes|verano|invierno|otono|primavera) pasad[oa]|que hago si|que debo hacer si|en caso de|si alguna vez|sintomas de|senales de|como (?:se|sabe|saber) si|"
    r"(?:papa|mama|abuel[oa]|tio|tia|herman[oa]|padre|madre|suegr[oa]|cunad[oa]|prim[oa]|amig[oa]|vecin[oa]) (?:tuvo|murio|fallecio|sufrio)|"
    r"(?:in law|cousin|friend|neighbou?r|coworker|co worker) (?:had|has had|died|passed)|"
    r"una vez (?:que )?|is it true|difference between|diferencia entre|(?:a|the|my|un|el|mi) (?:\w+ )?(?:character|personaje)|in my (?:story|novel|book|play|script)|en mi (?:novela|cuento|obra|historia)|que sintomas (?:tiene|da|causa)|what (?:are the )?(?:symptoms|signs) (?:of|does)|"
    r"(?:died|passed away|passed|murio|se murio|fallecio) (?:of|from|de|por)|"
    r"(?:daddy|mommy|papi|mami|granny|nana|grandpa|grandma|uncle|aunt|cousin) (?:had|has had|died|passed)|pense que|crei que|i thought (?:i|id|i d)(?: (?:had|was|did|\w+ed))?|"
    r"(?:said|told (?:me|him|her|us)|wants (?:me|him|her)|instructed (?:me|him|her)) to$|"
    r"es (?:verdad|cierto)|just curious|out of curiosity|por curiosidad|"
    r"as a (?:child|kid|baby|toddler|teen\w*)|when (?:i|he|she) was (?:a )?(?:little|kid|child|baby|young|teen\w*)|"
    r"de (?:nin[oa]|chic[oa]|pequen[oa]|chiquit[oa]|joven)|cuando (?:era|estaba) (?:nin[oa]|chic[oa]|pequen[oa]|bebe|joven)|"
    r"si (?:me|le|te|les) (?:llega|llegara|llegase|vuelve|volviera) a|"
    r"no longer|anymore|ya no|"
    # asked out of curiosity, for knowledge or for fiction: nobody's emergency
    r"is it true|es (?:cierto|verdad) que|(?:difference|differences) between|diferencias? entre|"
    r"que sintomas (?:tiene|tienen|da|dan|causa|son)|what (?:are|r) (?:the )?(?:signs|symptoms|warning signs)|"
    r"a character|un personaje|que hay que hacer (?:si|cuando)|what do (?:you|they|people) do (?:if|when)|"
    # a conditional about anyone ("if you're having a heart attack", "si a uno le da un infarto")
    r"if (?:you|youre|you re|someone|somebody|anyone|a person|people)(?: (?:think|feel))?(?: (?:youre|you re|you are|they are|theyre|is|are))? (?:having|havin|has|have|get|gets|got)|"
    r"si (?:a (?:alguien|uno|una persona|(?:mi|tu|su|un|una) \w+) )?(?:le |te |les )?(?:da|diera|diese)|que hacer (?:si|cuando)|"
    r"por si acaso|por si las dudas|what should (?:\w+ ){0,2}?do (?:if|when)|what (?:do|should|would) (?:i|we) (?:look|watch) (?:out )?for|what to (?:look|watch) (?:out )?for|"
    r"que (?:debo|tengo que|hay que) (?:vigilar|buscar)|(?:one|a|the) (?:\w+ )?(?:character|personaje)|"
    # a relative's death or event ("my granddad died of", "mi prima se murió de", "mi suegra tuvo")
    r"(?:died|passed away|passed) (?:of|from)|(?:se )?(?:murio|fallecio) (?:de|por)|"
    r"(?:daddy|mommy|granddad|grandad|granny|cousin|grandparents?|parents) (?:had|has had|died|passed)|"
    r"(?:papi|mami|abuelit[oa]|suegr[oa]|prim[oa]|cunad[oa]|padres|abuelos) (?:tuvo|tuvieron|murio|fallecio)|"
    # past episodes ("once", "when I was 6", "en 2015", "hace muchos años")
    r"una vez (?:me|se|le|te|nos|tuve|tuvo|tuvimos)|when (?:i|he|she) was (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)|"
    r"(?:many|several|some) years ago|hace (?:muchos|varios|algunos|bastantes) (?:anos|meses)|"
    # dated in other words: "2 yrs ago", "hace como 3 años", "la semana pasada", "last christmas",
    # "when she was 2", a past pregnancy or child ("with our first", "en mi embarazo anterior")
    f"{_DATED}|"
    # a relative's history in other words ("en mi familia hay infartos")
    r"en (?:mi|la|nuestra) familia (?:hay|ha habido|han habido|hubo|han tenido|tienen|tuvieron)|in (?:my|our) family (?:there (?:are|is|were|have been)|we have|theres)|"
    # what someone else said or asked ("my friend said her baby had …", "una vecina me preguntó si …")
    f"{_HEARSAY}|"
    # what to do if …, asked of anyone ("what should kids do if", "qué debo hacer si")
    r"what (?:should|do|can|would|must) (?:\w+ ){0,2}do (?:if|when)|what do (?:i|we) look for (?:if|when)|"
    r"que (?:debo|debe|debemos|deben|tengo que|tiene que|se debe|se hace|hago|hacemos) (?:hacer )?(?:si|cuando)|"
    r"si a (?:un|una|el|la|los|las|mi|tu|su|sus|mis) (?:\w+ )?(?:le |les )?(?:da|diera|diese|pasa)|"
    r"(?:one|another|main|this|that|his|her|su|otro|otra|una) (?:\w+ )?(?:character|personaje)|"
    r"(?:the )?most common (?:cause|causes|sign|signs) of|la causa mas comun de)\b"
)
#: Distress that reads like a negation or "anymore" ("I can't take it anymore", "no aguanto
#: más"): it says how bad now is, so it neither negates nor dates what follows.
_DISTRESS = re.compile(
    r"\b(?:(?:i|he|she) )?(?:cant|cannot|can not|couldnt) (?:take|do|stand|handle|bear|deal with|go on with) (?:it|this|that|life|the pain)(?: any ?more| no more)?\b|"
    r"\b(?:ya )?no (?:aguanto|soporto|resisto|aguanta|soporta)(?: (?:mas|ya|esto|este dolor|la vida))*\b|"
    r"\bya no (?:puedo|puede)(?: mas)?\b|\bno (?:puedo|puede) mas\b|"
    r"\b(?:nothing (?:matters|makes sense)|no point)(?: any ?more)?\b|\bya nada (?:importa|tiene (?:caso|sentido))\b"
)
#: "If my child swallows …", "si alguien se toma …": a conditional about someone, which may
#: run into the finding itself.
IF_SOMEONE = re.compile(
    r"\b(?:can|could|does|do|will|would|puede|pueden|podria) (?:a|an|the|un|una|el|la|los|las)\b|"
    r"\bif (?:someone|somebody|anyone|a person|people) \w+|\bif (?:you|youre|you re) (?:think|are|re|suspect|see|notice|feel|have|having)\b|\bif youre\b|\bsi (?:alguien|una persona|alguno) (?:\w+ )?\w+|"
    r"\bif (?:(?:my|your|a|an|the|our|any)(?: \w+){1,2}|someone|somebody|anyone|kids|children|people|one|you|we|they) (?:ever |accidentally |accidently |is |are |was |were )?(?:swallow(?!ed)|eat(?!en)|drink|take(?!n)|ingest(?!ed)|get|has|have|start(?!ed)|gets|starts|stops|stop(?!ped)|can|cant)\w*|"
    r"\bsi (?:mi|alguien|un nino|una nina|uno|mis|algun) (?:\w+ )?(?:se |le |me )?(?:trag|tom|com|beb|toc|met|pon|tien|empiez|pas|convuls|desmay|atragant|ahog|quem|golpe)(?!(?:o|io|ado|ido|aron|ieron)\b)\w*|"
    r"\bsi (?:te |le |me |a alguien (?:le )?|a (?:un|una|el|la|los|las|mi|tu|su|sus|mis) (?:\w+ )?(?:le |les )?)?(?:da|dan|diera|dieran|pasa|ocurre)\b|"
    # "si la muela se infecta y se hincha …": a thing as subject, a verb in the present
    r"\bsi (?:el|la|los|las|tu|su|sus|un|una) \w+ (?:se |le |te )?\w+(?:a|e|an|en)\b|"
    r"\bsi (?:te |le |me |a (?:alguien|uno|un \w+|una \w+|(?:mi|tu|su) \w+) (?:le )?)?(?:da|dan|diera|dieran|pasa|ocurre)\b|"
    r"\bsi (?:la|el|las|los|tu|su) \w+ (?:se )?(?:infecta|hincha|inflama|pone|sigue|empieza|llega|pasa|sangra|duele)\w*"
)
#: Negation after the finding: "chest pain is gone", "no longer bleeding" said after.
AFTER_NEGATION = re.compile(
    r"^\W*(?:(?:\S+\s+){0,2}(?:is |are |has |have )?gone(?=$| now| away| completely| since| after| by| for good| today| tonight| this| already| and| with| on| ahora| ya)|(?:(?!(?:not|no|hasnt|havent|never|didnt|isnt|wont|still|todavia|aun)\b)\S+\s+){0,5}(?:is |are |has |have )?(?:went away|went down|gone down|stopped|resolved|better now|all better|free|ya (?:se )?(?:me |le |te |nos |les )?(?:paso|quito|fue|paro|detuvo|corto|bajo|desinflamo|deshincho)(?! (?:el|la|los|las|un|una|mi|su|sus|mis)\b)|(?<!\bat )(?<!\bfor )once\b(?! (?:more|again|pastillas|tabletas|pildoras|capsulas|dias|horas|semanas|meses|anos|de|veces))))\b"
)
#: A finding followed, in its clause, by when it was (long ago) or that it went away.
PAST_AFTER = re.compile(
    r"\b(?:(?<!since )(?<!from )last (?:year|month|week|summer|winter|spring|fall)|years ago|months ago|in (?:19|20)\d\d|went away|"
    r"(?:in|back in|en) (?:january|february|march|april|june|july|august|september|october|november|december|enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)|"
    r"(?<!desde )la semana pasada|as a (?:child|kid|baby|newborn|infant|toddler|teen\w*)|(?:back )?in (?:high school|middle school|college|university|grad school|my (?:teens|twenties|thirties|20s|30s))|"
    r"en (?:la )?(?:prepa|preparatoria|secundaria|universidad|facultad|carrera)|de (?:adolescente|estudiante)|(?:when|while) (?:he|she|i) was (?:young|younger)|"
    r"\byoung\b|\bjoven\b|at (?:age |the age of )[2-9]\d|at [2-9]\d (?:years old|yo)\b|a los [2-9]\d anos|"
    r"when (?:i|he|she) was (?:a )?(?:little|kid|child|baby|young|teen\w*)|"
    r"de (?:nin[oa]|chic[oa]|pequen[oa]|bebe|joven)|cuando (?:era|estaba) (?:nin[oa]|chic[oa]|pequen[oa]|bebe|joven)|"
    r"el ano pasado|hace (?:anos|meses)|se me quito|se le quito|hace (?:muchos|muchas|varios|varias|tantos) (?:anos|meses)|en (?:19|20)\d\d|"
    r"when (?:i|he|she) was (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b|se hereda\w*|is it (?:hereditary|genetic)|(?:si|whether|if) (?:eso |esto |it |that )?(?:es |is )?(?:hereditar\w*|genetic\w*)|"
    r"(?:when|whenever|cuando|siempre que|every time|cada vez que|at|en) (?:\w+ ){0,4}?(?:labs|needles?|shots?|vaccin\w*|injections?|agujas?|inyecci\w*|vacuna\w*|(?:see|veo|ve) (?:blood|sangre))|"
    r"(?:a|one|two|three|\d+|several|a few) (?:months?|years?|yrs?|mos?) ago|hace (?:como |unos |unas |casi |mas de |ya )?(?:un|una|unos|unas|dos|tres|cuatro|cinco|\d+) (?:mes|meses|ano|anos)|"
    r"cuando (?:tenia|tuvo) (?:\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho) (?:anos?|meses|semanas)|a los (?:\d+|un|dos|tres|cuatro|cinco|seis) (?:anos?|meses)|(?:during|in|with|after) (?:her|my|his|our) (?:last|previous|first|other|older|prior) (?:pregnancy|baby|delivery|birth|child|one)|with (?:our|my|her) first|(?:last|previous|prior) pregnancy|con (?:el|mi|su) (?:primer|primero|anterior|otro) (?:bebe|hijo|hija|embarazo|parto)|(?:mi|su|el) (?:embarazo|parto) anterior|en (?:mi|su) (?:otro|primer|ultimo|anterior) (?:embarazo|parto)|as a (?:girl|boy|young (?:woman|man|girl|boy))|last (?:thanksgiving|christmas|easter|halloween|new year|birthday)|(?:la )?navidad pasada|(?<!since )(?<!desde )(?:in|back in|en|last|el pasado) (?:january|february|march|april|june|july|august|september|october|november|december|enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)|(?:today|now|hoy|ahora) (?:none|nada|nothing|no more)|none (?:at all )?(?:today|now|since)|(?:feels|feeling|se siente) (?:great|perfectly fine|totally fine|perfectamente bien)|"
    r"once (?:when|in|at|during|after|as)|una vez cuando|en (?:el )?(?:19|20)\d\d|desde entonces nada|"
    r"when (?:i|he|she) was (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)|"
    r"(?:in|back in|during) (?:high school|college|middle school|grade school|school|university)|"
    r"en (?:la )?(?:prepa|preparatoria|secundaria|universidad|facultad|escuela)|"
    r"(?:many|several|some) years ago|hace (?:muchos|varios|algunos|bastantes) (?:anos|meses)|"
    r"went down(?! (?:to|into|my|his|her|the|toward|towards|past|and)\b)|"
    r"gone (?:today|now|this (?:morning|afternoon|evening)|by (?:morning|today))|already feels better|"
    r"(?:but|pero) (?:\w+ ){0,3}?(?<!\bque )(?<!\bwhat )(?:stopped|went away|went down|gone down|paro|detuvo|quito|quitaron|paso|corto|desinflam\w*|deshinch\w*|bajo|"
    # what choked them came out, what was swallowed passed
    r"coughed (?:it )?out|sp[ia]t (?:it )?out|escupio|lo (?:saco|tosio))|"
    r"(?:and )?it (?:passed|came out) (?:fine|on its own|by itself|naturally)|(?:y )?(?:salio|lo saco|lo hizo del bano) solit[oa]|"
    rf"{_DATED})\b"
)
#: A heart attack someone "almost had" or is "being given": a shock, when a laugh or what caused
#: it (a price, a bill, news) stands beside it.
_SHOCK = (
    r"(?:(?:almost|nearly) (?:had|gave me|give me)|giv(?:ing|es|e) me|gave me|"
    r"casi (?:me|le|nos) (?:da|dio|daba)|(?:me|le) (?:va|iba) a dar) (?:a |un |una )?(?:heart attack|infarto|ataque al corazon|paro cardiaco)"
)
#: Everyday phrases that contain a concept word but are not about it ("blood pressure" is not
#: bleeding, "heart rate" is not chest pain): rewritten before matching.
PHRASES = [
    (re.compile(r"\bblood (?:pressure|pressures)\b|\bpresion (?:arterial|alta|baja)\b"), "bp"),
    (re.compile(r"\bblood (?:sugars?|glucose)\b|\bazucar en la sangre\b"), "glucose"),
    (
        re.compile(
            r"\b(?:blood (?:tests?|work|draws?|drawn|results?|counts?|type|panel|labs?)|bloodwork|(?:analisis|examen|examenes|prueba|pruebas) de sangre|blood (?:drawn|taken)|(?:sacaron|sacan|saquen|sacara|sacar|tomaron|toman|tomar) (?:la |una muestra de )?sangre)\b"
        ),
        "labs",
    ),
    (
        re.compile(r"\bheart(?= (?:rate|doctor|specialist|medicine|meds|pills|monitor|checkup)\b)"),
        "cardio",
    ),
    (re.compile(r"\bheart ?burn\b"), "reflux"),
    # "a stroke of luck", swimming strokes and brush strokes are no stroke
    (
        re.compile(
            r"\bstrokes? of (?:genius|luck|midnight|fate|the pen|brilliance)\b|\b(?:swimming|brush|paint|golf|tennis|pen|key) strokes?\b"
        ),
        "idiom",
    ),
    # a medicine, a prescription or a doctor for a condition is not the condition now
    (
        re.compile(
            r"\b(?:seizure|epilepsy|anti ?seizure|stroke|allergy|breathing|asthma) (?:medications?|medicines?|meds|pills|prescriptions?|refills?|doctors?|specialists?|clinics?|centers?|units?|nurses?|teams?|programs?|support groups?|awareness|prevention|risk|treatments?|machine|inhaler)\b|"
            r"\b(?:medicina|medicamentos?|pastillas|receta) (?:para|de) (?:las |la )?(?:convulsiones|epilepsia|alergia|respirar)\b"
        ),
        "meds",
    ),
    (re.compile(r"\bbreath (?:strips?|mints?|freshener|spray)\b"), "mints"),
    # "tuve convulsiones de bebé": as a baby, long ago (no baby now)
    (
        re.compile(r"\b((?:tuve|tuvo|tenia|tuvimos|padeci|padecio)(?: \w+){0,3}?) de bebe\b"),
        r"\1 de nino",
    ),
    # "can't walk much / far": a limit, not an inability
    (
        re.compile(
            r"\b(?:no puedo|no puede|cant|cannot|can not) (?:caminar|andar|walk) (?:mucho|tanto|muy lejos|lejos|far|very far|much|long|mucho rato)\b"
        ),
        "limited",
    ),
    # a blood draw or a donation is no bleeding, nor a tooth pulled
    (
        re.compile(
            r"\b(?:me |le |te |les |nos )?(?:sacaron|sacan|sacaran|van a sacar|sacar) sangre\b|"
            r"\b(?:drew|draw|drawing|drawn) (?:my |his |her |their |some )?blood\b(?! thinners?)|"
            r"\bblood (?:drawn|drawing|donation)\b|\b(?:donar|done|dono|donando) sangre\b|"
            r"\b(?:donate|donated|donating|gave|give|giving) blood\b"
        ),
        "labs",
    ),
    # a temperature said as a normal number (under 38 °C, 100.4 °F) is no fever
    (
        re.compile(
            r"\b(?:temp|temperature|temperatura)(?: (?:was|is|of|de|es|fue|esta|estaba|like|around|about|only|just|solo|nomas))* "
            r"(?:3[0-7](?: \d)?|9\d(?: \d)?|100(?: [0-3])?)\b(?! \d)"
        ),
        "normotemp",
    ),
    # "no le pasa nada": she is fine (unless nothing goes down: "ni el agua", "por la garganta")
    (
        re.compile(
            r"\b(?:no (?:le |me |te |les |nos )?pasa nada|con una no pasa nada)\b(?! (?:por|de|a traves|hacia|al|ni|para abajo)\b)"
        ),
        "fine",
    ),
    # a question about carrying or renewing an epinephrine pen is no anaphylaxis
    (
        re.compile(
            r"\b(?:still need|do i need|should i (?:carry|get|have|keep)|prescri\w*(?: for)?|refill\w*(?: for| of)?|renew\w*|expired?|"
            r"(?:necesito|ocupo) (?:todavia |aun )?(?:cargar|tener|traer|llevar)|receta (?:de|para)) "
            r"(?:an? |my |his |her |the |un |una |mi |su )?epi ?pens?\b"
        ),
        "meds",
    ),
    (
        re.compile(
            r"\b(?:morir\w*|muero|muere|muriendo|moria) (?:de (?:la )?|del )(?:verguenza|pena|risa|ganas|hambre|sueno|calor|frio|aburrimiento|envidia|nervios|curiosidad|amor|cansancio|emocion|gusto|miedo|susto)\b|"
            r"\b(?:dying|die|died) (?:to (?:know|see|hear|try|get)|of (?:embarrassment|shame|laughter|boredom|curiosity|hunger)|laughing)\b|\bdying for (?:a|some|coffee|food)\b"
        ),
        "idiom",
    ),
    (re.compile(r"\baire acondicionado\b|\bair condition\w*\b"), "ac"),
    # grief is no chest pain; pauses in breathing asleep are a sleep study's business
    (
        re.compile(
            r"\b(?:heavy|broken|aching) heart\b|\bheart ?broken\b|\bcorazon (?:roto|partido)\b|\bmy heart goes out\b"
        ),
        "grief",
    ),
    (
        re.compile(
            r"\b(?:stops?|stopped|quits?|pauses?) breathing (?:for a (?:second|few seconds|moment|bit)|in (?:his|her|my|their) sleep|at night|while (?:he|she|i|they) (?:sleeps?|is asleep))\b"
        ),
        "apnea",
    ),
    # "is it dangerous if my son drank …": a question about what has happened is a report
    (
        re.compile(
            r"\b(?:is it (?:dangerous|bad|safe|ok|okay|serious) if|es (?:peligroso|malo|grave) si)"
            r"(?= (?:my|our|his|her|the|he|she|we|they|mi|su|el|la|nuestro|nuestra) (?:\w+ ){0,3}?"
            r"(?:drank|ate|swallowed|took|licked|bit|chewed|inhaled|sprayed|splashed|sucked|got into|"
            r"(?:se )?(?:tomo|trago|comio|bebio|mordio|chupo|metio|lamio|probo))\b)"
        ),
        "worried that",
    ),
    # a bill "giving me a heart attack", breathless with surprise, a close call, a CO
    # detector's batteries, "dar pecho" (breastfeeding): no emergency
    (
        re.compile(
            r"\b(?:casi|por poco) (?:me|le|nos|te) (?:da|dio|daba|iba a dar) (?:un |el )?(?:infarto|paro|ataque(?: al corazon)?|patatus|soponcio)\b|"
            r"\b(?:giving|gave|give|gonna give|going to give|will give|about to give|nearly gave|almost gave) (?:me|him|her|us|you) (?:a )?heart attack\b|"
            r"\b(?:me|le|nos) (?:va|van|vas) a dar (?:un )?infarto\b|"
            r"\b(?:sin aliento|breathless) (?:de|por|from|with) (?:la |el )?(?:sorpresa|emocion|alegria|risa|gusto|excitement|surprise|laughing|laughter|joy)\b|"
            r"\b(?:me|nos|la|lo) dejo sin aliento\b|\b(?:took|takes) my breath away\b|"
            r"\b(?:almost|nearly) (?:choked|chocked|drowned|died)\b|\b(?:casi|por poco) se (?:ahogo|murio)\b"
        ),
        "idiom",
    ),
    (
        re.compile(
            r"\b(?:pilas|baterias|batteries) (?:del|de la|de los|in the|of the|for the|on the) (?:\w+ )?(?:detector|alarma|alarm|smoke)\w*(?: (?:de|del) (?:monoxido|humo)(?: de carbono)?| (?:detector|alarm)s?)?|"
            r"\b(?:(?:detector|alarma|sensor)\w* (?:de|del) monoxido(?: de carbono)?|(?:carbon monoxide|co) (?:detector|alarm)s?)\b(?! (?:\w+ ){0,2}(?:sono|suena|sonando|pita\w*|went off|going off|goes off|is going off|beep\w*|se activo))"
        ),
        "detector",
    ),
    (
        re.compile(r"\b(?:dando|dar|doy|da|le doy|tomando|toma) (?:el )?pecho\b|\bdar de mamar\b"),
        "amamantando",
    ),
    # "muchas gracias" is thanks, not many pills
    (
        re.compile(r"\b(?:muchas|muchisimas|mil) gracias\b|\bthank(?:s| you) (?:so|very) much\b"),
        "thanks",
    ),
    # a sore chest muscle after the gym is not chest pain
    (re.compile(r"\b(?:chest|pec|pectoral) (?:muscles?|musclees|musles?|muscels?)\b"), "pecs"),
    # a shock at a price or a piece of news, said as a heart attack or lost breath
    (
        re.compile(
            rf"\b(?:lol|lmao|haha\w*|jaja\w*)\b(?:\s+\S+){{0,8}}?\s+{_SHOCK}\b|"
            rf"\b{_SHOCK}\b(?=(?:\s+\S+){{0,6}}?\s+(?:lol|lmao|haha\w*|jaja\w*|(?:when|cuando|al) (?:i |we )?(?:saw|see|vi|ver|vimos|read|lei|leer|heard|got|opened|abri|recibi|supe))\b)"
        ),
        "idiom",
    ),
    (
        re.compile(
            r"\bsin aliento de (?:la |el )?(?:sorpresa|emocion|alegria|risa|gusto|felicidad|susto|impresion)\b|"
            r"\b(?:took|takes|take) (?:my|your|our) breath away\b|\bbreathless (?:with|from) (?:excitement|surprise|joy|laughter)\b"
        ),
        "idiom",
    ),
    # breastfeeding ("dar pecho") is not the chest
    (
        re.compile(r"\b(?:dando|dar|doy|darle|dandole|damos|dan|dio) (?:el |de )?pecho\b"),
        "breastfeeding",
    ),
    # a detector's batteries, a finished treatment, a blood pressure said as a reading
    (
        re.compile(
            r"\b(?:pilas|baterias|batteries|battery|install\w*|instalar|poner|comprar|buy\w*|cambiar|change|replace)\b(?:\s+\S+){0,3}?\s+"
            r"(?:(?:detector|alarma|alarm|detectors?|sensor)(?: de| for)? (?:monoxido(?: de carbono)?|carbon monoxide|co)|(?:carbon monoxide|monoxido|co) (?:detector|alarm|sensor)s?)\b"
        ),
        "detector",
    ),
    (
        re.compile(
            r"\bya (?:termine|acabe) (?:con )?(?:todo )?(?:el |la |mi |mis |los |las )?(?:tratamiento|quimio\w*|radio\w*|terapias?|sesiones|ciclos?)\b"
        ),
        "treatment done",
    ),
    (
        re.compile(
            r"\b(?=[189])(?:(?<=\bwas )|(?<=\bis )|(?<=\bwere )|(?<=\bare )|(?<=\bat )|(?<=\bof )|(?<=\bfue )|(?<=\bes )|(?<=\bde )|(?<=\bsalio )|(?<=\besta )|(?<=\bestaba )|(?<=\btenia )|(?<=\btiene )|(?<=\bbp )|(?<=\breading )|(?<=\blectura ))"
            r"(?:1\d\d|[89]\d) (?:over |sobre |con )?(?:[4-9]\d|1[0-3]\d)\b(?! ?(?:mg|pills?|tablets?|pastillas))"
        ),
        "a reading",
    ),
]
_CLAUSE_SPLIT = re.compile(
    # a decimal point is no full stop ("38.2 de fiebre", "100.5")
    r"(?:[!?;\n]|(?<!\d)\.|\.(?!\d))+|\b(?:but|however|although|though|pero|aunque|sin embargo)\b"
    r"(?!\W+(?:\w+\W+){0,3}?(?:stopped|went away|went down|gone down|is gone|gone|par[oó]|detuvo|quit[oó]|quitaron|pas[oó]|cort[oó]|desinflam\w*|deshinch\w*|baj[oó]|coughed (?:it )?out|sp[ia]t (?:it )?out|escupi[oó]|lo escupi\w*|lo sac[oó]|lo tosi[oó])\b)",
    re.I,
)


@dataclass(frozen=True)
class RedFlag:
    group: str
    matched: str


# --- spelling: near-misses of the concept words --------------------------------------------------

#: Concept words a misspelling is corrected to (one letter off, same first letter, five letters
#: or more). Real words that are one letter from one of these are left alone.
CONCEPT_WORDS = frozenset(
    [
        "chest",
        "heart",
        "breathe",
        "breathing",
        "breath",
        "lungs",
        "pressure",
        "squeezing",
        "tightness",
        "burning",
        "crushing",
        "bleeding",
        "blood",
        "unconscious",
        "fainted",
        "passed",
        "swollen",
        "swelling",
        "swallow",
        "throat",
        "tongue",
        "stroke",
        "slurred",
        "drooping",
        "numbness",
        "weakness",
        "suicide",
        "overdose",
        "poison",
        "seizure",
        "pregnant",
        "contractions",
        "extraction",
        "abscess",
        "infected",
        "tooth",
        "knocked",
        "vomiting",
        "coughing",
        "unbearable",
        "excruciating",
        "worst",
        "sudden",
        "suddenly",
        "pecho",
        "corazon",
        "respirar",
        "respiro",
        "sangre",
        "sangrando",
        "desmayo",
        "hinchado",
        "hinchazon",
        "garganta",
        "lengua",
        "tragar",
        "pastillas",
        "sobredosis",
        "embarazada",
        "infarto",
        "derrame",
        "dolor",
        "duele",
        "better",
        "estarian",
        "sternum",
        "sangra",
        "swallowed",
    ]
)
#: Spanish concept words as they are often typed by ear ("pexo", "korazon", "cabesa",
#: "inchado", "desmallo", "combulsion"): matched by how they sound (``sound_key``).
SOUND_WORDS = frozenset(
    {"pecho", "corazon", "cabeza", "garganta", "lengua", "labios", "sangre", "sangrando",
     "sangra", "sangrado", "respirar", "respiro", "respira", "respirando", "hinchado", "hinchada",
     "hinchazon", "hinchando", "desmayo", "desmayado", "desmayada", "convulsion", "convulsiona",
     "convulsionando", "convulsiones", "vomito", "vomitando", "vomita", "embarazada",
     "hemorragia", "encia", "encias", "nariz", "ahoga", "ahogo", "ahogando", "tragar",
     "pastillas", "sobredosis", "veneno", "envenenado", "envenenada", "intoxicado",
     "intoxicada", "cierra", "cerrando", "inconsciente", "reacciona", "despierta", "infarto",
     "derrame", "rigido", "rigida", "espuma", "temblando", "ronchas", "quemadura", "quemado",
     "quemada", "cuello", "fiebre", "calentura", "bebe", "presion", "dolor", "duele", "aire",
     "suicidar", "matarme", "morir", "herida", "cortada", "chorros", "hablar", "brazo",
     "pierna", "cara", "boca", "mitad", "costillas", "esternon", "mandibula", "hijo", "hija",
     "ataque", "golpe", "golpeo", "vision", "ciego", "ciega", "vista", "heces", "caca",
     "popo", "negras", "ojos", "blanco", "tieso", "tiesa", "espalda", "estomago", "panza",
     "barriga", "abdomen", "vientre", "quemo", "hirviendo", "dientes", "muela", "cerro",
     "cerrada", "hinchan", "hincho", "hinchaba", "morado", "morada", "azul", "labio"}
)  # fmt: skip
NOT_TYPOS = frozenset(
    {"breast", "hearth", "heard", "hearts", "cheat", "chess", "there", "three", "threat",
     "blond", "bloom", "tough", "touch", "sweeling", "dollar", "dolar", "stoke", "stork",
     "strike", "stroll", "worse", "worst", "sweet", "swallows", "lunes",
     # real words one doubled letter from a vocabulary word
     "loose", "trees", "perro", "carro", "cerro", "sell", "hall", "mall", "tall", "wall",
     # not "un" run into a vocabulary word
     "uncontrollably", "uncontrollable"}
)  # fmt: skip
#: Words in -in that are not an -ing with its g dropped ("breathin", "burnin up").
NOT_GERUNDS = frozenset(
    {"within", "begin", "cousin", "origin", "margin", "napkin", "pumpkin", "muffin", "cabin",
     "robin", "dolphin", "penguin", "violin", "raisin", "basin", "virgin", "satin", "latin",
     "goblin", "admin", "login", "coffin", "bulletin", "insulin", "aspirin", "vitamin",
     "heroin", "toxin", "jardin", "boletin", "calcetin", "botin", "cojin", "delfin", "motin"}
)  # fmt: skip
#: Misspellings too short or too far for the rule above, seen in messages and transcripts.
MISSPELLINGS = {
    "hart": "heart", "chst": "chest", "ches": "chest", "brethe": "breathe", "breth": "breath",
    "brething": "breathing", "breating": "breathing", "breahting": "breathing",
    "beathing": "breathing", "cant breath": "cant breathe", "bleding": "bleeding",
    "bleading": "bleeding", "bledding": "bleeding", "presure": "pressure", "preasure": "pressure",
    "unconcious": "unconscious", "faintd": "fainted", "swolen": "swollen", "swalow": "swallow",
    "sucide": "suicide", "suiside": "suicide", "overdoes": "overdose", "pecho": "pecho",
    "respitar": "respirar", "corazn": "corazon", "sangrado": "sangrado", "dolo": "dolor",
    "duelee": "duele", "ataque": "ataque", "pian": "pain", "pane": "pain", "hert": "hurt",
    "hurst": "hurts", "chesr": "chest", "breathin": "breathing", "breahte": "breathe",
    "pueo": "puedo", "aseizure": "a seizure", "nopuedo": "no puedo", "leeding": "bleeding",
}  # fmt: skip


@lru_cache(maxsize=1)
def _delete_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for word in CONCEPT_WORDS:
        for key in {word} | deletions(word):
            index.setdefault(key, set()).add(word)
    return index


def _one_off(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance at most one."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) <= 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )  # fmt: skip
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_SOUNDS = [(re.compile(a), b) for a, b in (
    (r"ch|x|sh", "X"), (r"qu|k|c(?![eiyX])", "k"), (r"c|z", "s"), (r"v", "b"), (r"ll|y", "Y"),
    (r"h", ""), (r"nb", "mb"), (r"(\w)\1", r"\1"),
)]  # fmt: skip


def sound_key(word: str) -> str:
    """How a Spanish word sounds, roughly: ch/x, c/k/qu, c/s/z, b/v, ll/y, silent h and
    doubled letters alike ("pexo" and "pecho", "korazon" and "corazón")."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=1)
def _sound_index() -> dict[str, str]:
    return {sound_key(word): word for word in sorted(SOUND_WORDS)}


#: Longer "words" are no near-miss of any (a run of letters with no space, pasted or hostile).
MAX_WORD = 40


@lru_cache(maxsize=20000)
def correct(word: str) -> str:
    """The concept word ``word`` is a near-miss of, else ``word``."""
    if len(word) > MAX_WORD:  # no word of ours: not read letter by letter (each way is O(n²))
        return word
    if word in MISSPELLINGS:
        return MISSPELLINGS[word]
    heard = None
    if len(word) >= 4 and word not in SOUND_WORDS and word not in NOT_TYPOS and word.isalpha():
        heard = _sound_index().get(sound_key(word))
    if heard is not None:
        return heard
    if len(word) < 5 or word in CONCEPT_WORDS or word in NOT_TYPOS or not word.isalpha():
        return word
    if (
        word.endswith("in")
        and word[-3] not in "aeiou"
        and word not in NOT_GERUNDS
        and word not in LEXICON_WORDS
    ):
        return word + "g"
    index = _delete_index()
    candidates = set()
    for key in {word} | deletions(word):
        candidates |= index.get(key, set())
    matches = sorted(c for c in candidates if c[0] == word[0] and _one_off(word, c))
    return matches[0] if matches else _undamaged(word)


#: Short words a thumb runs into the next one ("meaplastan", "comopiedra").
_RUN_ON = frozenset(
    {"me", "se", "le", "te", "la", "el", "lo", "de", "no", "mi", "su", "un", "una", "como",
     "muy", "agua", "my", "the", "so", "very", "cant"}
)  # fmt: skip


def _undamaged(word: str) -> str:
    """The vocabulary word ``word`` is with one letter doubled ("hhead", "sttiff"), or a short
    word run into a vocabulary word of six letters or more ("meaplastan" is "me aplastan"),
    else ``word``."""
    if word in LEXICON_WORDS or word in NOT_TYPOS or not word.isalpha() or len(word) < 4:
        return word
    for i in range(1, len(word)):
        if word[i] == word[i - 1] and (single := word[:i] + word[i + 1 :]) in LEXICON_WORDS:
            return single
    for i in range(2, min(5, len(word) - 5)):
        if word[:i] in _RUN_ON and _known_start(word[i:]):
            return f"{word[:i]} {word[i:]}"
    return word


def _known_start(word: str) -> bool:
    """``word`` is a vocabulary word, or one of its stems ("aplast…") with an ending."""
    return word in LEXICON_WORDS or any(
        word.startswith(stem) and len(stem) >= 5 for stem in _stems_of(word[:5])
    )


@lru_cache(maxsize=1)
def _stem_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for stem in LEXICON_WORDS:
        if len(stem) >= 5:
            index.setdefault(stem[:5], []).append(stem)
    return index


def _stems_of(head: str) -> list[str]:
    return _stem_index().get(head, [])


#: A comma followed by a new subject starts a new statement: a hypothetical or a history cue
#: before it does not reach past it ("better off if I was gone, I want to …").
_NEW_STATEMENT = re.compile(
    # (a comma, a colon or a spaced dash, then at most a few marks: "no emergency, — I have …",
    # "not urgent: she …", "what to do if someone isn't breathing - my friend is not …")
    r"(?:[,:]|\s[-\u2013\u2014]+\s)\s*[^\w\n]{0,6}(?=(?:i|im|i'm|ive|i've|id|i'd|he|hes|he's|she|shes|she's|they|my|now|right now|"
    r"yo|ahora|ahorita|tengo|estoy|siento|me|se|le|te|nos|mi|mis|su|sus|ya|his|her|our|we|you|its|it's|"
    r"this|the|el|la|los|las|tiene|esta|and now|y ahora|their)\b)|"
    # "… and isn't responding", "… y no despierta": how things are now, after what happened
    # (from a run's first space only: tried from each space, a long run was read n² times)
    r"(?<!\s)\s+(?=(?:and|y) (?:now|still|is|isn'?t|is not|he'?s|she'?s|won'?t|can'?t|cannot|doesn'?t|ahora|todavia|sigue|no (?:despierta|responde|reacciona|puede))\b)",
    re.I,
)


#: Any of ``PHRASES`` (one search says whether a piece has one, instead of one per phrase).
_ANY_PHRASE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in PHRASES))


def _rewrite_phrases(words: str) -> str:
    """``words`` with each of ``PHRASES`` rewritten, in order."""
    if not _ANY_PHRASE.search(words):
        return words
    for pattern, replacement in PHRASES:
        words = pattern.sub(replacement, words)
    return words


_ELLIPSIS = re.compile(r"\.{2,}|\u2026")


def _join_hesitations(text: str) -> str:
    """A halting transcript ("I... can't... get my breath") pauses inside one statement: an
    ellipsis after a fragment of one or two words is a hesitation, not a full stop."""
    if ".." not in text and "\u2026" not in text:
        return text
    fragments = _ELLIPSIS.split(text)
    if len(fragments) < 3:
        return text
    joined = []
    for fragment in fragments[:-1]:
        joined.append(fragment)
        joined.append(" " if len(fragment.split()) <= 2 else ". ")
    joined.append(fragments[-1])
    return "".join(joined)


def _clauses(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The clauses of ``text``, normalised, each with where its statements start (a comma
    and a new subject)."""
    clauses = []
    for part in _CLAUSE_SPLIT.split(_join_hesitations(text)):
        pieces = []
        for piece in _NEW_STATEMENT.split(part):
            words = _rewrite_phrases(" ".join(correct(w) for w in normalize(piece).split()))
            if words:
                pieces.append(words)
        if pieces:
            starts, offset = [], 0
            for piece in pieces:
                starts.append(offset)
                offset += len(piece) + 1
            clauses.append((" ".join(pieces), tuple(starts)))
    return clauses


#: "Won't stop", "no deja de": they say it goes on, not that it is absent.
_NOT_STOPPING = re.compile(
    r"\b(?:(?:wont|doesnt|dont|cant|cannot|will not|does not|do not|isnt|not|hasnt|havent|never|didnt) stop\w*|"
    r"no (?:ha |se ha |se )?(?:parado|detenido|quitado|cortado)\b|"
    r"no (?:deja|dejo|dejaba|para|paro|paraba|se detiene|se quita|se para|se corta) de|"
    r"no (?:se |le |me )?(?:detiene|para|corta|quita)\b)\b"
)


#: "Ni agua", "ni siquiera", "not even": an intensifier, not a negation of what follows.
_NOT_EVEN = re.compile(
    r"\b(?:ni siquiera|not even|ni (?:estando|aun|con|el |la |un |una |mi |su )?\s*(?:agua|saliva|liquidos?|comida|sentad\w*|acostad\w*|parad\w*|de pie|quiet\w*|quiet[oa]))\b|"
    # "no puedo ni hablar": "ni" before an infinitive is "not even"
    r"\bno (?:puedo|puede|podia|pudo|podemos) ni(?= (?:me |se |le )?\w+(?:ar|er|ir)(?:me|se|le)?\b)"
)


#: Over, and how it ended, said with the finding or after it ("the nosebleed stopped after ten
#: minutes of pinching", "paró con una curita"): read on the finding itself too, since a
#: bleeding rule may take in the duration it stopped after.
RESOLVED = re.compile(
    r"\b(?:stopped|stops|quit|ended|paro|se (?:detuvo|corto|quito|paro|detiene|corta|quita|para)) (?:on its own|by itself|(?:solo|sola|sol[oa]s)\b|"
    r"(?:in|within) (?:a few|a couple of|about|like|\d+|one|two|three|five|ten) (?:minutes?|mins?)|"
    r"in (?:a few|about|like|\d+|two|three|five|ten|unos|pocos) (?:\w+ )?(?:minutes?|mins?|minutos)|"
    r"after (?:about |like |around |maybe |roughly |only |just )?(?:a |an |a few |a couple |\w+ )?(?:\w+ )?(?:minutes?|mins?|hours?|hrs?|seconds?|secs?)|"
    r"(?:with|con|using) (?:\w+ ){0,2}?(?:pressure|pinching|gauze|ice|bandaids?|band aids?|bandages?|presion|gasa|hielo|curitas?|venditas?|vendas?)|"
    r"(?:al|a los|despues de|en) (?:\w+ )?(?:minutos?|rato|ratito|horas?))"
)
#: Pain that pressing brings on is the chest wall's ("sore only when I press on it", "al tocarme
#: me duele"), read on the finding and after it; a rash that does not fade when pressed is not.
PRESSED_PAIN = re.compile(
    r"\b(?:sore|hurts?|hurting|tender|pain\w*|aches?)\b(?:\s+\S+){0,4}?\s+(?:only )?when (?:i |you |he |she )?(?:press|push|touch|poke)\w*|"
    r"\b(?:sore|tender) to (?:the )?touch\b|"
    r"\bal (?:tocar|apretar|presionar)(?:me|lo|la) (?:me |le )?(?:duele|molesta|arde)\b|"
    r"\b(?:duele|molesta|dolor)\b(?:\s+\S+){0,4}?\s+(?:solo |nomas )?(?:al (?:tocar|apretar|presionar)(?:me|lo|la)|cuando (?:me |lo |la )(?:toco|aprieto|presiono))\b"
)
#: A function said to be fine ("I'm breathing fine", "respiro bien"), read where the finding
#: begins: "no puedo respirar bien" begins with what was lost.
FINE = re.compile(
    rf"(?:{BREATH}|swallow\w*|tragar)\s+(?:(?:is|are|feels?|seems?|esta)\s+)?(?:fine|ok|okay|normal\w*|bien|perfect\w*|sin problemas?)\b"
)
#: A resolution that starts before the finding ("se me bajó la hinchazón").
RESOLVED_BEFORE = re.compile(
    r"\bse (?:me |le |te |nos |les )?(?:bajo|quito|desinflamo|deshincho|paso|calmo)(?: (?:el|la|los|las))?\s*$"
)


#: A heart attack or a stroke named as a diagnosis (what a family history is made of).
CONDITION = re.compile(
    r"(?:heart attack|infarto|ataque (?:al|del) corazon|stroke|derrame(?: cerebral)?|embolia|"
    r"ataque cerebral|aneurism\w*|aneurysm|cardiac arrest|paro cardiaco)"
)
#: Family, relatives and their past, before a condition named ("en mi familia hay infartos",
#: "mi papá y mi tío tuvieron infartos", "both my grandparents had strokes").
FAMILY_BEFORE = re.compile(
    r"\b(?:famil(?:y|ia|iares)|relatives|parientes|antecedentes|historia|historial|history|"
    r"(?:grand)?parents|uncles|aunts|brothers|sisters|siblings|cousins|abuelos|padres|tios|tias|"
    r"hermanos|hermanas|primos|primas|both (?:my|his|her)|tuvieron|murieron|fallecieron|"
    r"sufrieron|han tenido|han sufrido|padecen|(?:moms?|dads?|mothers?|fathers?) side|"
    r"(?:lado|parte) de (?:mi |su )?(?:papa|mama|padre|madre|familia))\b"
)
#: Someone having the condition now ("my dad is having a heart attack", "le está dando un
#: infarto"): no family history, whoever is named.
HAVING_NOW = re.compile(
    r"\b(?:having|esta teniendo|(?:le|me|les) (?:esta |estan )?(?:dando|dio|da)|just had|"
    r"acaba de (?:tener|darle|darme)|in the middle of)\s+(?:(?:a|an|un|una|another|otro)\s+)?$"
)
#: Heredity said right after a finding ("strokes run in my family", "infartos en mi familia"):
#: only the few words after it (said later, it does not date a finding now).
FAMILY_AFTER = re.compile(
    r"\W*(?:(?!(?:and|y|but|pero|plus)\b)\S+\s+){0,2}?(?:(?:runs?|running|is common|are common|son comunes|es comun|hay|there are)\s+)?"
    r"(?:in|en) (?:my|mi|the|la|our|nuestra|his|her|su) famil(?:y|ia)\b|"
    r"\W*(?:(?!(?:and|y|but|pero|plus)\b)\S+\s+){0,2}?(?:(?:runs?|running) in (?:\w+ )?famil(?:y|ies)|viene de familia|es de familia|"
    r"hereditar\w*|inherited|genetic\w*|se hereda\w*|on (?:my|his|her|our) (?:moms?|dads?|mothers?|fathers?) side|"
    r"(?:por|del) (?:parte|lado) de (?:mi|su) (?:papa|mama|padre|madre|familia))"
)


def _family_history(clause: str, start: int, end: int, reach: str) -> bool:
    """A heart attack or a stroke named in a family's history, not happening to anyone now."""
    return bool(
        CONDITION.fullmatch(clause, start, end)
        and FAMILY_BEFORE.search(reach)
        and not HAVING_NOW.search(reach)
    )


def _negated(before: list[str]) -> bool:
    """A negation among the last few words ``before`` a finding, not cut off by "and" / "y"."""
    window = before[-NEGATION_WINDOW:]
    # a negation does not reach past "and" / "y" ("no me entiende y no puede mover la mano")
    for i in range(len(window) - 1, -1, -1):
        if window[i] in NEGATION_STOPS:
            window = window[i + 1 :]
            break
    # "sin casco", "without a helmet": a preposition's negation reaches the next word (two
    # after "any", "tener"…), no further
    return any(
        word in NEGATIONS
        and not (
            word in SHORT_NEGATIONS
            and len(window) - i
            > (2 if window[i + 1 : i + 2] and window[i + 1] in SHORT_REACH else 1)
        )
        for i, word in enumerate(window)
    )


#: Words that begin the present: a history or hypothetical cue before them does not reach past
#: them ("my mom died of a heart attack and now I have crushing chest pain").
NOW = re.compile(r"\b(?:now|ahora|ahorita|today|hoy)\b")
#: Minutes ago is now: a history cue does not date what happened minutes or hours ago ("my
#: grandma had a stroke 20 minutes ago").
RECENT = re.compile(
    r"\b(?:(?:\d+|a few|few|a couple of|couple of|ten|five|fifteen|twenty|thirty|an|a) (?:minutes?|mins?|hours?|hrs?) ago|just now|"
    r"hace (?:\d+|unos|un|pocos|cinco|diez|quince|veinte|media) ?(?:minutos?|rato|ratito|horas?|hora)|hace (?:un )?rato|"
    # and how things are now: a crisis still going on
    r"(?:and|y) (?:is |hes |shes )?(?:still |now )?(?:isnt|is not|wont|cant|cannot|not|hasnt) (?:responding|waking|breathing|moving|talking|answering|making sense|woken)|"
    r"(?:y|pero) (?:todavia |aun |sigue sin |ya )?no (?:despierta|responde|reacciona|respira|se mueve|habla))\b"
)
#: Earlier today, said right after the finding ("had a stroke this morning"): now as well.
RECENT_AFTER = re.compile(
    r"\W*(?:\S+\s+){0,2}?(?:this (?:morning|afternoon|evening)|tonight|today|earlier today|esta (?:manana|tarde|noche)|hoy)\b"
)
#: Asked out of curiosity, for a class or a story, with nobody ill: what the message names is
#: nobody's emergency, unless it also says something is happening now.
CURIOUS = re.compile(
    r"\b(?:just (?:curious|wondering|reading about it|asking)|out of curiosity|(?:por|de) (?:pura )?curiosidad|"
    r"(?:a )?curious question|(?:una )?pregunta curiosa|(?:es |solo |nada mas |pregunto )(?:solo |nada mas )?(?:por|para) saber|"
    r"asking for (?:a|my) (?:friend|class|school|project|homework)|"
    r"(?:asking|pregunt\w*|consult\w*|es) (?:for|on behalf of|por|para) (?:a|my|una|un|mi) (?:friend|amig[oa])|"
    r"(?:a|my|una|un|mi) (?:friend|amig[oa]) (?:\w+ ){0,2}?(?:wants to know|wanted to know|asked|is asking|asks|was asking|quiere saber|queria saber|pregunta|me pregunta|me pregunto|tiene una duda)|"
    r"(?:how much|how many|cuant[oa]s?) (?:\w+ ){0,3}?(?:is|are|es|son) normal|"
    r"(?:nobody|no one|noone)(?: here| in my family| at home)? is (?:sick|ill|hurt)|nadie (?:aqui |en casa )?esta (?:enferm\w*|mal)|"
    # for a class, a quiz, a story or a poster; a friend's question passed on
    r"(?:pub )?quiz|trivia|(?:purely|pure|just) fiction|(?:no one|nobody|noone) (?:has|is|was) (?:\w+ )?(?:drunk|taken|eaten|swallowed|hurt|sick)|"
    r"(?:writing|making|doing|working on) (?:a|an|my|the|our) (?:\w+ )?(?:novel|story|book|script|essay|paper|poster|presentation|report|project)|"
    r"for (?:a|an|my|the|our|his|her) (?:\w+ )?(?:essay|paper|poster|novel|story|class|homework|project|training|course|presentation|report)|"
    r"(?:tengo|tiene) (?:una|un) (?:amig[oa]|vecin[oa]|companer[oa]) que (?:pregunta|quiere saber)|(?:pregunto|es) (?:por|para) (?:una|un) (?:amig[oa]|vecin[oa])|"
    r"escribiendo (?:una|un|mi) (?:novela|historia|cuento|obra|guion|ensayo)|"
    r"(?:writing|escribiendo|write|escribo) (?:a|an|my|una|un|mi) (?:novel|story|book|script|play|essay|paper|novela|cuento|obra|historia|ensayo|libro)|"
    r"for (?:a|my) (?:college |school |class )?(?:essay|paper|class|project|novel|report|presentation|poster|training)|purely fiction|"
    r"(?:trabajo|tarea|proyecto|exposicion|ensayo) (?:sobre|de la escuela|para la escuela|de biologia)|(?:report|project|paper|essay|presentation|poster) (?:on|about)|"
    r"trivia|pub quiz|quiz question|first aid (?:poster|class|course|training)|asking for (?:a )?training|"
    r"para (?:un|una|mi|la|el|su) (?:\w+ )?(?:tarea|trabajo escolar|clase|ensayo|exposicion|proyecto escolar|novela|obra de teatro|cartel))\b"
)
#: What says something is happening now, for ``CURIOUS``.
HAPPENING = re.compile(
    r"\b(?:right now|ahora mismo|ahorita|at the moment|en este momento|currently)\b"
)
#: Someone's own report, in the few words before a finding ("my husband is not breathing",
#: "she took 30 pills", "I want to …"): not a question out of curiosity, whatever opened it.
REPORTED_BY = re.compile(
    r"\b(?:i|im|ive|id|my|he|hes|she|shes|they|theyre|yo|tengo|estoy|siento|me|mi|mis|su|sus|le)\b"
    r"(?:\s+\S+){0,3}\s*$"
)
#: How many characters before a finding ``REPORTED_BY`` reads.
REPORTED_CHARS = 40
#: It came back: what stopped is not over ("stopped after ten minutes but it's pouring again").
RECURRING = re.compile(
    r"\b(?:(?:started|starting|starts|bleeding|pouring|gushing|is|its|it s) (?:\w+ )?again|came back|back again|"
    r"(?:esta|empezo|sangra\w*|sale|salio) (?:\w+ )?(?:otra vez|de nuevo)|volvio a (?:sangrar|salir|empezar)|"
    r"(?:having|had|has|started|starting) another(?: one| seizure| fit)?|another one|(?:le|me) (?:dio|da|esta dando|vino) otr[oa])\b"
)


#: A statement that opens with a time long ago ("hace un año …", "two years ago …") …
DATED_OPENING = re.compile(
    r"\s*(?:(?:hola|buenas|buenos dias|buenas tardes|buenas noches|hi|hello|hey|good morning|good afternoon|good evening)\s+)?"
    rf"(?:{_DATED}|hace (?:un|una|unos|unas|dos|tres|\d+|muchos|varios) (?:mes|meses|ano|anos)|"
    r"(?:a|one|two|three|\d+|several|many) (?:years?|months?) ago|last (?:year|summer|winter|spring|fall)|el ano pasado)\b"
)
#: … unless the statement comes back to now before the finding.
FRESH = re.compile(
    r"\b(?:now|ahora|ahorita|today|hoy|since|desde|ayer|yesterday|anoche|last night|tonight|again|otra vez|de nuevo|todavia|still|sigue)\b"
)
#: A history or hypothetical cue reaches this many words forward (within its statement).
CUE_REACH = 10
#: How far around a finding its context (negation, history, hypothetical) is read, in
#: characters: well past ``NEGATION_WINDOW`` and ``CUE_REACH`` words.
CONTEXT_CHARS = 300


def _cue_reaches(cue: re.Match[str], reach: str) -> bool:
    """Whether ``cue`` in ``reach`` (the words before a finding) dates or frames it: asking out
    of curiosity does not frame what someone then reports ("just curious btw I have …")."""
    said = reach[cue.end() :][-REPORTED_CHARS:]
    if HEARSAY.match(reach, cue.start()):
        return not HEARSAY_REPORTED.search(said)
    return not (CURIOUS.match(reach, cue.start()) and REPORTED_BY.search(said))


def _in_context(
    clause: str,
    start: int,
    end: int,
    starts: tuple[int, ...] = (0,),
    *,
    recurring: bool = False,
) -> bool:
    """The finding is negated, past or hypothetical (ConText-style, within its clause; a
    history or hypothetical cue within its statement and a few words of it)."""
    # Only the characters near the finding are read (a hostile clause of thousands of words
    # would otherwise be re-read for each finding in it); a word cut at the edge is dropped.
    lo = max(0, start - CONTEXT_CHARS)
    head = clause[lo:start] if lo == 0 else clause[lo:start].partition(" ")[2]
    statement = starts[bisect_right(starts, start) - 1] if starts and starts[0] <= start else 0
    stated = head if statement <= lo else clause[statement:start]
    # a negation reaches within its statement ("no fever, my chest is crushing"), and not a
    # finding that carries its own ("no sé qué hacer, no puede respirar")
    said = _PSEUDO_NEGATION.sub("alarmed", _DISTRESS.sub("overwhelmed", stated))
    if clause[start:end].split(" ", 1)[0] in NEGATIONS:
        said = ""
    # denied between a site and its sensation ("my chest doesn't hurt", "el pecho no me duele")
    if IN_MATCH_DENIAL.search(clause, start, end):
        return True
    before = _NOT_EVEN.sub("even", _NOT_STOPPING.sub("nonstop", said)).split()
    if _negated(before):
        return True
    # "it stopped bleeding", "dejó de sangrar": what stopped, right before the finding
    if any(word in STOPPED for word in before[-2:]) or RESOLVED_BEFORE.search(head[-60:]):
        return True
    if FINE.match(clause, start, start + CONTEXT_CHARS):
        return True
    # a statement that opens with a time long ago is dated to its end, unless it comes to now
    if DATED_OPENING.match(stated) and not FRESH.search(stated):
        return True
    reach = " ".join(_DISTRESS.sub("overwhelmed", stated).split()[-CUE_REACH:])
    reach = NOW.split(reach)[-1]
    # (read to the clause's end: "had a seizure and isn't responding" says now after "and")
    if (
        (
            any(_cue_reaches(cue, reach) for cue in CONTEXT_CUES.finditer(reach))
            or _family_history(clause, start, end, reach)
        )
        and not RECENT.search(clause, start)
        and not RECENT_AFTER.match(clause, end)
    ):
        return True
    if _runs_into(reach, clause[start:end]):
        return True
    # "helps during a heart attack", "en caso de un infarto": the event in general
    if GENERIC_BEFORE.search(reach):
        return True
    if WHAT_LIKE_BEFORE.search(reach) and LIKE_AFTER.match(clause, end):
        return True
    return _not_now_after(clause, start, end, recurring)


def _runs_into(reach: str, finding: str) -> bool:
    """A conditional begins before the finding and runs into it ("if my child swallows …"), or
    another's story does ("my friend said her baby had …"): only the finding it runs into or
    stands right before, not "… su bebé tuvo fiebre, y mi bebé de 3 semanas tiene 38.5"."""
    probe = f"{reach} {finding}"
    if any(cue.start() < len(reach) for cue in IF_SOMEONE.finditer(probe)):
        return True
    return any(
        cue.start() < len(reach) and len(probe[cue.end() : len(reach)].split()) <= 1
        for cue in SAID_OF_THEIRS.finditer(probe)
    )


def _not_now_after(clause: str, start: int, end: int, recurring: bool) -> bool:
    """What follows the finding says it is not now: pain only when pressed, over, long ago, a
    condition said to be stable, or someone else's words said to be a joke."""
    after = clause[end : end + CONTEXT_CHARS]
    if PRESSED_PAIN.search(clause, start, end + CONTEXT_CHARS):
        return True
    if STABLE.search(clause, start, end + STABLE_CHARS) or (
        JOKE_AFTER.search(after) and not FIRST_PERSON.search(clause, max(0, start - 20), start)
    ):
        return True
    # what stopped is not over when the message says it came back
    span = clause[start : end + CONTEXT_CHARS]
    # (the negations of stopping are read only where a resolution is said at all)
    if not recurring and (
        (RESOLVED.search(span) and RESOLVED.search(_NOT_STOPPING.sub("nonstop", span)))
        or AFTER_NEGATION.search(after)
        or _resolved(span)
    ):
        return True
    if FAMILY_AFTER.match(after) or (
        not AGAIN_NOW.search(after)
        and any(
            not TOLD_BEFORE.search(after, max(0, cue.start() - TOLD_CHARS), cue.start())
            for cue in PAST_AFTER.finditer(after)
        )
    ):
        return True
    # dated inside the finding itself ("seizures during her last pregnancy", "en mi embarazo
    # anterior se me rompió la fuente"), unless it goes on to now
    for cue in DATED.finditer(clause, max(0, start - DATED_CHARS), end):
        if cue.end() > start and not NOW.search(clause, cue.end(), end):
            return True
    return False


#: Dated after the finding, then said to happen again now ("took an overdose last month,
#: again today", "tuve una convulsión hace 2 años y hoy otra vez").
AGAIN_NOW = re.compile(
    r"\b(?:again (?:today|tonight|now|just now|this (?:morning|afternoon|evening))|"
    r"(?:today|tonight|now|just now) again|did it again|(?:just|has just|have just) had another|"
    r"(?:hoy|ahora|ahorita|esta (?:manana|tarde|noche)) (?:otra vez|de nuevo)|"
    r"(?:otra vez|de nuevo) (?:hoy|ahora|ahorita|esta (?:manana|tarde|noche))|lo volvio a hacer)\b"
)


#: A date that follows a telling dates the diagnosis, not the finding ("I have a fever and
#: can't think straight, a kidney infection they told me about last week").
TOLD_CHARS = 24
TOLD_BEFORE = re.compile(
    r"\b(?:(?:me|nos|le) (?:dijeron|dijo|diagnosticaron|diagnostico|detectaron|encontraron)|"
    r"(?:they|he|she|doctor|dr) (?:told|said|found)|diagnosed(?: me| him| her| it)?|found out)\b"
)


#: A condition said, with it or right after it, to be stable or controlled ("heart failure is
#: stable"); read this many characters past the finding.
STABLE_CHARS = 30
STABLE = re.compile(
    r"\b(?:is|are|has been|have been|remains?|stays?|esta|estan|ha estado|sigue|se mantiene) "
    r"(?:very |pretty |totally |bien |muy )?(?:stable|estable|controlled|controlad[oa]s?|under control|bajo control|well controlled)\b"
)
#: Someone's words said to be a joke or a way of talking ("wants to die when his team loses,
#: it's a joke"), not denied ("she's not joking").
JOKE_AFTER = re.compile(
    r"(?<!not )(?<!no )(?<!isnt )(?<!nothing )\b(?:(?:its|it s|es|thats|that s|it was|fue) (?:just |solo |nomas )?(?:a |una |un )?(?:joke|broma|chiste)|"
    r"(?<!not )(?<!isnt )(?<!wasnt )(?:just )?joking|(?:lo dice )?(?:de|en) broma|just (?:how|the way) (?:she|he|they) talks?|(?:es )?su (?:forma|manera) de hablar)\b"
)
#: The writer speaking of themselves, right before a finding ("I want to die"): no one's joke.
FIRST_PERSON = re.compile(r"\b(?:i|im|yo|me|quiero)\b")

#: Negation words that deny nothing found ("esto no es normal", "I don't know what to do").
_PSEUDO_NEGATION = re.compile(
    r"\b(?:no es normal|not normal|isnt normal|nada normal|no se (?:que|lo que) (?:hacer|pasa|tengo|tiene)|"
    r"(?:dont|do not) know what (?:to do|is happening|s happening|is going on|s going on)|no wonder|no matter|no doubt|"
    r"not sure (?:if|what|why|whether)|no (?:estoy|estamos) segur[oa]s? (?:si|de)|not only|no solo|"
    r"(?:dont|do not|didnt|cant) (?:know|tell|see) (?:if|whether)|no (?:se|sabemos|sabe) si|"
    r"not (?:acting )?(?:like )?(?:him|her|them)sel(?:f|ves))\b"
)

#: A sensation denied inside a finding ("chest doesn't hurt", "pecho no me duele").
IN_MATCH_DENIAL = re.compile(
    r"\b(?:doesnt|does not|dont|didnt|isnt|is not|arent|not|no|never|nunca)\s+(?:me |le |really |even |feel |feels |seem |seems |look |looks |esta |estan |tengo |tiene |have |has |had |he |ha |hay |any )?"
    r"(?:hurt\w*|pain\w*|ache\w*|duele\w*|dolio|dolor\w*|tight\w*|heavy|pressure|swollen|swelling|hinchad\w*|bleed\w*|sangr\w*|numb|blue|purple|morad[ao]s?|azul\w*|blisters?|ampollas?|ronchas?|hives|welts|fever|fiebre|vomit\w*)\b(?! (?:like (?:this|that)|so (?:bad|much)|tanto|asi)\b)|"
    r"\b(?:respir\w*|breath\w*) (?:bien|fine|ok|okay|normal\w*|good|great|perfect\w*)\b"
)

#: An event in general, right before the finding ("during a", "durante un").
GENERIC_BEFORE = re.compile(
    r"\b(?:during|in case of|in the event of|durante|en caso de|en medio de un|helps? (?:with|in|for)|ayuda (?:en|con|para)|sirve (?:para|en)) (?:a|an|un|una)$|"
    # a topic to learn about ("a report on", "un trabajo sobre el")
    r"\b(?:report|project|essay|paper|presentation|pamphlets?|brochures?|leaflets?|information|info|talk|class|course|training|poster|"
    r"trabajo|tarea|proyecto|ensayo|reporte|informe|exposicion|folletos?|informacion|charla|platica|clase|curso) "
    r"(?:on|about|sobre|acerca de|de)(?: (?:the|a|an|el|la|los|las|un|una))?$"
)
#: "What does … feel like?", "¿cómo se siente …?": the event in general, asked about.
WHAT_LIKE_BEFORE = re.compile(
    r"\b(?:what (?:does|do|would|did)(?: (?:a|an|the))?|como (?:se siente|es)(?: (?:un|una|el|la))?|que se siente(?: (?:un|una|el|la|tener))?)$"
)
LIKE_AFTER = re.compile(
    r"\W*(?:\S+\s+){0,2}?(?:feels? like|looks? like|se siente|se ve|se manifiesta)\b|\W*$"
)
#: What is over, said after it: "stopped after 5 minutes", "that stopped", "que se quitó sola".
RESOLVED_AFTER = re.compile(
    r"\b(?:(?:stopped|went away|cleared up|settled down|settled|resolved|subsided|eased off|quit) (?:after|on (?:its|their) own|by itself|by themselves|within|in (?:a|an|about|like|\d+)|eventually|with (?:the |some |a )?(?:pressure|gauze|ice|rest|meds?|medicine|treatment|antibiotics?))|"
    r"(?:that|which|and it|and they|but it) (?:\w+ ){0,2}?(?:stopped|went away|cleared up|resolved|subsided)|"
    r"(?:se (?:me |le )?)?(?:paro|quito|detuvo|calmo) (?:sol[oa]|despues de|a los|al rato|en (?:unos|un|una|\d+)|con (?:la |el |hielo|presion|gasa))|"
    r"(?:se (?:me |le )?)?corto (?:sol[oa]|al rato|despues de)|(?:gone|went away|se (?:le |me )?(?:quito|fue)) (?:today|now|this morning|hoy|ya)|"
    r"(?:se (?:me |le )?)?(?:fue|paso) (?:sol[oa]|al rato|despues de)|"
    r"(?:que|y) (?:se (?:me |le )?|ya (?:se )?(?:me |le )?)(?:paro|quito|fue|detuvo|corto|calmo|paso)\b|"
    # nothing of it today ("today none at all", "hoy ya nada")
    r"(?:today|now|hoy|ahora)(?: ya)? (?:none|nothing|no pain|nada|ninguno|ninguna)\b|(?:none|nothing) (?:today|now)\b)"
)
_RESOLUTION_DENIED = frozenset(
    {"not", "hasnt", "havent", "wont", "doesnt", "didnt", "never", "isnt", "cant", "no", "nunca",
     "still", "todavia", "aun"}
)  # fmt: skip


def _resolved(text: str) -> bool:
    """``text`` (the finding and what follows) says it is over, not that it has not stopped."""
    for found in RESOLVED_AFTER.finditer(text):
        said = text[: found.start()].split()[-2:] + found.group(0).split()
        if not _RESOLUTION_DENIED.intersection(said):
            return True
    return False


#: Bare mentions of urgent things (bleeding, breathing, fainting…): not flags by themselves,
#: but when every mention is negated or past ("ya no está sangrando"), nothing urgent is said.
MENTIONS = re.compile(
    rf"\b(?:{BLEED}|{BREATH}|{HEART_SITE}|{SWELL}|passed out|faint\w*|seizure\w*|"
    r"desmay\w*|convuls\w*|dolor de pecho|chest pain|nose ?bleeds?|swallow\w*|tragar)\b"
)


def _only_not_now(clauses: list[tuple[str, tuple[int, ...]]], recurring: bool) -> str | None:
    """The first bare mention when every one is negated or past, else None (read until one is
    said as now: a long message is not read to its end)."""
    mentions = (
        (m.group(0), _in_context(clause, m.start(), m.end(), starts, recurring=recurring))
        for clause, starts in clauses
        for m in MENTIONS.finditer(clause)
    )
    first = next(mentions, None)
    if first is not None and first[1] and all(negated for _, negated in mentions):
        return first[0]
    return None


def start_index(
    starts: Sequence[frozenset[str] | None],
) -> tuple[dict[str, set[int]], frozenset[int]]:
    """For patterns whose matches begin words as ``starts`` says (``pattern_starts``): each
    beginning, to the patterns that can start with it (indexes into ``starts``); and the
    patterns that do not say (tried on every text)."""
    by_start: dict[str, set[int]] = {}
    for i, beginnings in enumerate(starts):
        for start in beginnings or ():
            by_start.setdefault(start, set()).add(i)
    return by_start, frozenset(i for i, beginnings in enumerate(starts) if beginnings is None)


_RULES_BY_START, _EVERY_CLAUSE = start_index([rule.starts for rule in RULES])


@lru_cache(maxsize=20000)
def _word_rules(head: str) -> tuple[int, ...]:
    """The rules (indexes into ``RULES``) whose match can start at a word beginning ``head``
    (its first ``START_LEN`` letters): looked up once per word, not once per rule and clause."""
    rules: set[int] = set()
    for n in range(1, len(head) + 1):
        rules |= _RULES_BY_START.get(head[:n], set())
    return tuple(rules)


#: Words and spaces only (normalised text): the words of such a clause are what lies between
#: its spaces, and a match that starts a word starts after a space.
WORDS_AND_SPACES = re.compile(r"[\w ]*")


def _rules_for(clause: str) -> list[tuple[Rule, list[int] | None]]:
    """The rules that may match in ``clause``, in ``RULES`` order, each with where its matches
    can start: the words that begin as one of its matches must (``Rule.starts``), or None
    (anywhere) for a rule that does not say. The other rules cannot match and are not tried."""
    at: dict[int, list[int]] = {}
    offset = 0
    for word in clause.split(" "):
        for i in _word_rules(word[:START_LEN]):
            at.setdefault(i, []).append(offset)
        offset += len(word) + 1
    anywhere = not WORDS_AND_SPACES.fullmatch(clause)
    return [
        (RULES[i], None if anywhere or RULES[i].starts is None else at[i])
        for i in sorted(at.keys() | _EVERY_CLAUSE)
    ]


def _matches(rule: Rule, clause: str, at: list[int] | None) -> Iterator[re.Match[str]]:
    """``rule.pattern.finditer(clause)``; with ``at`` (every match starts at one of these
    positions, in order), one attempt at each of them instead of a search of the clause from
    every character."""
    if at is None:
        yield from rule.pattern.finditer(clause)
        return
    end = 0
    for position in at:
        if position >= end and (match := rule.pattern.match(clause, position)):
            yield match
            end = match.end()


#: A sign denied right before it ("no vomiting", "hasn't thrown up", "sin vómito", "no ha
#: vomitado"): not a deficit, whose negation stands before its verb ("no levanta el brazo",
#: "no aguanto el mareo").
DENIED_BEFORE = re.compile(
    r"\b(?:no|not|sin|without|never|nunca|ni|denies|hasnt|havent|didnt|wasnt|isnt|arent|doesnt|dont)"
    r"(?: (?:any|ha|he|han|hubo|has|have|had|been|signs of|more|other|further|se ha|le ha|me|se|le|lo|la|es|me he|se le|me ha))?\s*$"
)


def _unnegated(
    pattern: re.Pattern[str], clauses: list[tuple[str, tuple[int, ...]]]
) -> re.Match[str] | None:
    """The first place ``pattern`` occurs not denied ("bumped his head, no vomiting" says no
    danger sign after the blow), or None."""
    for clause, _ in clauses:
        for match in pattern.finditer(clause):
            head = clause[max(0, match.start() - 40) : match.start()]
            if not DENIED_BEFORE.search(_NOT_STOPPING.sub("nonstop", head)):
                return match
    return None


def _said_unnegated(pattern: re.Pattern[str], clauses: list[tuple[str, tuple[int, ...]]]) -> bool:
    return _unnegated(pattern, clauses) is not None


def _cited(rule: Rule, flag: RedFlag, clauses: list[tuple[str, tuple[int, ...]]]) -> RedFlag:
    """``flag`` naming the words of the rule's ``also`` too, when they decided it as well."""
    if not rule.cite_also or rule.also is None:
        return flag
    also = _unnegated(rule.also, clauses)
    if also is None or also.group(0).strip() in flag.matched:
        return flag
    return RedFlag(flag.group, f"{flag.matched} + {also.group(0).strip()}")


def _also_denied(
    rule: Rule,
    also: re.Pattern[str],
    clause: str,
    clauses: list[tuple[str, tuple[int, ...]]],
    whole: str,
    whole_says: dict[int, bool],
    anywhere: dict[int, bool],
    not_now: dict[str, RedFlag],
) -> bool:
    """Whether what makes ``rule`` urgent (its ``also``) is said nowhere, or only as denied;
    a denied one is still said, not now ("bumped his head, no vomiting"). The answers are
    kept per message (the whole message once per clause was n²)."""
    key = id(also)
    if key not in anywhere:
        anywhere[key] = also.search(whole) is not None
    if key not in whole_says:
        whole_says[key] = anywhere[key] and _said_unnegated(also, clauses)
    if whole_says[key]:
        return False
    if anywhere[key] and (match := rule.pattern.search(clause)) is not None:
        not_now.setdefault(rule.group, RedFlag(rule.group, match.group(0).strip()))
    return True


def _curious(
    found: dict[str, RedFlag], not_now: dict[str, RedFlag], reported: set[str]
) -> tuple[dict[str, RedFlag], dict[str, RedFlag]]:
    """A message asked out of curiosity: what someone reports of themselves or another stays
    now ("just curious, my husband is not breathing"); only what the question names is not."""
    kept = {g: f for g, f in found.items() if g in reported}
    return kept, {**{g: f for g, f in found.items() if g not in reported}, **not_now}


#: A feverish child said to be well ("eating and playing fine", "come bien y juega"), not denied…
WELL_CHILD = re.compile(
    r"\b(?:eating|drinking|feeding|nursing|playing|peeing|smiling|acting|behaving|taking (?:bottles|the bottle|fluids))\b"
    r"(?:\s+\S+){0,3}?\s+(?:fine|well|normal\w*|ok|okay|good|great|like (?:himself|herself|usual))\b|"
    r"\b(?:come|toma|juega|mama|orina|hace pipi)(?: \w+)? (?:bien|normal)\b|\besta (?:jugando|activ[oa]|contento|contenta|sonriendo)\b|"
    # eating and playing, said together ("está comiendo y jugando", "eating and playing")
    r"\b(?:esta |anda |sigue )?(?:comiendo|jugando|mamando)(?: bien)? y (?:jugando|comiendo|riendo|sonriendo)\b|"
    r"\b(?:eating|feeding|nursing) and (?:playing|smiling|laughing)\b"
)
#: … of an age said to be past the first three months (a younger baby's fever is an emergency
#: however well the baby looks).
OLDER_CHILD = re.compile(
    r"\b(?:[4-9]|1\d|2[0-3]|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|dieciocho) (?:months?|mos?|meses)\b|"
    r"\b(?:[1-9]|1[0-7]|one|two|three|four|five|six|un|una|dos|tres|cuatro|cinco|seis) (?:years?|yrs?|anos?)(?: old)?\b(?! ago)|\btoddler\b"
)
#: A fever too high for any reassurance (40.5 °C, 105 °F and over).
VERY_HIGH_FEVER = re.compile(r"\b(?:10[5-9]|4[1-3]|40 [5-9])(?: \d)?\b")
YOUNG_CHILD = re.compile(
    r"\b(?:newborn|new born|recien nacid[oa])\b|\b\w+ (?:days?|weeks?|wks?) olds?\b|\b(?:de|tiene|has|is) \w+ (?:dias|semanas|days|weeks)\b|"
    r"\b(?:[0-3]|one|two|three|un|una|dos|tres|mes y medio) (?:months?|mos?|mes|meses)\b"
)
#: A small burn ("a blister the size of a pea", "ampollitas chiquitas") …
SMALL_BURN = re.compile(
    r"\b(?:size of a (?:pea|dime|penny|coin|nickel|quarter|grain of rice|fingernail|eraser|button)|"
    r"tamano de (?:un|una) (?:chicharo|lenteja|moneda|frijol|una|boton)|"
    r"(?:tiny|small|little) blisters?|blisters? (?:is |are )?(?:tiny|small|little)|ampollitas?|ampollas? (?:chiquitas?|pequenas?))\b"
)
#: … where nothing makes it serious.
SERIOUS_BURN = re.compile(
    r"\b(?:face|eyes?|genital\w*|groin|chemical\w*|acid|electric\w*|charred|white|leathery|peeling|all over|whole|entire|large|big|huge|"
    r"oil|grease|boiling|fire|flames?|neck|chest|aceite|hirviendo|fuego|llamas?|cuello|pecho|"
    r"cara|ojos?|genitales|quimic\w*|acido|negra|blanca|tod[ao]|entera|grande|grandes|enorme\w*|se (?:le |me )?(?:cayo|cae) la piel)\b"
)


def _reassured(
    found: dict[str, RedFlag],
    not_now: dict[str, RedFlag],
    whole: str,
    clauses: list[tuple[str, tuple[int, ...]]],
) -> tuple[dict[str, RedFlag], dict[str, RedFlag]]:
    """A fever in a child past three months who is said to be well, and a small burn with no
    sign of a serious one, are said, not emergencies now."""
    lifted = set()
    if (
        "infant_fever" in found
        and OLDER_CHILD.search(whole)
        and not YOUNG_CHILD.search(whole)
        and not VERY_HIGH_FEVER.search(whole)
        and _said_unnegated(WELL_CHILD, clauses)
    ):
        lifted.add("infant_fever")
    if "burn" in found and SMALL_BURN.search(whole) and not SERIOUS_BURN.search(whole):
        lifted.add("burn")
    if not lifted:
        return found, not_now
    return (
        {g: f for g, f in found.items() if g not in lifted},
        {**not_now, **{g: f for g, f in found.items() if g in lifted}},
    )


#: A message that says what someone said was a joke or a way of talking ("it's just how she
#: talks", "es broma").
JOKE = re.compile(
    r"\b(?:(?:its|it s|is|was) (?:just )?(?:a )?joke|(?:es|era) (?:pura |una )?broma|"
    r"(?:just|only) how (?:she|he|they) talks?|(?:manera|forma) de hablar|figure of speech)\b"
)
#: Someone else's words reported ("she says she wants to die"), for ``JOKE``.
SAID = re.compile(r"\b(?:says|saying|said|dice|dijo|diciendo)\b")


def _reported(clause: str, start: int, whole: str) -> bool:
    """Whether the finding at ``start`` is someone's own report, not a question (and not
    someone else's words the message calls a joke)."""
    head = clause[max(0, start - REPORTED_CHARS) : start]
    if not REPORTED_BY.search(head):
        return False
    return not (SAID.search(head) and JOKE.search(whole))


def read_red_flags(text: str) -> tuple[list[RedFlag], list[RedFlag]]:
    """(flags happening now, flags mentioned only as negated, past or hypothetical), each with
    the words that decided it."""
    found: dict[str, RedFlag] = {}
    not_now: dict[str, RedFlag] = {}
    clauses = _clauses(text)
    whole = " ".join(clause for clause, _ in clauses)
    recurring = RECURRING.search(whole) is not None
    # (plain loops: this is the classifier's hottest code; "also" and "unless" are read on
    # the whole message, once, and only when a pattern matched)
    # (keyed by the pattern's id: hashing a pattern hashes its text, a long one per clause)
    whole_says: dict[int, bool] = {}
    anywhere: dict[int, bool] = {}
    reported: set[str] = set()
    for clause, starts in clauses:
        for rule, at in _rules_for(clause):
            if rule.group in found:
                continue
            # (the clause's cheap words first: a rule that cannot match here is not read on
            # the whole message for its "also")
            missing = any(not need.search(clause) for need in rule.needs)
            if missing and (rule.unless is None or not next(_matches(rule, clause, at), None)):
                continue
            if rule.also is not None and _also_denied(
                rule, rule.also, clause, clauses, whole, whole_says, anywhere, not_now
            ):
                continue
            if missing:
                # what an "unless" explains away is still said, not now ("my gums bleed a
                # little when I floss")
                if rule.unless is not None and (match := next(_matches(rule, clause, at), None)):
                    if id(rule.unless) not in whole_says:
                        whole_says[id(rule.unless)] = rule.unless.search(whole) is not None
                    if whole_says[id(rule.unless)]:
                        not_now.setdefault(rule.group, RedFlag(rule.group, match.group(0).strip()))
                continue
            for match in _matches(rule, clause, at):
                flag = RedFlag(rule.group, match.group(0).strip())
                if rule.unless is not None:
                    if id(rule.unless) not in whole_says:
                        whole_says[id(rule.unless)] = rule.unless.search(whole) is not None
                    if whole_says[id(rule.unless)]:
                        not_now.setdefault(rule.group, flag)
                        break
                if _in_context(clause, match.start(), match.end(), starts, recurring=recurring):
                    not_now.setdefault(rule.group, flag)
                else:
                    found[rule.group] = _cited(rule, flag, clauses)
                    if _reported(clause, match.start(), whole):
                        reported.add(rule.group)
                    break
    if found and CURIOUS.search(whole) and not HAPPENING.search(whole):
        found, not_now = _curious(found, not_now, reported)
    if "infant_fever" in found or "burn" in found:
        found, not_now = _reassured(found, not_now, whole, clauses)
    if (mention := _only_not_now(clauses, recurring)) is not None:
        not_now.setdefault("mention", RedFlag("mention", mention))
    return list(found.values()), [f for g, f in not_now.items() if g not in found]


def find_red_flags(text: str) -> list[RedFlag]:
    """Every red-flag group the text mentions as happening now (not negated, past or
    hypothetical), with the words that decided it."""
    return read_red_flags(text)[0]


#: Red flags for which a patient is offered the 988 Suicide & Crisis Lifeline beside 911
#: (thoughts of harming or killing oneself; an overdose is 911 and Poison Control's).
CRISIS_LINE_GROUPS = frozenset({"suicidal"})


def needs_crisis_line(text: str) -> bool:
    """The patient wrote of harming themselves, now: offer 988 as well as 911."""
    return any(flag.group in CRISIS_LINE_GROUPS for flag in find_red_flags(text))
