"""Category, urgency and language suggestions for patient messages. Pure Python, offline.

Explainable by construction: every suggestion lists the phrases that decided it. Rules are
weighted phrase patterns per category, in English and Spanish, matched on normalised text
(lower case, no accents or punctuation), so messy speech-to-text transcripts match as well as
typed messages. A red flag always wins: the message is clinical and an emergency.

Measured on the labelled set in ``closeloop/triage/data`` by ``python -m
closeloop.triage.evaluate`` (figures in docs/triage.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from closeloop.lib.clinicalterms import ClinicalSignal, clinical_signal
from closeloop.lib.redflags import (
    MENTIONS,
    WORDS_AND_SPACES,
    RedFlag,
    find_red_flags,
    pattern_starts,
    read_red_flags,
    start_index,
)
from closeloop.lib.textmodel import NEVER, Prediction, default_model
from closeloop.lib.textnorm import normalize

CATEGORIES = (
    "scheduling",
    "new_patient_intake",
    "insurance_info",
    "referral_document_status",
    "telehealth_access",
    "clinical_message",
    "complaint_review",
    "language_access",
    "billing",
    "other",
)
#: A category needs at least this score to be suggested; below it the message is "other".
MIN_SCORE = 2

# (pattern, weight). Weight 3: decisive on its own; 2: clear; 1: supporting.
RULES: dict[str, list[tuple[str, int]]] = {
    "scheduling": [
        (r"\b(?:re ?schedule|reschedual|resched|rebook|re book)\b", 4),
        (r"\bappo?i?ntme?nts?\b|\bappt\b|\bapointment\b", 2),
        (
            r"\b(?:book|schedule|set up|make|get) (?:an? |me |in |my |for |the )?(?:appointment|appt|visit|cleaning|physical|checkup|check up|follow up|flu shot)",
            3,
        ),
        (
            r"\b(?:cancel|move|push|change|confirm)\b.{0,30}\b(?:appointment|appt|visit|cleaning|date)",
            3,
        ),
        (
            r"\b(?:first available|earlier|opening|openings|slot|come in (?:sooner|next)|booking|book me|getting in)\b",
            2,
        ),
        (
            r"\b(?:six month|annual|well child) (?:check ?up|cleaning|visit|exam)|\bcheck ?up\b|\bcleaning\b|\bflu shot\b|\bphysical\b|\bfollow up\b",
            2,
        ),
        (r"\b(?:cant make it|can not make it|running late|missed my appointment)\b", 3),
        (r"\bcita\b|\bsita\b", 3),
        (r"\b(?:cambiar|cancelar|reprogramar|agendar|confirmar|mover|programar)\b", 2),
        (r"\b(?:chequeo|limpieza|consulta de seguimiento)\b", 1),
        (r"\bdisponible\b", 1),
    ],
    "new_patient_intake": [
        (r"\bnew (?:patient|patients)\b|\bpacientes? nuevos?\b", 5),
        (r"\b(?:become|becoming) (?:a )?patients?\b|\bser pacientes?\b", 4),
        (r"\b(?:intake|registration|register|welcome packet|patient forms|health history)\b", 3),
        (r"\bfirst (?:visit|appointment|time patient)\b|\bprimera (?:visita|cita|vez)\b", 2),
        (r"\b(?:accepting|taking) (?:new )?(?:patients|anybody)\b|\baceptan pacientes\b", 4),
        (
            r"\b(?:family doctor|new dentist|new to the area|transfer care|get established|moved here)\b",
            3,
        ),
        (
            r"\b(?:registrarme|inscribo|paquete de registro|formularios?|somos nuevos|nos mudamos|dentista nuevo)\b",
            2,
        ),
    ],
    "insurance_info": [
        (r"\binsurance\b|\binsurer\b|(?<!\bes )\bseguros?\b|\baseguranza\b", 3),
        (
            r"\b(?:member (?:id|number)|group number|policy number|numero de (?:miembro|grupo)|tarjeta del seguro)\b",
            3,
        ),
        (
            r"\b(?:in network|coverage|covered|covers|eligibility|preauthorization|cobertura|cubre)\b",
            2,
        ),
        (r"\b(?:medicaid|medicare|tricare|aetna|cigna|blue cross|united|humana|ppo|hmo|plan)\b", 2),
        (r"\b(?:do you|do yall|y all) (?:take|accept)\b|\baceptan (?:el|mi)\b", 2),
    ],
    "referral_document_status": [
        (r"\b(?:referral|refferal|referal|referred|referido|referencia)\b", 4),
        (
            r"\b(?:records?|chart notes|expediente|radiografias|xrays|x rays|imaging|estudios|registro de vacunas|immunization)\b",
            3,
        ),
        (
            r"\b(?:form|forms|paperwork|letter|note|papeles|carta|constancia|forma)\b.{0,40}\b(?:sign|signed|work|school|employer|filled|disability|fmla|firma|trabajo|escuela|incapacidad)\b",
            3,
        ),
        (
            r"\b(?:fmla|disability|handicap parking|sports physical|proof of (?:my )?(?:last )?visit)\b",
            3,
        ),
        (
            r"\b(?:specialist|especialista|cardiologist|dermatologist|orthopedi\w*|neurologist|oral surgeon|ent|gi doctor|heart doctor)\b",
            2,
        ),
        (r"\b(?:send|sent|fax|faxed|resend|mandar|mandaron|enviaron|enviar)\b", 1),
    ],
    "telehealth_access": [
        (
            r"\b(?:video|vidio|virtual|telehealth|telemedicine|tele visit|telemedicina|videollamada|zoom)\b",
            3,
        ),
        (r"\b(?:link|links|enlace|liga)\b", 2),
        (
            r"\b(?:camera|microphone|mic|camara|virtual waiting room|sala de espera virtual|connection error|app)\b",
            2,
        ),
        (r"\b(?:join|entrar|online|en linea|por video)\b", 1),
    ],
    "clinical_message": [
        (r"\b(?:refill|refilled|prescription|prescribe|receta|surtan)\b", 4),
        (
            r"\b(?:medication|medicine|meds|pills?|antibiotic|inhaler|dose|metformin|lisinopril|ibuprofen|medicamento|medicina|antibiotico|inhalador|dosis|pastillas)\b",
            3,
        ),
        (
            r"\b(?:lab|labs|test|blood test|x ?ray) results?\b|\bresults? (?:back|from)\b|\bresultados\b|\bblood (?:test|work)\b",
            4,
        ),
        (r"\b(?:side effects?|efecto secundario|me cae mal)\b", 3),
        (
            r"\b(?:fever|cough|rash|sore throat|infection|swelling|swollen|dizzy|aching|aches|pain|hurts?|sore|bleeding|stitches|sugar readings|blood pressure (?:numbers|readings))\b",
            2,
        ),
        (
            r"\b(?:fiebre|tos|salpullido|infeccion|hinchazon|mareo|duele|dolor|azucar|garganta|diabetes|presion)\b",
            2,
        ),
        (
            r"\b(?:nurse|enfermera|should i (?:come in|be seen)|is (?:it|that) normal|es normal)\b",
            2,
        ),
        (r"\b(?:pharmacy|farmacia)\b", 2),
    ],
    "complaint_review": [
        (r"\b(?:complaint|complain|queja)\b", 5),
        (
            r"\b(?:rude|grosera?o?|hung up|unacceptable|inaceptable|ridiculous|terrible|horrible|worst|pesimo|falta de respeto)\b",
            3,
        ),
        (
            r"\b(?:upset|angry|frustrated|disappointed|not happy|molest[ao]|decepcionad[ao]|no me gusto)\b",
            3,
        ),
        (
            r"\b(?:on hold|en la linea|nobody (?:ever )?(?:calls?|called|returns|helps)|nadie (?:me )?(?:contesta|atiende|regreso))\b",
            3,
        ),
        (r"\b(?:review|feedback|resena|yelp)\b", 3),
        (r"\b(?:manager|supervisor|gerente)\b", 2),
        (r"\b(?:waited|espere|esperando)\b.{0,40}\b(?:hour|minutes|hora|minutos|rato)\b", 2),
        (r"\b(?:switching practices|how i was treated|como me trataron)\b", 3),
        (r"\b(?:treated|trataron|trato|service|servicio)\b", 1),
    ],
    "language_access": [
        (r"\b(?:interpreters?|translators?|interprete|traductor|traduzca)\b", 5),
        (
            r"\b(?:speak|speaks|speaking|hable|habla|hablo) (?:spanish|espanol|vietnamese|arabic|portuguese|mandarin|russian|korean|somali|mixteco|only)\b|\b(?:spanish|vietnamese|arabic|portuguese|mandarin|russian|korean) speaking\b",
            4,
        ),
        (r"\b(?:sign language|asl|lenguaje de senas)\b", 4),
        (r"\bin (?:spanish|espanol|haitian creole|russian)\b|\ben espanol\b|\btranslated\b", 3),
        (
            r"\b(?:doesnt|does not|dont|no) (?:speak|hablo|entiende) (?:english|ingles)\b|\bno (?:hablo|entiende) ingles\b",
            4,
        ),
    ],
    "billing": [
        (r"\b(?:bill|bills|billed|billing|bil|statement|invoice|factura|estado de cuenta)\b", 4),
        (r"\b(?:charge|charged|charges|cobro|cobraron|cobranza|collections)\b", 3),
        (
            r"\b(?:balance|owe|cuanto debo|saldo|payment plan|plan de pagos|installments|refund|reembolso|overpayment|pague de mas)\b",
            3,
        ),
        (
            r"\b(?:pay|paid|pagar|pago|credit card|tarjeta|copay|dollars|dollers|financial assistance)\b",
            2,
        ),
    ],
}

URGENT_CUES = r"\b(?:today|right now|asap|urgent|urgently|worse|getting worse|in \d+ minutes|this afternoon|hoy|urgente|ahorita|empeorando)\b"
SPANISH_MARKERS = frozenset(
    [
        "hola",
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "que",
        "por",
        "para",
        "mi",
        "mis",
        "tengo",
        "necesito",
        "quiero",
        "una",
        "un",
        "cita",
        "ayuda",
        "gracias",
        "usted",
        "ustedes",
        "no",
        "puedo",
        "esta",
        "estoy",
        "me",
        "se",
        "le",
        "pero",
        "con",
        "como",
        "donde",
        "cuando",
        "hablo",
        "buenos",
        "buenas",
        "dias",
        "tardes",
        "seguro",
        "cuenta",
        "bebe",
        "hijo",
        "hija",
        "esposo",
        "esposa",
        "mama",
        "papa",
        "muy",
        "tiene",
        "duele",
        "llego",
        "llame",
        "favor",
    ]
)
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "my",
        "i",
        "to",
        "and",
        "is",
        "are",
        "need",
        "want",
        "can",
        "you",
        "have",
        "this",
        "that",
        "for",
        "with",
        "appointment",
        "please",
        "hi",
        "hello",
        "calling",
        "call",
        "about",
        "get",
        "it",
        "me",
        "what",
        "do",
        "does",
        "not",
        "was",
    ]
)
_COMPILED = {
    category: [(re.compile(pattern), weight) for pattern, weight in rules]
    for category, rules in RULES.items()
}
#: Every category rule as (category, pattern, weight), in ``RULES`` order.
_EACH_RULE = [
    (category, pattern, weight)
    for category, rules in _COMPILED.items()
    for pattern, weight in rules
]
#: The rules by the beginnings of words their matches start with (``pattern_starts``): a
#: message is searched only for the rules one of its words begins as (most messages match no
#: rule of most categories).
_RULES_BY_START, _EVERY_MESSAGE = start_index(
    [pattern_starts(pattern.pattern) for _, pattern, _ in _EACH_RULE]
)
_START_LEN = max(map(len, _RULES_BY_START), default=0)
_URGENT = re.compile(URGENT_CUES)
# Among equal scores, the more consequential category wins.
_PRIORITY = (
    "clinical_message",
    "complaint_review",
    "telehealth_access",
    "language_access",
    "billing",
    "referral_document_status",
    "insurance_info",
    "new_patient_intake",
    "scheduling",
)


@dataclass(frozen=True)
class Suggestion:
    category: str
    red_flag: bool
    urgency: str
    language: str
    reasons: list[str] = field(default_factory=list)
    red_flag_groups: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "red_flag": self.red_flag,
            "urgency": self.urgency,
            "language": self.language,
            "reasons": self.reasons,
        }


def detect_language(normalised: str, hint: str | None = None) -> str:
    words = normalised.split()
    spanish = sum(word in SPANISH_MARKERS for word in words)
    english = sum(word in ENGLISH_MARKERS for word in words)
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return hint if hint in ("en", "es") else "en"


@lru_cache(maxsize=20000)
def _word_rules(head: str) -> frozenset[int]:
    """The category rules (indexes into ``_EACH_RULE``) whose match can start at a word
    beginning ``head`` (its first ``_START_LEN`` letters)."""
    rules: set[int] = set()
    for n in range(1, len(head) + 1):
        rules |= _RULES_BY_START.get(head[:n], set())
    return frozenset(rules)


def _rules_for(normalised: str) -> list[int]:
    """The category rules that may match ``normalised``, in ``RULES`` order (all of them for
    text with more than words and spaces)."""
    if not WORDS_AND_SPACES.fullmatch(normalised):
        return list(range(len(_EACH_RULE)))
    candidates = set(_EVERY_MESSAGE)
    for word in normalised.split():
        candidates |= _word_rules(word[:_START_LEN])
    return sorted(candidates)


def score_categories(normalised: str) -> dict[str, tuple[int, list[str]]]:
    """{category: (the weights of its rules that match, the words each matched)}, categories
    in ``RULES`` order, only those with a match."""
    scores: dict[str, tuple[int, list[str]]] = {}
    for i in _rules_for(normalised):
        category, pattern, weight = _EACH_RULE[i]
        found = pattern.search(normalised)
        if found:
            total, matched = scores.get(category, (0, []))
            scores[category] = (total + weight, [*matched, found.group(0).strip()])
    return scores


def _urgency(category: str, normalised: str, reasons: list[str]) -> str:
    urgent_cue = _URGENT.search(normalised)
    if urgent_cue and category in ("clinical_message", "telehealth_access", "complaint_review"):
        reasons.append(f"urgent: '{urgent_cue.group(0)}'")
        return "urgent"
    if category == "clinical_message":
        reasons.append("urgent: clinical messages are answered the same day")
        return "urgent"
    return "routine"


def _ranked(normalised: str) -> list[tuple[str, tuple[int, list[str]]]]:
    scores = score_categories(normalised)
    return sorted(scores.items(), key=lambda kv: (-kv[1][0], _PRIORITY.index(kv[0])))


def _red(text: str, lang: str, flags: list[RedFlag] | None = None) -> Suggestion | None:
    flags = find_red_flags(text) if flags is None else flags
    if not flags:
        return None
    groups = [flag.group for flag in flags]
    reasons = [f"red flag {flag.group}: '{flag.matched}'" for flag in flags]
    return Suggestion("clinical_message", True, "emergency", lang, reasons, groups)


def classify_rules(text: str, *, language: str | None = None) -> Suggestion:
    """The rules alone (the baseline the learned model is measured against)."""
    normalised = normalised_text(text)
    lang = detect_language(normalised, language)
    if red := _red(text, lang):
        return red
    ranked = _ranked(normalised)
    if not ranked or ranked[0][1][0] < MIN_SCORE:
        return Suggestion("other", False, "routine", lang, ["no category rule matched strongly"])
    category, (score, matched) = ranked[0]
    reasons = [f"{category} ({score}): " + ", ".join(f"'{m}'" for m in matched)]
    return Suggestion(category, False, _urgency(category, normalised, reasons), lang, reasons)


#: Words of symptoms, injuries and medicines, English and Spanish: a clinical signal. A message
#: with one is never taken by the off-topic gate and never left in "other".
SYMPTOM_WORDS = re.compile(
    r"\b(?:pain(?:s|ful\w*|killers?)?|hurt\w*|ache\w*|aching|sore\w*|sick(?! (?:days?|leave|time))|fever\w*|cough\w*|sneez\w*|rash\w*|"
    r"itch\w*|lumps?|bumps?|swell\w*|swollen|dizz\w*|faint\w*|nause\w*|vomit\w*|throw\w* up|"
    r"diarrh\w*|constipat\w*|cramp\w*|bleed\w*|blood\w*|bruis\w*|numb(?!er|e\b)\w*|tingl\w*|burn\w*|"
    r"infect\w*|pus|wound|cut myself|stitch\w*|injur\w*|sprain\w*|broke my|fractur\w*|"
    r"tired|fatigue\w*|exhausted|can(?:no)?t sleep|insomnia|anxi\w*|depress\w*|panic|suicid\w*|"
    r"pregnan\w*|migraine\w*|headache\w*|breath\w*|wheez\w*|asthma|allerg\w*|flu|strep|"
    r"covid|virus|diabet\w*|cholesterol|toothache|wart|cyst|pee|urin\w*|symptoms?|"
    # (Spanish "médico(s)" is the doctor: a practice's word, not a symptom)
    r"(?<!asistente )(?<!not )(?<!not a )(?<!no es )(?<!nada )medic(?!al (?:assistants?|office|receptionists?|billing|supplies|equipment)|[oa]s?\b)\w*|"
    r"meds|pills?|tablets?|dose\w*|prescri\w*|refill\w*|pharmac\w*|antibiotic\w*|"
    r"inhaler|ointment|eye drops|ear drops|break(?:ing)? out|breakouts?|acne|pimples?|zits?|"
    r"lice|appetite|ingrown|splinters?|low energy|no energy|astillas?|sin energia|"
    # everyday complaints and medicines (a general vocabulary, English and Spanish)
    r"stuffy|runny|congest\w*|earaches?|stye|pink eye|heartburn|upset stomach|stiff|hives|"
    r"weakness|(?:feel\w*|i am|im|so|very) weak|weak (?:legs?|arms?|hands?)|"
    r"filling (?:fell|came|is) out|lost (?:a|my) filling|"
    r"blisters?|athletes foot|canker|chipped (?:a |my )?tooth|loose filling|hair loss|dandruff|"
    r"hot flash\w*|utis?|yeast|glands?|chills|sunburn\w*|shingles|chicken ?pox|measles|"
    r"(?:lost|losing|gained|gaining) (?:\w+ )?weight|side effects?|"
    r"(?:have|has|had|got|caught|with) a cold|"
    r"(?:missed|late) (?:my |her )?period|period (?:is|was) late|"
    r"tylenol|advil|motrin|aspirin|ibuprofen\w*|acetaminophen|paracetamol|amoxicill?in\w*|"
    r"antibiotics?|vitamins?|insulin\w*|thyroid|sertraline|prednisone|"
    r"mocos|congestion|tapad[ao]|agruras|acidez|hormigue\w*|(?:me|le|te) pica\w*|picazon|"
    r"tapadura|caspa|insomnio|efectos? secundarios?|vitaminas?|ibuprofeno|amoxicilina|"
    r"insulina|tiroides|escalofrios|cuerpo cortado|anginas|llagas?|fuego labial|ampollas?|"
    r"verrugas?|hongos|estrenimiento|colicos?|esguince|caida del (?:cabello|pelo)|bochornos|"
    r"debilidad|irritad[oa]s?|revuelto|tieso|despostillad\w*|dientes sensibles|mal aliento|"
    r"dolor\w*|duel\w*|molest\w*|enferm\w*|fiebre|calentura|tos|estornud\w*|salpullido|"
    r"ronchas?|comez\w*|bolit\w*|hinch\w*|mare\w*|desmay\w*|nause\w*|vomit\w*|gripa|gripe|"
    r"diarrea|sangr\w*|moreton\w*|adormec\w*|ardor|arde|infecc\w*|herid\w*|puntos|"
    r"cansad\w*|cansancio|no duermo|ansiedad|deprim\w*|embarazad\w*|migrana|"
    r"respir\w*|asma|alergi\w*|diabet\w*|colesterol|orin\w*|sintomas?|medicin\w*|"
    r"medicament\w*|pastill\w*|pastila\w*|dosis|receta|farmacia|antibiotic\w*|inhalador|"
    r"pomada|gotas|granit\w*|granos|espinillas|acne|piojos|liendres|apetito|enterrad[ao]|"
    # conditions, family history and first aid: questions about them are clinical questions
    r"nose ?bleeds?|hoarse\w*|lost (?:my|his|her|their) voice|(?:perdi|perdio) la voz|afoni\w*|"
    r"ronc[ao]s?|(?:un|el|mi|los|este|ese|otro) lunar(?:es)?|cancer\w*|tumou?r\w*|mammogra\w*|"
    r"mamograf\w*|colonoscop\w*|(?:cancer|colon|breast|health|skin) screenings?|screening (?:tests?|for)|epilep\w*|seizures?|convuls\w*|hereditar\w*|"
    r"(?:run|runs|running) in (?:\w+ )?famil(?:y|ies)|stroke(?! of (?:genius|luck|midnight|fate))|heart attack|infarto|derrame|embolia|"
    r"swallow\w*|tragar|trago|traga|overdos\w*|sobredosis|poison\w*|envenen\w*|intoxic\w*|"
    r"first aid|primeros auxilios|blood clots?|coagulos?|chest pain|dolor de pecho|"
    r"short of breath|falta de aire|ahog\w*|asfixi\w*|palpitations?|palpitaciones|"
    r"(?:estudios|examenes|chequeo) (?:del|de) (?:corazon|pecho|sangre))\b"
)
#: Words of the body and of care (a body part, the doctor, a lab): a practice's business.
#: The off-topic gate leaves a message with one of them alone; alone they are not clinical.
PRACTICE_WORDS = re.compile(
    r"\b(?:heart|chest|stomach|belly|tooth|teeth|gums?|molar|filling|crown|braces|jaw|throat|"
    r"ears?|eyes?|nose|skin|face|knee|shoulder|ankle|wrist|hip|neck|foot|(?<!square )feet(?! (?:in a|of|tall|long|wide|high|deep|away))|leg|arm|finger|toe|"
    r"head|period|sugar|mole(?! (?:poblano|negro|verde|rojo|amarillo|de olla))|vaccin\w*|shot|shots|test results?|lab|labs|x ?rays?|nurse|"
    r"doctor\w*|dentist\w*|clinic|office|practice|appointment|patient|"
    r"corazon|pecho|estomago|panza|diente\w*|muela\w*|encia\w*|garganta|oido\w*|ojos?|nariz|"
    r"piel|cara|rodilla|espalda|hombro|tobillo|muneca|cadera|cuello|pierna|brazo|mano|dedo|cabeza|"
    r"regla|azucar|vacun\w*|resultados|analisis|radiograf\w*|doctor\w*|dentista|"
    r"clinica|consultorio|cita|paciente|enfermera|medic[oa]s?)\b"
)
#: A category rule this strong says the message is for a practice (the gate leaves it alone).
PRACTICE_INTENT = 3

#: What a message is about when it is about nothing of anyone's care: trivia, homework and
#: bets, animals, a recipe. A condition it names is a topic ("a recipe for my diabetic
#: aunt", "how long is an elephant pregnant"), not a report (``_CONDITION``).
#: Dishes: a message that names one reads "receta" as a recipe, and is about cooking.
DISHES = (
    r"caldo|sopa|soup|stew|guiso|paella|ajiaco|pozole|tamales|lasagna|brownies?|sancocho|"
    r"arroz con \w+|hotcakes|pancakes|galletas|cookies|pastel|cake|flan|gelatina"
)
_DISH = re.compile(r"\b(?:" + DISHES + r")\b")
_ANY_RECETA = re.compile(r"\brecetas?\b")
SUBJECT_TEXT = (
    r"trivia|homework|tarea|fun fact|dato curioso|quiz|crossword|crucigrama|"
    r"settl\w* (?:a |an |the )?(?:bet|argument|debate|dispute)|apuesta|"
    r"(?:school|science|class) project|proyecto (?:de|para) la escuela|"
    r"elephants?|horses?|cows?|sharks?|whales?|giraffes?|goats?|sheep|rabbits?|hamsters?|"
    r"octopus(?:es)?|pulpos?|dolphins?|delfin\w*|dinosaurs?|dinosaurios?|kangaroos?|canguros?|"
    r"ferrets?|hurone?s?|cats?|kittens?|puppies|gat[oa]s?|perr[oa]s?|elefante?s?|elefantas?|"
    + DISHES
    + r"|"
    r"vacas?|yeguas?|caballos?|tiburon\w*|ballenas?|jirafas?|cabras?|borregas?|conejos?|"
    r"recipes?|recipe|hornear|baking|ingredientes|ingredients|dessert|postres?"
)
SUBJECT_CUES = re.compile(r"\b(?:" + SUBJECT_TEXT + r")\b")
#: Conditions a subject names (read as "topic" under ``SUBJECT_CUES``), unless the writer
#: says they have them (``_OWN``); symptoms stay.
_CONDITION = re.compile(
    r"\b(?:diabet\w*|(?:pregnan|embaraz)\w*(?! (?:de )?\d)|sugar ?free|sin azucar|low ?carb|gluten ?free|"
    r"sin gluten|keto|celiac\w*|lactose|"
    # a reading stays one ("recipe for cookies, my sugar has been 300", "el azúcar me sale alta")
    r"(?:sugar|azucar)(?!(?: \w+){0,4} (?:\d{2,3}|high|low|alt[oa]|baj[oa]|elevad[oa]|subid[oa])\b))\b"
)
#: A condition within three words after one of these is the writer's ("I'm 30 weeks
#: pregnant", "estoy embarazada", "she's diabetic"): a report, never a topic.
_OWN = frozenset(
    {
        *("i", "im", "ive", "id", "am", "me", "we", "were", "weve", "she", "shes", "he", "hes"),
        *("while", "when", "during", "mientras", "cuando", "durante"),
        *("estoy", "estaba", "estamos", "tengo", "tuve", "soy", "ando", "yo", "quede"),
    }
)
#: ...and so is a pregnancy counted in weeks ("24 weeks pregnant", "20 semanas de embarazo").
_TIME_OF = frozenset({"weeks", "months", "semanas", "meses"})


def _as_topic(match: re.Match[str]) -> str:
    # (a bounded look back: a hostile message of many conditions stays linear)
    before = match.string[max(0, match.start() - 40) : match.start()].split()[-3:]
    last = before[-1:] if before[-1:] not in (["de"], ["of"]) else before[-2:-1]
    counted = bool(last) and last[0] in _TIME_OF
    return match.group(0) if _OWN.intersection(before) or counted else "topic"


#: Messages for no practice that say so (spam, vendors, wrong numbers, job applicants): with
#: no clinical signal they go to "other" even when they name the clinic or its patients.
OFF_TOPIC_CUES = re.compile(
    r"\b(?:wrong (?:number|person)|stop (?:texting|calling|messaging)|unsubscribe|"
    r"(?:you(?:ve| have)?|u) (?:just )?won|gift ?card|click (?:here|the link|this link)|"
    r"claim your|lottery|extended warranty|(?:we|i) (?:sell|offer|provide|supply)|"
    r"our (?:company|agency|firm|services|products?|software|platform)|"
    r"(?:seo|marketing|web design|website|advertising) (?:agency|services|company)|"
    r"are you (?:guys |all )?hiring|(?:job|position|opening) (?:available|openings?|posting)|"
    r"(?:my|send (?:you )?my|attached (?:is )?my) (?:resume|cv)|apply for (?:a|the|any) (?:job|position)|"
    r"numero equivocado|equivoque de numero|equivocad[oa] de numero|"
    r"dej(?:e|en|a) de (?:mandar|enviar|llamar|escribir)|"
    r"(?:felicidades|usted)\W+(?:\w+ )?gano|gano un (?:premio|celular|viaje|auto|carro|bono)|"
    r"haga clic|de clic|reclam\w* (?:su |tu )?premio|vendemos|(?:le|les) ofrecemos|"
    r"ofrecemos (?:servicios|productos)|(?:mi|nuestra) empresa|servicios de (?:marketing|publicidad)|"
    r"al mayoreo|(?:estan|esta) contratando|busco (?:trabajo|empleo)|vacantes?|"
    r"solicitud de empleo|mi curriculum|"
    # The medical-adjacent: selling to practices (marketing, software, billing services,
    # supplies). A pitch addresses clinics in the plural; a patient writes to one.
    r"seo|google (?:rankings?|reviews? management|business (?:listing|profile))|"
    r"rank (?:higher|first|better) (?:on|in) google|primer lugar (?:de|en) google|"
    r"(?:salir|aparecer|posicion\w*) (?:\w+ ){0,3}(?:en|de) google|"
    r"(?:free|quick|short) demo|demostracion (?:gratis|gratuita)|"
    r"(?:send|sending) (?:you |over )+(?:a |our )?(?:proposal|quote|catalog|brochure)|"
    r"(?:mand|envi)(?:o|amos|ar)(?:le|les)? (?:una |un |nuestra |nuestro )?(?:propuesta|cotizacion|catalogo|folleto)|"
    r"(?:we|our (?:team|company|agency|firm)) (?:help|helps|build|builds|design|designs|"
    r"partner with|work with|specialize in|distribute|manufacture)|"
    r"(?:we|our (?:team|company|agency|firm)) (?:refurbish|repair|install|lease|rent out)|"
    r"outsourc\w*|(?:clinic|practice|new|business) partners|(?:i|we) represent (?:a|an)|"
    r"(?:has|have) been (?:selected|chosen)|complimentary|ha sido seleccionad\w*|"
    r"(?:hacemos|creamos|disenamos|ofrezco|ofrecemos) (?:\w+ ){0,2}(?:paginas|sitios) web|ofrezco|"
    r"(?:build|design|make) (?:\w+ )?websites|"
    r"who (?:handles|manages|runs|does) your|(?:would|are) you (?:be )?interested in|"
    r"(?:ayudamos|disenamos|distribuimos|fabricamos|nos especializamos|nos encargamos)|"
    r"quien (?:le |les )?(?:maneja|lleva|administra) (?:las |los |sus |su )|(?:le|les) interesa\w*|"
    r"somos (?:una|un) (?:empresa|agencia|compania|despacho|distribuidora|proveedor\w*)|"
    r"wholesale|mayoreo|(?:for|para) (?:\w+ ){0,2}(?:clinics|practices|offices|consultorios|clinicas)|"
    r"reply stop|opt out|darse de baja|"
    # The medical-adjacent: the trade's people (reps, students, researchers, surveys, the
    # press, applicants), "healthcare" standing for the trade's names (``_TRADE``).
    r"(?:sales|healthcare|device) reps?|"
    r"(?:healthcare|device) (?:\w+ )?(?:compan(?:y|ies)|agency|firm|vendors?|sales|representatives?)|"
    r"(?:i m|im|i am|we are|were) (?:with|from|calling from) (?:a|an) (?:\w+ ){0,3}(?:company|agency|firm)|"
    r"visitador\w*|(?:laboratorio|empresa|compania|industria) healthcare|"
    r"representantes? (?:healthcare|de ventas|de (?:un |una )?(?:laboratorio|empresa|compania|marca))|"
    r"(?:drop off|leave|dejar|dejarles) (?:some |unas )?(?:samples|muestras)|"
    r"shadow(?:ing)?|observation hours|clinical hours|volunteer\w*|voluntari\w*|"
    r"internships?|externships?|practicum|healthcare (?:students?|school|program|majors?)|"
    r"(?:estudiantes?|pasantes?) de healthcare|(?:estudio|estudia|interesa) (?:la )?healthcare|"
    r"servicio social|"
    r"(?:hacer|realizar) (?:mis |las |unas )?(?:practicas|pasantias|rotacion\w*)|"
    r"(?:conducting|running|doing|taking part in|participate in) (?:a |an |our )?(?:\w+ )?survey|"
    r"(?:haciendo|realizando|contestar|participar en) (?:una |la |nuestra )?encuesta|"
    r"researchers?|investigador\w*|(?:research|academic) (?:study|project)|"
    r"estudio de investigacion|tesis|thesis|dissertation|"
    r"journalists?|reporters?|reporter[oa]s?|periodistas?|reportaje|local news|news (?:station|channel)|"
    r"noticiero|periodico local|"
    r"(?:looking for|busco|buscando) (?:\w+ ){0,2}(?:work|a job|shifts|trabajo|empleo|chamba)|"
    r"(?:article|story|podcast|documentary) (?:about|on)|(?:articulo|nota|documental) sobre|"
    r"(?:applying|apply|aplicar|postul\w*) (?:for|to|a|para) (?:the |a |your |el |un |la )?(?:\w+ ){0,2}"
    r"(?:position|opening|job|role|puesto|vacante|trabajo|empleo)|"
    r"(?:position|opening|job|puesto) (?:is )?(?:still )?(?:available|open|disponible|abierto)|"
    # Medicine as a theme: events, fundraisers, fiction, studies and sales about a disease.
    r"webinars?|seminars?|lunch and learn|charity|fundrais\w*|sponsor\w*|patrocin\w*|"
    r"a beneficio de|awareness|(?:phd|graduate|doctoral) students?|(?:we are|were|i am|im) selling|"
    r"(?:writing|write) (?:a|an) (?:novel|book|play|script|screenplay)|"
    r"escribiendo (?:una|un) (?:novela|obra|libro|guion|cuento)|"
    r"(?:survey|encuesta|estudio) (?:about|on|sobre|acerca de)|(?:vende|venden) \w+ para|"
    r"ofrecemos|recruit\w* (?:\w+ ){0,3}(?:clinics|practices|offices|participants)|reclut\w*|"
    r"present (?:our|a|an) new|presentar(?:le|les) (?:un|una|nuestro|nuestra) \w+|"
    # Texts meant for a partner, a relative or a boss: an endearment, an errand on the way
    # home, a shift to cover.
    r"^(?:(?:hey|hi|hola|oye) )?(?:babe|bae|honey|hun|hon|sweetie|sweetheart|love|my love|"
    r"amor|mi amor|mi vida|gordi|gordita|gordito|profe|maestra|maestro|teacher|coach)\b|"
    r"love (?:you|u)|luv u|te amo|xoxo|besos|besitos|kisses|"
    r"^(?:(?:hey|hi|hola|oye) )?(?:mom|dad|mama|papa|mami|papi)\b(?! (?:has|had|is|was|needs|"
    r"tiene|tuvo|esta|estuvo|necesita|se|le)\b)|"
    r"(?:pick up|grab|get|buy) (?:some |the |a |more )?(?:milk|bread|eggs|groceries|"
    r"toilet paper|takeout|pizza)|on (?:the|your|my) way home|start dinner|"
    r"compra(?:r|s|me)? (?:la |el |las |los |unas |unos )?(?:leche|pan|tortillas|huevos|cena)|"
    r"pasa por (?:la |el |las |los |unas |unos )?(?:leche|pan|tortillas|huevos|ninos|cena)|"
    r"cover (?:my|the|your) shift|cubreme|(?:late|tarde) (?:to|for|al|a la) "
    r"(?:work|the meeting|trabajo|junta|chamba)|"
    # Students, interviews, stories, services and premises: for no one's care.
    r"(?:want|wants|hoping|thinking about|plan|planning) (?:to )?(?:be|become|study|studying) "
    r"(?:a |an )?(?:doctor|dentist|nurse|dentistry|medicine|nursing)|thinking about dentistry|"
    r"(?:quiero|quiere|quisiera) (?:ser|estudiar para|estudiar) (?:\w+ )?"
    r"(?:doctor\w*|dentista|medic[oa]|enfermer[oa]|medicina|odontologia)|"
    r"(?:ver|observar) como trabajan|(?:watch|see) how you (?:guys |all )?work|"
    r"(?:high school|college|journalism|biology|psychology|communications) "
    r"(?:junior|senior|students?|class)|estudiante de (?:prepa|secundaria|periodismo|biologia)|"
    r"(?:do|give|grant) (?:me |us )?(?:a |an )?(?:\w+ ){0,2}interview|"
    r"(?:writing|write|wrote) (?:a |an |my )?(?:short )?(?:story|stories|novel|book|play|"
    r"script|screenplay|poem)|escribiendo (?:una|un|mi) (?:historia|guion|cuento|obra)|"
    r"(?:commercial|janitorial|office) cleaning|cleaning (?:services?|company|crew)|"
    r"(?:i|we) clean (?:offices|homes|houses|buildings|clinics)|servicio de limpieza|"
    r"limpio (?:oficinas|consultorios|casas|clinicas)|buen precio|(?:good|great|low|"
    r"competitive) (?:prices?|rates)|precios? (?:bajos|accesibles|economicos|especiales)|"
    r"free (?:quote|estimate)|(?:comprar|rentar) el local|quien es el dueno|landlord|janitorial|"
    r"quote you|reaching out from|(?:would|is) (?:your|the) (?:\w+ )?(?:clinic|practice|office|"
    r"team|consultorio|clinica) (?:be )?interested|represento a|(?:i m|im|i am) a rep\b|"
    r"entrevistar\w*|(?:soy|somos|hablo|hablamos) de la radio|radio (?:local|station|comunitaria)|"
    # Issue 34: software sold to clinics, questionnaires, credential recognition and exam
    # prep, film and photo shoots, other providers proposing referrals, phishing (a bank, a
    # parcel). Each is a sender's concept: a symptom of the writer still reaches clinicians.
    r"(?:escribo|escribimos|llamo|llamamos) de (?:una|la) (?:empresa|compania|agencia)|"
    r"(?:practice management|scheduling|ehr|emr) (?:software|system|platform)|"
    r"software (?:de gestion|para (?:consultorios|clinicas|medicos))|"
    r"(?:first|1st) month free|free trial|primer mes gratis|prueba gratis|"
    r"questionnaires?|cuestionarios?|"
    r"(?:license|licence|degree|diploma|credentials?|title) (?:\w+ )?(?:recognized|recognised|"
    r"validated|transferred)|homolog\w*|convalid\w*|academias? (?:para|de preparacion)|"
    r"exam prep|board exams?|usmle|nclex|(?:examen|para el) mir|(?:trained|graduated) abroad|"
    r"productora|production company|film crew|(?:film|shoot|grabar|filmar|rodar) (?:a |an |un |"
    r"una )?(?:commercial|ad|anuncio|comercial|spot|pelicula|serie)|rodaje|photo ?shoot|"
    r"sesion de fotos|referral (?:relationship|partnership|partners?|arrangement)|"
    r"cross referrals?|(?:derivar|derivarnos|derivemos|referirnos|intercambiar) (?:\w+ )?pacientes|"
    r"(?:bank account|cuenta bancaria) (?:\w+ ){0,2}(?:locked|blocked|suspended|bloqueada|"
    r"suspendida|desactivada)|(?:verify|confirm|update) your (?:details|information|identity)|"
    r"(?:ingrese|actualice|verifique|confirme) sus datos|"
    r"(?:parcel|package|paquete|envio) (?:\w+ ){0,2}(?:held|on hold|retenido|detenido)|"
    r"customs fee|tasa de (?:envio|aduana))\b"
)
#: Where an out-of-scope speaker (``OFF_TOPIC_CUES``) names medicine as a topic — a product's
#: market, a study's or a story's subject, an event's theme, a character's plot — the words
#: after the frame are read as "topic": nobody in the message has them. A report stops the
#: frame (first person, a relative, a verb of having or feeling), so "webinar on diabetes,
#: my chest hurts" keeps its symptom.
_REPORT_TEXT = """
    i im ive id ill me my mine myself he she his her him hes shes we us yo mi mis tengo tiene
    tuve tuvo tenia siento sentia duele duelen dolia le les nos since desde but pero and y btw
    also tambien is was were has had have been feel felt es esta estoy fue ando anda with con
    son daughter husband wife mom dad baby kid hijo hija esposo esposa mama papa bebe nino nina
    today hoy now ahora
"""
_REPORT_WORDS = frozenset(_REPORT_TEXT.split())
_REPORT = "(?:" + "|".join(sorted(_REPORT_WORDS)) + ")"
#: One's own care before a frame ("an appointment for my migraine", "cita para la migraña"):
#: what follows is the writer's, never a topic.
_OWN_CARE_TEXT = "cita citas appointment appointments appt appts consulta turno visit visita refill"
_OWN_CARE = frozenset(_OWN_CARE_TEXT.split())
#: The places a pitch is for ("for clinics"): never a topic, so the cue stays readable.
_PLACES = "(?:clinics|practices|offices|consultorios|clinicas|hospitals|hospitales)"
#: A frame's first word ends the span before it (the next frame reads on from there).
_FRAME_WORD = r"(?:on|about|for|sobre|para|present|presentar\w*|selling|vende|venden)"
_TOPIC_FRAME = re.compile(
    r"\b((?:on|about|for|sobre|para|acerca de|a beneficio de|selling|vende|venden|present|"
    r"presentar\w*|(?:patients|pacientes|personas|people|kids|children|ninos) (?:with|con|de))"
    r"(?: (?:the|a|an|our|new|la|el|los|las|un|una|nuevo|nueva|nuestro|nuestra|"
    r"(?:patients|pacientes|personas|people|kids|children|ninos) (?:with|con|de)))*)"
    rf"((?: (?!{_REPORT}\b|{_FRAME_WORD}\b|{_PLACES}\b)\w+){{1,5}})"
    # fiction: what a character has is the plot
    r"|\b((?:a|an|the|un|una|el|la) (?:character|personaje))"
    r"((?: (?!(?:i|im|ive|me|my|yo|mi|mis|tengo|but|pero|btw)\b)\w+){1,4})"
)


def _topic(match: re.Match[str]) -> str:
    before = match.string[: match.start()].rsplit(None, 1)[-1:]
    if (
        before
        and before[-1] not in ("with", "con")
        and (before[-1] in _REPORT_WORDS or before[-1] in _OWN_CARE)
    ):
        return match.group(0)  # "I was on ...", "cita para ...": a report, not a topic
    frame = match.group(1) or match.group(3)
    span = match.group(2) or match.group(4)
    return frame + " topic" * len(span.split())


#: An assistant's errands (a calendar, reminders, alarms): for no practice when nothing else
#: in the message is clinical or a practice's business ("is my appointment on your calendar"
#: is scheduling).
ASSISTANT_CUES = re.compile(
    r"\b(?:(?:on|in|to|from) my (?:calendar|agenda|schedule|planner|to ?do list)|"
    r"(?:en|a|de) mi (?:agenda|calendario)|en la agenda|pendientes|remind me|recuerdame|"
    r"do i have anything|tengo algo (?:el|este|esta|hoy|manana|para)|"
    r"set (?:an? |my )?(?:alarm|timer|reminder)|"
    r"(?:pon|ponme|programa) (?:una |un )?(?:alarma|temporizador|recordatorio))\b"
)
#: Help with a phone, a computer or another device: a device named, and trouble or a
#: how-to (both, in either order: two searches, no backtracking).
DEVICES = re.compile(
    r"\b(?:phone|cell ?phone|iphone|android|celular|cel|telefono|laptop|computer|computadora|"
    r"compu|pc|printer|impresora|tv|tele|television|televisor|router|modem|wifi|bluetooth|"
    r"charger|cargador|headphones|audifonos|screen|pantalla|keyboard|teclado|alexa|roku|"
    r"xbox|playstation|whatsapp|facebook|instagram|password|contrasena)\b"
)
DEVICE_TROUBLE = re.compile(
    r"\b(?:how (?:do|can|to)|how do i|como (?:hago|le hago|le quito|puedo|se)|"
    r"(?:wont|doesnt|dont|cant|wouldnt|isnt) (?:turn|charge|connect|work|load|open|print)|"
    r"keeps? (?:freezing|crashing|dying|dimming|restarting|turning)|stopped working|"
    r"not working|freez\w*|crash\w*|offline|reset|dimming|no signal|sin senal|what do i do|"
    r"que (?:le )?hago|"
    r"no (?:prende|enciende|carga|funciona|sirve|jala|conecta|abre|imprime)|"
    r"se (?:me )?(?:apaga|apague|traba|congela|reinicia|calienta|descarga)|bloqueo)\b"
)
#: A dish being made: a recipe, a substitution in the kitchen.
COOKING = re.compile(
    r"\b(?:recipes?|hornear|baking|ingredientes|ingredients|"
    r"(?:substitut\w*|sustitu\w*|reemplaz\w*|swap|instead of|en vez de|en lugar de) "
    r"(?:\w+ ){0,4}(?:milk|buttermilk|butter|eggs?|flour|oil|cream|pancakes|cake|cookies|"
    r"bread|leche|mantequilla|huevos?|harina|aceite|crema|hotcakes|pastel|galletas|pan)|"
    r"(?:milk|buttermilk|butter|eggs?|flour|leche|mantequilla|huevos?|harina) "
    r"(?:\w+ ){0,3}(?:in|en) (?:the |my |los |las |el |la |un |una )?"
    r"(?:pancakes|cake|cookies|bread|hotcakes|pastel|galletas|pan|receta))\b"
)


def _errand(normalised: str, text: str, clinical: float) -> re.Match[str] | None:
    """An assistant's errand, help with a device or a dish: the cue, or None. A device or a
    dish speaks for a message of one sentence only ("how do I reset my phone? my back is
    killing me" is two), and yields to a model that is all but certain the message is
    clinical (a symptom no rule word names, run on after the dish without a full stop)."""
    if found := ASSISTANT_CUES.search(normalised):
        return found
    if clinical >= ERRAND_YIELDS_TO_CLINICAL:
        return None
    found = COOKING.search(normalised)
    if found is None and DEVICE_TROUBLE.search(normalised):
        found = DEVICES.search(normalised)
    if found is not None and sum(bool(_WORD.search(s)) for s in _SENTENCE_END.split(text)) <= 1:
        return found
    return None


_SENTENCE_END = re.compile(r"[.!?;\n]+")
_WORD = re.compile(r"\w")


#: Medicine named as a trade, a field of study or an industry ("medical billing company",
#: "pre-med", "estudiante de enfermería", "laboratorio farmacéutico") says nothing about anyone's
#: body: the rules read it as "healthcare" (the red-flag rules read the message as written).
_TRADE = (
    (re.compile(r"\bpre ?med(?:ical)?\b|\bpharma(?:ceutical)?s?\b"), "healthcare"),
    (
        re.compile(
            r"\b(?:med|medical|nursing|pharmacy)(?= (?:school|students?|programs?|residency|"
            r"residents?|interns?|internships?|graduates?|majors?)\b)"
        ),
        "healthcare",
    ),
    (
        re.compile(
            r"\bmedical(?= (?:billing|coding|coders?|supplies|supply|suppliers?|equipment|devices?|"
            r"practices|clinics|offices|groups|industry|field|marketing|spas?|software|"
            r"professionals|providers|assistants?|receptionists?|scribes?|transcription\w*|directors?|"
            r"staffing|sales|"
            r"compan(?:y|ies)|distributors?|products|buildings?|centers?|plaza|campus)\b)"
        ),
        "healthcare",
    ),
    (re.compile(r"\b((?:rep|reps|representative|with|from) \w+ )medical\b"), r"\1healthcare"),
    (re.compile(r"\bdrug(?= (?:reps?|representatives?|compan(?:y|ies)|sales)\b)"), "healthcare"),
    # The writer's own trade ("I'm a physical therapist", "soy enfermera", "tesis de
    # enfermería"): who is writing, not anyone's body.
    (
        re.compile(
            r"\b((?:soy|somos|i m|im|i am|we are|as an?|tesis de|thesis in) (?:una? |an? )?)"
            r"(?:enfermer[oa]s?|enfermeria|nurses?|nursing|(?:physical )?therapists?|"
            r"physiotherapists?|fisioterapeutas?|terapeutas?|chiropractors?|quiropractic[oa]s?)\b"
        ),
        r"\1healthcare",
    ),
    (
        re.compile(
            r"\b((?:estudiantes?|escuela|facultad|carrera|pasantes?|internos?) de |"
            r"(?:estudio|estudia|estudiar|me interesa|le interesa) (?:la )?)"
            r"(?:medicina|enfermeria|odontologia|farmacia)\b"
        ),
        r"\1healthcare",
    ),
    (
        re.compile(
            r"\b((?:visitador\w*|representantes?|laboratorios?|industria|empresas?|compania|"
            r"facturacion|insumos|equipos?|material(?:es)?|suministros|software|sistemas?|"
            r"productos|consultorios|clinicas|centros|servicios|asistentes?|secretari[ao]s?|"
            r"recepcionistas?) )(?:medic[oa]s?|farmaceutic[oa]s?)\b"
        ),
        r"\1healthcare",
    ),
)
_TRADE_HINT = re.compile(
    r"med|pharma|farma|nurs|enfermer|odontologia|drug|therapist|terapeuta|chiropract|quiropract"
)
#: "Receta" is a prescription and a recipe: followed by cooking words, a recipe.
_RECIPE = re.compile(
    r"\brecetas?\b(?=(?:\s+\S+){0,3}?\s+(?:de cocina|cocina\w*|hornear|horno|postres?|pastel\w*|"
    r"torta\w*|galletas?|pan|panes|mole|pozole|tamales|enchiladas|tacos|sopa|caldo|salsa|"
    r"sancocho|gelatina|arepas?|empanadas?|paella|tortilla de|flan|natillas|sin azucar|"
    r"guisado|arroz|frijoles|pollo|carne|pescado|ensaladas?|flan|tres leches|pay|cena|comida|"
    r"desayuno|ingredientes|pizza|pasta|cafe|bebidas?|coctel\w*|chiles?|tortillas|huevos?|"
    r"dulces?|fruta\w*|facil|rica|casera|vegan[ao]|vegetarian[ao]|abuela|cocinar|preparar)\b)"
)


def normalised_text(text: str) -> str:
    """``text`` normalised for the category rules ("receta" of a dish made "recipe"; medicine
    as a trade or a field of study made "healthcare"; medicine named as a topic by an
    out-of-scope speaker made "topic", clause by clause: a topic never runs on past the
    punctuation into the next sentence's report)."""
    normalised = _plain(text)
    if _TOPIC_FRAME.search(normalised) and OFF_TOPIC_CUES.search(normalised):
        clauses = (_plain(clause) for clause in _CLAUSE_BREAK.split(text))
        normalised = " ".join(_TOPIC_FRAME.sub(_topic, clause) for clause in clauses if clause)
    if SUBJECT_CUES.search(normalised):
        normalised = _CONDITION.sub(_as_topic, normalised)
    return normalised


#: Where a clause ends (the normalised text has no punctuation left to tell).
_CLAUSE_BREAK = re.compile(r"[.,;:!?¿¡()\[\]\n\r\"]+|\s[-–—]+\s")


#: A pharmacy as a place on the street ("the pharmacy next door"), not anyone's medicines.
_PHARMACY_PLACE = re.compile(
    r"\b(?:pharmacy|farmacia)(?= (?:next door|de al lado|de junto|de enfrente|across the street)\b)|"
    r"\b(?:front|outside|in front) of the pharmacy\b"
)


def _plain(text: str) -> str:
    normalised = normalize(text)
    if "receta" in normalised:
        normalised = _RECIPE.sub("recipe", normalised)
        if "receta" in normalised and _DISH.search(normalised):
            normalised = _ANY_RECETA.sub("recipe", normalised)
    if "pharmacy" in normalised or "farmacia" in normalised:
        normalised = _PHARMACY_PLACE.sub("store", normalised)
    if _TRADE_HINT.search(normalised):
        for pattern, replacement in _TRADE:
            normalised = pattern.sub(replacement, normalised)
    return normalised


#: The model's category is taken when it is at least this sure; below, the rules decide.
MODEL_CONFIDENT = 0.5
#: A message the rules find nothing clinical or of a practice in reaches clinical staff only
#: when the model's clinical output is at least this (chosen on grouped cross-validation:
#: greetings, chit-chat and errands score just above the clinical threshold).
QUIET_CLINICAL = 0.8
#: A sender's cue ("I'm a reporter", "we sell software for clinics") sends a message with no
#: symptom word to the front desk only when the model is less sure than this that it is
#: clinical: a symptom no rule word names ("me sigue picando el ojo") is not lost behind one.
#: (Chosen on the dev files: putting a sender's line before every clinical message of
#: written5 and splits #3, #4 and heldout_new; 0.8 keeps 1,441 of 1,445 with clinical staff
#: against 1,424 without it, for one more of written5's 163 out-of-scope rows.)
CUE_YIELDS_TO_CLINICAL = 0.8
#: Help with a device or a dish (``_errand``) yields to a model this sure the message is
#: clinical. (Chosen on the dev files: putting a device or a recipe line before every clinical
#: message of heldout3-5, heldout_new and written5, a self-harm message run on after a recipe
#: with a comma scored 0.98; the held-out device and cooking questions it must take, 0.80-0.86.)
ERRAND_YIELDS_TO_CLINICAL = 0.9
#: Any clinical signal this strong keeps a message out of "other" (non-clinical staff never
#: triage symptoms).
CLINICAL_FLOOR = 0.4


#: The clinical rules' words for clinical staff: who is asked, a practice's word (like
#: "doctor"), not a clinical signal on their own.
_STAFF = frozenset({"nurse", "enfermera"})


def _said(flags: list[RedFlag], text: str, normalised: str) -> list[RedFlag]:
    """The flags, less those whose words the rules read as a topic (a character's seizure, a
    webinar's theme): they say nothing of anyone now or in the past."""
    if not flags or "topic" not in normalised:
        return flags
    plain = _plain(text)
    return [flag for flag in flags if flag.matched in normalised or flag.matched not in plain]


def _signals(
    normalised: str, ranked: list[tuple[str, tuple[int, list[str]]]], negated_urgent: bool
) -> tuple[bool, bool, ClinicalSignal | None]:
    """(a clinical signal, a practice's business, the lexicon's clinical signal) that the
    rules see in a message."""
    clinical_words, matched = dict(ranked).get("clinical_message", (0, []))
    if set(matched) <= _STAFF:
        clinical_words = 0  # "could a nurse do an interview" names who, not what
    signal = clinical_signal(normalised)
    symptom = bool(
        negated_urgent
        or signal is not None
        or clinical_words >= 2
        or SYMPTOM_WORDS.search(normalised)
        or MENTIONS.search(normalised)
    )
    practice = bool(
        PRACTICE_WORDS.search(normalised) or (ranked and ranked[0][1][0] >= PRACTICE_INTENT)
    )
    return symptom, practice, signal


def gate_may_take(text: str) -> bool:
    """Whether the off-topic gate may take ``text`` at all (no red flag, no clinical signal,
    no practice business the rules see): training measures the gate's reach with it."""
    normalised = normalised_text(text)
    now, not_now = read_red_flags(text)
    not_now = _said(not_now, text, normalised)
    symptom, practice, _ = _signals(normalised, _ranked(normalised), bool(not_now))
    return not (now or symptom or practice)


def combine(
    text: str,
    prediction: Prediction | None,
    clinical_threshold: float,
    red_flag_threshold: float,
    *,
    off_topic_threshold: float = 1.0,
    sure_threshold: float = NEVER,
    language: str | None = None,
) -> Suggestion:
    """Rules and the learned model together. A red flag is the rules' concepts OR the model
    above its recall threshold; any clinical signal (the model's, or clinical words the rules
    know) makes the message a clinical message, never "other". A message with no clinical
    signal at all and no practice intent, that the model reads as for no practice (above its
    off-topic threshold), goes to "other" (the front desk), never to clinicians."""
    if prediction is None:
        return classify_rules(text, language=language)
    normalised = normalised_text(text)
    lang = detect_language(normalised, language)
    now, not_now = read_red_flags(text)
    if red := _red(text, lang, now):
        return red
    not_now = _said(not_now, text, normalised)
    ranked = _ranked(normalised)
    symptom, practice, signal = _signals(normalised, ranked, bool(not_now))
    #: The rules see nothing clinical and nothing of a practice's business.
    quiet = not symptom and not practice
    settled = _settled_early(
        text, normalised, prediction, lang, quiet=quiet, symptom=symptom, not_now=bool(not_now),
        red_flag_threshold=red_flag_threshold, clinical_threshold=clinical_threshold,
        off_topic_threshold=off_topic_threshold, sure_threshold=sure_threshold,
    )  # fmt: skip
    if settled is not None:
        return settled
    category, reasons = _category(prediction, ranked, clinical_threshold, quiet=quiet)
    category = _clinical_kept(
        category, reasons, prediction, ranked, symptom=symptom, quiet=quiet, signal=signal
    )
    if ranked and dict(ranked).get(category):
        score, matched = dict(ranked)[category]
        reasons.append(f"{category} ({score}): " + ", ".join(f"'{m}'" for m in matched))
    return Suggestion(category, False, _urgency(category, normalised, reasons), lang, reasons)


def _settled_early(
    text: str,
    normalised: str,
    prediction: Prediction,
    lang: str,
    *,
    quiet: bool,
    symptom: bool,
    not_now: bool,
    red_flag_threshold: float,
    clinical_threshold: float,
    off_topic_threshold: float,
    sure_threshold: float = NEVER,
) -> Suggestion | None:
    """The answers that need no category: the model's alarm, and a message for no practice."""
    # The rules read negation and history ("ya no está sangrando"); the model does not, so
    # its alarm stands only when the rules saw no urgent words merely negated or past (unless
    # the model is sure: the rules' reading is a word pattern, and "no siento que el bebé se
    # mueva" or "nunca le había pasado, ya van 3 minutos" is no denial), and some clinical or
    # practice word at all ("my phone won't connect" is no emergency).
    alarm = prediction.red_flag >= red_flag_threshold
    if alarm and (not not_now or prediction.red_flag >= sure_threshold) and not quiet:
        reasons = [f"red flag: urgent symptoms (learned model, {prediction.red_flag:.0%})"]
        return Suggestion("clinical_message", True, "emergency", lang, reasons, ["model"])
    cue = OFF_TOPIC_CUES.search(normalised) or SUBJECT_CUES.search(normalised)
    if cue and not symptom and prediction.clinical < CUE_YIELDS_TO_CLINICAL:
        reasons = [f"other: for no practice ('{cue.group(0)}'), no clinical signal"]
        return Suggestion("other", False, "routine", lang, reasons)
    if quiet and (cue := _errand(normalised, text, prediction.clinical)):
        reasons = [f"other: an assistant's errand ('{cue.group(0)}'), no clinical signal"]
        return Suggestion("other", False, "routine", lang, reasons)
    if (
        prediction.off_topic >= off_topic_threshold
        and quiet
        and prediction.clinical < max(clinical_threshold, prediction.off_topic)
    ):
        reasons = [
            f"other: for no practice, no clinical signal (learned model, "
            f"{prediction.off_topic:.0%})"
        ]
        return Suggestion("other", False, "routine", lang, reasons)
    return None


def _category(
    prediction: Prediction,
    ranked: list[tuple[str, tuple[int, list[str]]]],
    clinical_threshold: float,
    *,
    quiet: bool,
) -> tuple[str, list[str]]:
    """The category the model and the rules agree on, with the reasons."""
    rule_category = ranked[0][0] if ranked and ranked[0][1][0] >= MIN_SCORE else "other"
    clinical_words = dict(ranked).get("clinical_message", (0, []))
    model_category, confidence = prediction.categories[0]
    # The model's category "clinical message" alone, below its clinical threshold, is no
    # clinical signal when the rules see nothing clinical or of a practice either.
    model_clinical_only = model_category == "clinical_message" and quiet
    needed = max(clinical_threshold, QUIET_CLINICAL) if quiet else clinical_threshold
    if prediction.clinical >= needed or clinical_words[0] >= 3:
        why = f"clinical: symptom, medication or clinical question ({prediction.clinical:.0%})"
        return "clinical_message", [why]
    if (
        confidence >= MODEL_CONFIDENT
        and not model_clinical_only
        # the model's "other" does not overrule a decisive category rule
        and not (model_category == "other" and ranked and ranked[0][1][0] >= PRACTICE_INTENT)
    ):
        return model_category, [f"{model_category}: learned model ({confidence:.0%})"]
    if rule_category != "other":
        return rule_category, []
    if not model_clinical_only:
        return model_category, [f"{model_category}: learned model ({confidence:.0%})"]
    return "other", ["other: no clinical signal and no practice business"]


def _clinical_kept(
    category: str,
    reasons: list[str],
    prediction: Prediction,
    ranked: list[tuple[str, tuple[int, list[str]]]],
    *,
    symptom: bool,
    quiet: bool,
    signal: ClinicalSignal | None,
) -> str:
    """The category, moved to clinical staff when a clinical signal would otherwise be lost
    (the reason appended to ``reasons``). The one place of the safe side's rule: a message
    that reports a symptom reaches clinical staff, whatever else it asks."""
    # A symptom (the lexicon's strong signal) wins over any other category: "refill, and my
    # rash is worse", "can I reschedule, I have a fever" ("a bill for my flu shot" names no
    # symptom and stays billing).
    if signal is not None and signal.strong and category != "clinical_message":
        reasons.append(f"clinical: reports a symptom ('{signal.term}')")
        return "clinical_message"
    # "Other" never keeps a clinical signal: symptom words, or the model's clinical output
    # when the message is about a practice's business.
    if category == "other" and (symptom or (prediction.clinical >= CLINICAL_FLOOR and not quiet)):
        reasons.append("clinical: a clinical signal keeps it with clinical staff")
        return "clinical_message"
    # Symptom words go to clinical staff unless a decisive rule of another category holds
    # them ("a bill for my blood test" stays billing; "is my cut infected" is no bill).
    if (
        category != "clinical_message"
        and symptom
        and dict(ranked).get(category, (0, []))[0] < PRACTICE_INTENT
    ):
        reasons.append("clinical: symptom words, and no decisive rule of another category")
        return "clinical_message"
    return category


def classify(text: str, *, language: str | None = None) -> Suggestion:
    """Suggest category, urgency and language for one message, with the reasons: the rules
    and the shipped learned model (``closeloop/triage/data/model.npz``) together."""
    model = default_model()
    prediction = model.predict(text) if model is not None else None
    return combine(
        text,
        prediction,
        model.clinical_threshold if model else 0.5,
        model.red_flag_threshold if model else 1.0,
        off_topic_threshold=model.off_topic_threshold if model else 1.0,
        sure_threshold=model.sure_threshold if model else NEVER,
        language=language,
    )
