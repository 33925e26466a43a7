"""Red flags as patients say them: concepts, not phrases, in English and Spanish, with
misspellings and the contexts (negated, past, someone else's, hypothetical) that are not an
emergency now."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from closeloop.lib import redflags
from closeloop.lib.redflags import RULES, correct, find_red_flags, read_red_flags
from closeloop.lib.textnorm import normalize

DATA = Path(__file__).parent / "data"

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


# --- issue 34, fourth pass: concepts, not phrases --------------------------------------------

#: Each group said many ways (our own wording, written as a brainstorm before the rules: lay
#: words, metaphors, third persons, Spanish of several countries, spelling by ear), to check
#: that the concepts (site x sensation, function x inability, sign x companion) carry over to
#: wording no rule was written for.
FOURTH_PASS = [
    # chest pain
    ("feels like a truck is parked on my chest", "chest_pain"),
    ("there's an elephant standing on my ribcage", "chest_pain"),
    ("my left arm went numb and my chest feels heavy", "chest_pain"),
    ("pain in my jaw and left arm and I'm sweating buckets", "chest_pain"),
    ("like a belt getting tighter around my chest", "chest_pain"),
    ("burning behind my breast bone that goes to my back", "chest_pain"),
    ("my dad says his heart feels like it's being squeezed by a fist", "chest_pain"),
    ("something is crushing me from the inside, right in the center", "chest_pain"),
    ("siento que me aplastan el pecho", "chest_pain"),
    ("tengo una opresión en el pexo", "chest_pain"),
    ("me duele el korazon y me sudan las manos", "chest_pain"),
    ("mi esposo dice que le pesa el pecho y se le duerme el brazo izquierdo", "chest_pain"),
    ("como si me pisara un elefante el pecho", "chest_pain"),
    ("un dolor que me corre del pecho al brazo izquierdo", "chest_pain"),
    ("me arde el pecho y siento que me voy a desmayar", "chest_pain"),
    ("it's like my chest is in a vise grip and i can't shake it", "chest_pain"),
    (
        "there's a heavy pressure sitting right in the middle of my chest and I'm clammy",
        "chest_pain",
    ),
    ("my grandfather is holding his chest and sweating", "chest_pain"),
    ("siento un apretón en el pecho que no se me quita", "chest_pain"),
    ("me punza el corazón y se me duerme el brazo", "chest_pain"),
    ("tengo como un fierro atravesado en el pecho", "chest_pain"),
    # breathing
    ("every breath is a struggle", "breathing"),
    ("i can only get out two or three words before i need air", "breathing"),
    ("she can't finish a sentence without stopping for air", "breathing"),
    ("I'm so winded just walking to the bathroom", "breathing"),
    ("my baby's ribs are sucking in when he breathes", "breathing"),
    ("he's breathing really fast and grunting", "breathing"),
    ("no me alcanza el aire", "breathing"),
    ("se me va el aire", "breathing"),
    ("me quedo sin aire al hablar", "breathing"),
    ("a mi niño se le hunden las costillas al respirar", "breathing"),
    ("cada respiro me cuesta un montón", "breathing"),
    ("le falta la respiración", "breathing"),
    ("siento que me asfixio", "breathing"),
    ("no puedo jalar aire", "breathing"),
    ("he's choking on a grape", "breathing"),
    ("se está atragantando con un dulce", "breathing"),
    ("se le atoró un hueso en la garganta y no puede respirar", "breathing"),
    ("should I call 911? my dad's lips are grey", "breathing"),
    ("my wife's lips are turning blue and she's wheezing", "breathing"),
    ("he sounds like he's breathing through a straw and can't talk", "breathing"),
    ("I can't get a deep breath in, it's like breathing through a pillow", "breathing"),
    ("mi hijo respira como si le silbara el pecho y se le marcan las costillas", "breathing"),
    ("siento que me falta el oxígeno", "breathing"),
    ("no puedo agarrar aire", "breathing"),
    # bleeding
    ("cut my finger with a knife and it keeps soaking through the paper towels", "bleeding"),
    ("deep gash on his leg and blood everywhere", "bleeding"),
    ("the wound is gushing", "bleeding"),
    ("I've gone through three pads in an hour", "bleeding"),
    ("pooping black tar-like stool and I feel faint", "bleeding"),
    ("me corté con un vidrio y la herida no deja de echar sangre", "bleeding"),
    ("está saliendo sangre a chorros de la cortada", "bleeding"),
    ("se le empapó la venda de sangre", "bleeding"),
    ("hay un charco de sangre en el baño", "bleeding"),
    ("me sale sangre de la nariz desde hace una hora", "bleeding"),
    ("sangrado vaginal muy abundante, empapo una toalla cada hora", "bleeding"),
    ("hago popo negra como chapopote", "bleeding"),
    ("I was stabbed and there's a lot of blood", "bleeding"),
    ("my husband sliced his thumb with the saw and the blood won't quit", "bleeding"),
    ("he's vomiting what looks like blood clots", "bleeding"),
    ("se cortó el brazo con un vidrio y sangra muchísimo", "bleeding"),
    ("estoy sangrando por abajo un montón", "bleeding"),
    ("me salió sangre al toser, bastante", "bleeding"),
    # stroke
    ("my wife suddenly can't see out of her left eye", "stroke"),
    ("he went blind in one eye just now", "stroke"),
    ("her arm just went dead and she's confused", "stroke"),
    ("his smile is lopsided and his words come out wrong", "stroke"),
    ("my mom can't lift her right arm and her mouth is crooked", "stroke"),
    ("dad's leg gave out and his face looks uneven", "stroke"),
    ("de repente no ve de un ojo", "stroke"),
    ("perdió la vista de un ojo hace rato", "stroke"),
    ("mi papá tiene la boca chueca y no puede mover el brazo", "stroke"),
    ("se le durmió el brazo y habla mocho", "stroke"),
    ("mi abuela no puede levantar la pierna y está confundida", "stroke"),
    ("my mom's face fell on one side and she can't get her words out", "stroke"),
    ("suddenly i can't feel the right side of my body", "stroke"),
    ("grandpa is dragging his foot and his speech is off", "stroke"),
    ("a mi esposo se le torció la boca y no puede hablar bien", "stroke"),
    ("de pronto no puedo mover la mitad del cuerpo", "stroke"),
    ("mi mamá de repente no puede hablar y arrastra la pierna", "stroke"),
    # unconscious
    ("my son is shaking all over and won't respond", "unconscious"),
    ("she's having a fit", "unconscious"),
    ("he's jerking and his eyes rolled back", "unconscious"),
    ("foaming at the mouth and twitching", "unconscious"),
    ("my daughter went stiff and started shaking", "unconscious"),
    ("le dio un ataque y se puso tieso", "unconscious"),
    ("está convulsionando", "unconscious"),
    ("mi hijo está echando espuma por la boca", "unconscious"),
    ("se le voltearon los ojos y temblaba todo", "unconscious"),
    ("le están dando sacudidas y no contesta", "unconscious"),
    ("my grandpa collapsed and isn't responding", "unconscious"),
    ("she went limp and is not answering me", "unconscious"),
    ("he blacked out in the shower", "unconscious"),
    ("se cayó y no reacciona", "unconscious"),
    ("mi mamá se quedó inconsciente", "unconscious"),
    ("se desvaneció en la cocina", "unconscious"),
    ("no lo puedo despertar", "unconscious"),
    ("my son is convulsing and his lips are blue", "unconscious"),
    ("she fell down shaking and isn't answering", "unconscious"),
    ("mi niña está teniendo un ataque y se le fueron los ojos para atrás", "unconscious"),
    ("mi papá se cayó al piso temblando y no reacciona", "unconscious"),
    ("he fainted and hasn't woken up", "unconscious"),
    ("la abuela se desplomó y no responde", "unconscious"),
    # suicidal
    ("everyone would be better off if i wasn't around", "suicidal"),
    ("i have a plan to take my own life", "suicidal"),
    ("thinking about hanging myself", "suicidal"),
    ("I wrote goodbye letters to my kids", "suicidal"),
    ("I'm going to jump off the bridge tonight", "suicidal"),
    ("i dont want to wake up tomorrow", "suicidal"),
    ("I wish I could go to sleep and never wake up", "suicidal"),
    ("he says he's going to shoot himself", "suicidal"),
    ("quiero desaparecer para siempre", "suicidal"),
    ("estoy pensando en quitarme la vida", "suicidal"),
    ("ojalá no despertara mañana", "suicidal"),
    ("mi hijo dice que se va a colgar", "suicidal"),
    ("me voy a cortar las venas", "suicidal"),
    ("todos estarían mejor si yo no estuviera", "suicidal"),
    ("ya no le veo caso a vivir", "suicidal"),
    ("i'm going to take all my pills tonight and end this", "suicidal"),
    ("i bought a rope", "suicidal"),
    ("nobody would miss me if i died", "suicidal"),
    ("ya no quiero estar en este mundo", "suicidal"),
    ("estoy pensando en hacerme daño", "suicidal"),
    ("quiero dormirme y no despertar nunca", "suicidal"),
    # overdose
    ("I swallowed like 30 of my sleeping pills", "overdose"),
    ("my daughter ate a bunch of grandma's blood pressure pills", "overdose"),
    ("he mixed his pills with a lot of vodka on purpose", "overdose"),
    ("my toddler drank some of the dish soap", "overdose"),
    ("the kid got into the medicine cabinet", "overdose"),
    ("we think it's carbon monoxide, we're all dizzy", "overdose"),
    ("my dog's rat poison, my son put some in his mouth", "overdose"),
    ("me tomé como 20 pastillas", "overdose"),
    ("mi hija se tomó el frasco de pastillas de mi mamá", "overdose"),
    ("el niño se tomó el jarabe entero", "overdose"),
    ("creo que se intoxicó con el veneno para ratas", "overdose"),
    ("se envenenó", "overdose"),
    ("my 3 year old swallowed some of my blood pressure pills", "overdose"),
    ("I took 15 tylenol an hour ago", "overdose"),
    ("she drank antifreeze from the garage", "overdose"),
    ("mi hijo se tomó medio frasco de jarabe para la tos", "overdose"),
    ("se tomó unas 40 pastillas de clonazepam", "overdose"),
    ("mi nieto se bebió el cloro", "overdose"),
    # allergic reaction
    ("after the bee sting his face is blowing up", "allergic_reaction"),
    ("my throat feels tight after eating peanuts", "allergic_reaction"),
    ("hives everywhere and my lips are getting bigger", "allergic_reaction"),
    ("her tongue feels thick after the new antibiotic", "allergic_reaction"),
    ("se me cierra la garganta", "allergic_reaction"),
    ("se le cerró la garganta después de comer cacahuate", "allergic_reaction"),
    ("tengo ronchas y siento la garganta apretada", "allergic_reaction"),
    ("me picó una abeja y se me hinchó toda la cara", "allergic_reaction"),
    ("se me hincharon los labios con el medicamento", "allergic_reaction"),
    ("my tongue is swelling up after the shrimp", "allergic_reaction"),
    ("I got stung by a wasp and my throat is getting tight", "allergic_reaction"),
    ("her face is puffing up and she has hives all over", "allergic_reaction"),
    ("comí nueces y se me está hinchando la lengua", "allergic_reaction"),
    ("siento la garganta cerrada después de la inyección", "allergic_reaction"),
    ("tengo la cara inflamada y me cuesta respirar por una alergia", "allergic_reaction"),
    # swallowing
    ("something is stuck in my throat and I can't get it down", "swallowing"),
    ("no puedo pasar ni la saliva", "swallowing"),
    ("i have a piece of meat stuck in my throat and can't swallow my spit", "swallowing"),
    ("no puedo tragar ni agua, se me atoró algo", "swallowing"),
    # severe pain
    ("thunderclap headache out of nowhere", "severe_pain"),
    ("my head feels like it's going to split open, came on all at once", "severe_pain"),
    ("the worst pain I've ever felt in my belly", "severe_pain"),
    ("my stomach is hard as a rock and it hurts like crazy", "severe_pain"),
    ("me va a estallar la cabeza, empezó de golpe", "severe_pain"),
    ("el dolor de panza es insoportable", "severe_pain"),
    ("un dolor de cabeza como nunca en mi vida", "severe_pain"),
    ("tengo el estómago duro como piedra y me duele horrible", "severe_pain"),
    ("the worst headache ever, came on like a bang", "severe_pain"),
    ("el dolor de estómago es tan fuerte que no me puedo enderezar", "severe_pain"),
    ("severe belly pain and my stomach is rigid", "severe_pain"),
    ("me duele la cabeza como nunca, empezó de golpe", "severe_pain"),
    # infant fever
    ("my 6 week old is burning up", "infant_fever"),
    ("newborn with 38.5", "infant_fever"),
    ("mi bebé de dos meses está ardiendo en calentura", "infant_fever"),
    ("el recién nacido tiene temperatura de 38", "infant_fever"),
    ("my 2 week old feels hot, 38.2", "infant_fever"),
    ("mi bebé de 6 semanas tiene 38 de temperatura", "infant_fever"),
    # pregnancy
    ("I'm 32 weeks and the baby stopped kicking", "pregnancy"),
    ("30 weeks pregnant with a pounding headache and seeing spots", "pregnancy"),
    ("i'm pregnant and gushing fluid", "pregnancy"),
    ("tengo 8 meses de embarazo y estoy sangrando", "pregnancy"),
    ("estoy embarazada y no siento al bebé moverse", "pregnancy"),
    ("se me reventó la fuente", "pregnancy"),
    ("estoy embarazada y veo lucecitas con dolor de cabeza fuerte", "pregnancy"),
    ("I'm 36 weeks and bleeding bright red", "pregnancy"),
    ("estoy embarazada de 7 meses y se me hinchó la cara con dolor de cabeza fuerte", "pregnancy"),
    ("I'm pregnant and haven't felt the baby move today", "pregnancy"),
    # head injury
    ("he hit his head and now he keeps throwing up", "head_injury"),
    ("my son fell off the bunk bed, banged his head and is acting confused", "head_injury"),
    ("she hit her head on the ice and passed out for a minute", "head_injury"),
    ("se pegó en la cabeza y está vomitando", "head_injury"),
    ("mi hija se cayó y se golpeó la cabeza, está muy dormida", "head_injury"),
    ("se dio un golpe en la cabeza y no se acuerda de nada", "head_injury"),
    ("my son fell off his bike, hit his head and vomited twice", "head_injury"),
    ("she banged her head and now she's really drowsy", "head_injury"),
    ("mi papá se cayó, se pegó en la cabeza y está confundido", "head_injury"),
    ("el niño se golpeó la cabeza y vomitó", "head_injury"),
    # burn
    ("my toddler pulled boiling water onto herself, her whole arm is blistered", "burn"),
    ("I burned my face with hot oil", "burn"),
    ("he got chemical burns on his hands", "burn"),
    ("se quemó con agua hirviendo todo el pecho", "burn"),
    ("mi hijo se quemó la cara con aceite", "burn"),
    ("tengo una quemadura grande con ampollas en toda la pierna", "burn"),
    ("my daughter spilled hot coffee on her chest and it's blistering", "burn"),
    ("electrical burn on his hand from the outlet", "burn"),
    ("se quemó la mano con aceite hirviendo", "burn"),
    # meningitis signs
    ("high fever and a stiff neck, she can't touch her chin to her chest", "meningitis_signs"),
    ("fever and he's confused and hard to wake", "meningitis_signs"),
    ("fever with purple spots that don't fade", "meningitis_signs"),
    ("fiebre alta y el cuello tieso", "meningitis_signs"),
    ("tiene calentura y está confundido", "meningitis_signs"),
    ("fiebre con manchas moradas en la piel", "meningitis_signs"),
    ("fever of 103 and his neck is so stiff he can't look down", "meningitis_signs"),
    ("tiene fiebre y no puede bajar la cabeza, el cuello le duele mucho", "meningitis_signs"),
    ("fever and a rash of tiny purple dots", "meningitis_signs"),
    # a third brainstorm, measured once before rules were written from it
    ("feels like somebody is standing on my chest", "chest_pain"),
    ("my chest is so tight i feel like passing out", "chest_pain"),
    ("sharp pain under my breastbone going to my shoulder blade and I'm throwing up", "chest_pain"),
    (
        "dad keeps rubbing his chest and says it's like indigestion but worse, he's grey",
        "chest_pain",
    ),
    ("tengo un dolor opresivo en el pecho desde hace media hora", "chest_pain"),
    ("me oprime el pecho y me corre al cuello", "chest_pain"),
    ("siento como si me apretaran el corazón con una mano", "chest_pain"),
    ("my 4 year old is working really hard to breathe and his nostrils are flaring", "breathing"),
    ("i'm gasping, inhaler isn't helping", "breathing"),
    ("she can barely get air in and is sitting hunched forward", "breathing"),
    ("se está poniendo morado y no respira bien", "breathing"),
    ("me ahogo, el inhalador no me hace nada", "breathing"),
    ("no me llega el aire a los pulmones", "breathing"),
    ("the cut on his head is spurting blood", "bleeding"),
    ("my period is like a faucet, soaked through my jeans twice this hour", "bleeding"),
    ("throwing up dark red blood", "bleeding"),
    ("se cortó con la motosierra y sale mucha sangre", "bleeding"),
    ("estoy echando sangre por la boca", "bleeding"),
    ("mi regla está muy fuerte, lleno una toalla cada media hora", "bleeding"),
    ("her words are all scrambled and the right side of her face is numb", "stroke"),
    ("he suddenly can't walk straight and is seeing double", "stroke"),
    ("my husband's hand just stopped working and he's slurring", "stroke"),
    ("a mi abuelo se le ladeó la cara y babea de un lado", "stroke"),
    ("mi mamá de repente no me entiende y no puede mover la mano derecha", "stroke"),
    ("my baby is stiff and twitching and not crying", "unconscious"),
    ("he dropped to the ground shaking and drooling", "unconscious"),
    ("my mom is really out of it and we can't wake her properly", "unconscious"),
    ("está temblando sin control y no contesta", "unconscious"),
    ("mi hermano se desmayó y sigue sin despertar", "unconscious"),
    ("al niño le dio una convulsión con la fiebre", "unconscious"),
    ("I can't keep going, I have the pills lined up", "suicidal"),
    ("I'm done, I don't want to be alive tomorrow", "suicidal"),
    ("my sister texted that she's going to overdose on purpose", "suicidal"),
    ("ya no aguanto más la vida, quiero terminar con esto", "suicidal"),
    ("me quiero morir, ya tengo todo planeado", "suicidal"),
    ("mi hija dice que se va a tirar del puente", "suicidal"),
    ("my roommate took a handful of xanax and won't wake up", "overdose"),
    ("my kid drank lamp oil", "overdose"),
    ("the baby chewed on a dishwasher pod", "overdose"),
    ("mi niño se comió unas pastillas que encontró en el piso", "overdose"),
    ("creo que me pasé con la insulina, me puse el doble", "overdose"),
    ("el niño tomó gasolina", "overdose"),
    ("ate a cashew and my throat is swelling shut", "allergic_reaction"),
    ("my lips blew up and I'm itchy everywhere after the new antibiotic", "allergic_reaction"),
    ("me picó algo y tengo la lengua gorda", "allergic_reaction"),
    ("después del camarón se me cerró el pecho y tengo ronchas", "allergic_reaction"),
    ("a chunk of chicken went down wrong and he can't cough or talk", "breathing"),
    ("se le atravesó un pedazo de carne y no puede respirar", "breathing"),
    ("the pain in my stomach is so bad I'm on the floor", "severe_pain"),
    (
        "it feels like someone hit the back of my head with a bat, came out of nowhere",
        "severe_pain",
    ),
    ("tengo un dolor de barriga que no aguanto", "severe_pain"),
    ("my 7 week old has a temp of 100.6", "infant_fever"),
    ("mi bebita de 1 mes está calientita, 38.3", "infant_fever"),
    ("34 weeks and I'm having a really bad headache with blurry vision", "pregnancy"),
    ("I'm pregnant and my water just broke", "pregnancy"),
    ("tengo 30 semanas y me está saliendo líquido", "pregnancy"),
    ("embarazada de 5 meses con sangrado", "pregnancy"),
    ("grandma fell and hit her head, she's on eliquis", "head_injury"),
    ("my son took a hard hit to the head at football and doesn't know where he is", "head_injury"),
    ("el niño se cayó de la litera y se pegó en la cabeza, vomitó dos veces", "head_injury"),
    ("my hand got burned on the grill and the skin is white and leathery", "burn"),
    ("se le cayó la olla de agua hirviendo encima al niño", "burn"),
    ("my son has a fever and can't put his chin on his chest", "meningitis_signs"),
    ("fiebre de 40 y está como ido, no me reconoce", "meningitis_signs"),
]
#: The same concept words in everyday, negated, past, hypothetical or someone else's sense.
FOURTH_PASS_NOT_NOW = [
    "my chest muscles are sore after the gym",
    "I pulled a muscle in my arm lifting boxes",
    "what happens if someone takes too many paracetamol?",
    "qué pasa si alguien toma demasiado paracetamol",
    "el bebé no tiene fiebre, solo estornuda",
    "my baby doesn't have a fever anymore",
    "I'm pregnant and not bleeding, just checking on my next visit",
    "my husband fainted years ago, is that in my file?",
    "what are the signs of a seizure",
    "cuáles son los síntomas de un derrame",
    "mi papá tuvo convulsiones de niño",
    "no se me cierra la garganta, solo me pica",
    "my son hit his head last month, the scan was fine",
    "I burned my toast this morning lol",
    "I burned my finger on the stove, it's a small red spot",
    "se me quemó la comida",
    "I have a stiff neck from sleeping wrong",
    "tengo el cuello tieso de dormir mal",
    "can I take ibuprofen for a fever?",
    "i'm out of breath after running a marathon, is that normal?",
    "I cut my finger cooking, it stopped bleeding",
    "my period is heavy, can I get a refill of my pill",
    "the baby was kicking a lot last night, is that ok",
    "estoy embarazada, ¿puedo tomar paracetamol?",
    "no tengo fiebre ni dolor de cabeza",
    "I don't feel like hurting myself, just stressed",
    "I'm not suicidal, I just need a refill",
    "my grandma took her pills twice by mistake yesterday, she's fine",
    "please call me back about my blood test",
    "my heart is broken after the breakup haha",
    "my dog is having a fit about the mailman",
    "the kids are throwing a fit in the waiting room",
    "el bebé ya no tiene calentura",
    "what should i do if my baby gets a fever",
    "mi hijo se cayó pero no se golpeó la cabeza",
    "we discussed my family history of strokes",
    "I have a cold and my nose is running",
    "my son has a small cut on his knee, do you have band-aids at the front",
    "I get out of breath climbing stairs since I gained weight, can we discuss at my physical",
    "does the clinic do burn treatment for minor burns?",
    "can a heart attack cause jaw pain? just curious",
    "my mother had seizures as a child",
    "he hit his head on the cabinet, he's fine and playing",
    "I feel fine now, the swelling in my lips went down",
    "my daughter has hives but no trouble breathing",
    "no tengo dolor de pecho, solo tos",
    "tengo tos y flema amarilla",
    "mi hijo tiene fiebre de 37.5 y tiene 5 años",
    "¿qué hago si mi bebé tiene fiebre?",
    "me quemé el dedo con la plancha, es pequeño",
    "necesito una cita, me duele un poco la cabeza",
    "my arm is sore from the vaccine",
    "my leg falls asleep when I sit too long",
    "i need to renew my prescription for my seizure medication",
    "is it normal to bleed a little after a blood draw",
    "I'm 20 weeks pregnant, when is my next ultrasound?",
    "estoy embarazada de 12 semanas y quiero cambiar mi cita",
    "my stool is black since I started iron pills",
    "the baby has a runny nose, no fever",
    "I'm so tired I could die lol",
    "this paperwork is killing me",
    "my toddler threw a fit at daycare",
    "el bebé se movió mucho anoche",
    "i took my medicine this morning as usual",
    "me tomé la pastilla de la presión",
    "my husband passed away last year and I need to update the account",
    "I'm dying to know my test results",
    "se me cierra el ojo de sueño",
    "the door to the waiting room won't close",
    "we ran out of breath strips at the front desk",
    "can I get a flu shot if I'm pregnant",
    "mi esposo se golpeó la cabeza hace dos semanas, ya está bien",
    "my chest is congested from this cold, can I get something for the cough",
    "I had a panic attack last week, I'd like to talk to someone about it",
    "I have a heavy heart since my dog died",
    "my son bumped his head on the table but he's running around fine",
    "can you send me the form for my allergy shots",
    "I bled a little after my flu shot, totally fine now",
    "i need a note saying i fainted at work in march",
    "my baby's fever went away yesterday",
    "what are the warning signs of preeclampsia",
    "is it dangerous to take two advil",
    "my knees hurt when I walk up stairs",
    "my husband snores and stops breathing for a second at night, can we do a sleep study",
    "I'm allergic to penicillin, please note it in my chart",
    "my throat is scratchy, can I come in tomorrow",
    "I burned through my deductible already",
    "she's dying to see the new pediatrician",
    "i'm so done with this insurance company",
    "this heat is killing me",
    "I cut myself shaving, tiny nick",
    "tengo la garganta irritada por la gripe",
    "mi hijo se cayó del columpio, solo un raspón en la rodilla",
    "mi mamá tuvo un derrame hace cinco años, necesito sus papeles",
    "¿cuáles son los síntomas de un infarto?",
    "estoy embarazada de 8 semanas, necesito mi primera cita",
    "se me quemó un poco el dedo cocinando",
    "mi bebé tiene 37 grados, ¿es normal?",
    "no tengo ronchas ni hinchazón, solo comezón",
    "ya no me falta el aire desde que uso el inhalador",
    "quiero cambiar mi cita del martes",
    "me muero de hambre jaja",
    "me mata este calor",
    "el niño tiene tos y mocos",
    "se me durmió la pierna de estar sentado",
    "mi papá toma pastillas para la presión, ¿le pueden renovar la receta?",
    "tuve convulsiones de niña pero ya no",
]


@pytest.mark.parametrize(("text", "group"), FOURTH_PASS)
def test_the_concepts_carry_over_to_new_wording_and_name_their_words(text: str, group: str) -> None:
    flags = {flag.group: flag.matched for flag in find_red_flags(text)}
    assert group in flags, (text, flags)
    # the deciding words are the message's own (normalised, spelling corrected)
    said = [correct(word) for word in normalize(text).split()]
    decided = flags[group].split()
    assert decided[0] in said and decided[-1] in said, (text, flags)


@pytest.mark.parametrize("text", FOURTH_PASS_NOT_NOW)
def test_the_concepts_negated_past_hypothetical_or_figurative_stay_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


def test_a_hypothetical_reaches_only_its_own_statement() -> None:
    """A comma and a new subject end what an "if" or a history cue covers."""
    assert find_red_flags("everyone would be better off if I left, I want to kill myself")
    assert find_red_flags("if my dad ever had chest pain, what should we do") == []
    assert find_red_flags("if my toddler swallows a coin what do I do") == []
    assert find_red_flags("si mi hijo se traga una moneda qué hago") == []


def test_spanish_typed_by_ear_is_read_by_how_it_sounds() -> None:
    assert correct("pexo") == "pecho" and correct("korazon") == "corazon"
    assert correct("inchado") == "hinchado" and correct("desmallo") == "desmayo"
    assert correct("zangre") == "sangre" and correct("combulsion") == "convulsion"
    # ordinary words that sound like nothing urgent are left alone
    assert correct("casa") == "casa" and correct("peso") == "peso" and correct("vez") == "vez"


def test_the_word_beginning_screen_never_changes_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules are skipped on clauses with none of the word beginnings their patterns start
    with (read from the patterns themselves): the same flags as trying every rule."""
    texts = [t for t, *_ in URGENT + MISSED_GROUPS + THIRD_PASS + FOURTH_PASS]
    texts += NOT_NOW + MISSED_GROUPS_NOT_NOW + THIRD_PASS_NOT_NOW + FOURTH_PASS_NOT_NOW
    screened = [read_red_flags(text) for text in texts]
    assert sum(rule.starts is not None for rule in RULES) >= len(RULES) - 2
    monkeypatch.setattr(
        redflags, "RULES", [dataclasses.replace(rule, starts=None) for rule in RULES]
    )
    assert [read_red_flags(text) for text in texts] == screened


def test_a_letter_doubled_by_a_transcript_is_undone_for_every_vocabulary_word() -> None:
    """Any plain word the rules name is read with one letter doubled; real words that are a
    doubled letter from one ("loose" tooth) are left alone."""
    assert correct("sttiff") == "stiff" and correct("hhead") == "head"
    assert correct("needlle") == "needle" and correct("fiebbre") == "fiebre"
    assert {f.group for f in find_red_flags("fever and a sttiff neck")} == {"meningitis_signs"}
    assert {f.group for f in find_red_flags("he hit his hhead and keeps vomiting")} == {
        "head_injury"
    }
    assert correct("loose") == "loose"
    assert find_red_flags("my 6 year old has a loose tooth") == []


#: A fourth brainstorm, measured once when the rules above were final (rules alone: English
#: 24/33, Spanish 31/33; main then 17/33, 21/33), then read for the kinds it missed (breath
#: metaphors, colours of the lips, pumping blood, a face melting, out cold, a hard belly).
FOURTH_PASS_ANY_FLAG = [
    "it feels like my chest is caving in and my arm is tingling",
    "my boyfriend says there's a fist squeezing inside his chest",
    "pain like someone is pushing a knife between my ribs and I'm short of breath",
    "me está dando un dolor en el pecho que me agarra la espalda y la mandíbula",
    "siento el pecho apretado como con un cinturón",
    "me arde y me aprieta el pecho, estoy sudando frío",
    "i'm breathing like a fish out of water",
    "my daughter can't stop coughing and her lips look dusky",
    "he's sucking air and can't say more than a word",
    "me cuesta mucho jalar el aire",
    "mi papá respira muy agitado y está morado",
    "siento que me estoy asfixiando",
    "the gash on my leg is pumping blood",
    "my mom is vomiting something that looks like coffee",
    "I've been bleeding heavily since the miscarriage and I'm dizzy",
    "me sale sangre de la herida a chorros",
    "mi esposo escupe sangre cada que tose",
    "tengo una hemorragia que no se detiene",
    "his face looks like it's melting on one side",
    "my aunt suddenly can't find her words and her leg is weak",
    "grandma is confused and her left hand is numb, came on an hour ago",
    "a mi tía se le chuequeó la boca y no puede levantar el brazo",
    "mi abuelo de repente no puede caminar y habla enredado",
    "de la nada perdí la visión de un ojo",
    "my son is having a seizure that won't stop",
    "she collapsed and her eyes rolled up",
    "he's out cold on the bathroom floor",
    "mi hija se puso rígida y empezó a sacudirse",
    "mi papá se desvaneció y no reacciona",
    "está convulsionando y echando espuma",
    "i'm going to end my life tonight",
    "i've been looking up ways to kill myself",
    "my brother says he wants to die and has a gun",
    "ya no quiero seguir viviendo",
    "estoy planeando quitarme la vida",
    "mi hijo dice que se quiere matar",
    "my toddler ate some of the laundry detergent",
    "I accidentally took a double dose of my heart medication and feel weird",
    "he swallowed a handful of his mom's sleeping pills",
    "mi niña se tomó un montón de vitaminas",
    "se tragó un imán",
    "mi abuela se tomó todas sus pastillas juntas",
    "my eyes and lips are swelling after the bee sting",
    "I feel my throat closing after taking amoxicillin",
    "se me hinchó la lengua y me cuesta tragar",
    "tengo ronchas en todo el cuerpo y me falta el aire",
    "he can't swallow his own saliva and he's drooling",
    "se le atoró una moneda y no puede respirar",
    "the worst headache of my life came on suddenly",
    "my belly is hard and I can't stand the pain",
    "un dolor de cabeza horrible que llegó de golpe",
    "me duele la panza como nunca, no me puedo mover",
    "my 3 week old has a 38.1 temperature",
    "mi recién nacido tiene calentura",
    "i'm 28 weeks pregnant and bleeding",
    "38 weeks and my water broke",
    "estoy embarazada y tengo contracciones fuertes a las 30 semanas",
    "embarazada y el bebé no se ha movido hoy",
    "my daughter fell off the swing, hit her head and is throwing up",
    "after hitting his head he's very sleepy",
    "se cayó de la escalera, se golpeó la cabeza y está sangrando",
    "el bebé se cayó de la cama y se pegó en la cabeza, está vomitando",
    "my son got burned by boiling water on his chest",
    "se quemó con ácido la mano",
    "fever, headache and a stiff neck",
    "fiebre alta y manchas moradas",
]
FOURTH_PASS_ANY_FLAG_NOT_NOW = [
    "I have heartburn every night",
    "my chest x-ray results please",
    "my breathing has been fine since the new inhaler",
    "the cut on my finger is healing well",
    "can you remind me what the stroke clinic's number is",
    "my son had a seizure last year, we need a refill",
    "I don't want to die without a will, who do I talk to",
    "is it safe to take tylenol while pregnant",
    "I'm 25 weeks pregnant and need a glucose test appointment",
    "my baby had a fever last week, follow up?",
    "my daughter fell and scraped her knee",
    "I burned myself on the oven, small red mark",
    "no headache, no fever, just tired",
    "my stomach hurts a little after eating",
    "quiero una cita para mi hijo, tiene tos",
    "me duele la garganta un poco",
    "mi mamá tuvo un infarto hace tres años",
    "¿qué hago si mi hijo tiene una convulsión?",
    "no me sangra nada, solo fue un golpe",
    "el niño se golpeó la rodilla jugando",
    "estoy embarazada de 20 semanas, ¿puedo viajar?",
    "me mareo un poco cuando me levanto rápido",
    "tengo la nariz tapada",
    "mi esposo ronca mucho",
    "ya no tengo fiebre",
    "necesito la receta de mis pastillas para la presión",
    "se me olvidó tomar mi pastilla ayer",
    "mi bebé tiene tres meses y le toca su vacuna",
    "me quemé con el sol en la playa",
]


@pytest.mark.parametrize("text", FOURTH_PASS_ANY_FLAG)
def test_the_fourth_brainstorm_raises_a_red_flag(text: str) -> None:
    assert find_red_flags(text), text


@pytest.mark.parametrize("text", FOURTH_PASS_ANY_FLAG_NOT_NOW)
def test_the_fourth_brainstorm_lookalikes_raise_none(text: str) -> None:
    assert find_red_flags(text) == [], text


def test_a_short_word_run_into_a_vocabulary_word_is_split() -> None:
    assert correct("meaplastan") == "me aplastan" and correct("comopiedra") == "como piedra"
    assert find_red_flags("siento que meaplastan el pecho")
    # real words are not split ("sudando" is sweating, not "su dando")
    assert correct("sudando") == "sudando" and correct("enrolled") == "enrolled"


def test_stopping_negates_what_stopped_but_not_breathing() -> None:
    """ "Dejó de sangrar" is over; "dejó de respirar" is the emergency itself."""
    assert find_red_flags("ya dejó de sangrar") == []
    assert find_red_flags("it stopped bleeding an hour ago") == []
    assert {f.group for f in find_red_flags("mi bebé dejó de respirar")} == {"breathing"}
    assert {f.group for f in find_red_flags("she stopped breathing")} == {"breathing"}
    assert {f.group for f in find_red_flags("mi papá dejó de reaccionar")} == {"unconscious"}


def test_stopping_a_medicine_does_not_negate_a_later_finding() -> None:
    assert find_red_flags("stopped my pills now chest pain")


# --- a second writer's pass: kinds of failure, each with wording not in the fresh set ----------

FIFTH_PASS = [
    # air as breath ("for air"), in either language
    ("he is fighting for air and cant talk", "breathing"),
    ("está luchando por aire", "breathing"),
    # a face that looks wrong on one side, said vaguely; a side "gone"; sudden nonsense
    ("her mouth looks weird on the left side", "stroke"),
    ("a mi esposo se le fue la pierna y no la siente", "stroke"),
    ("suddenly he is not making any sense", "stroke"),
    ("el lado izquierdo no lo puede mover", "stroke"),
    # the pill word kept when "heart" is rewritten ("heart pills" are pills)
    ("my toddler ate a handful of his grandpa's heart meds", "overdose"),
    # morphology of a word the vocabulary has ("explosive" beside "exploding")
    ("an explosive headache hit me out of nowhere", "severe_pain"),
    ("feels like my head is about to burst", "severe_pain"),
    ("siento la cabeza que me va a reventar", "severe_pain"),
    # heat with any intensifier, in an infant
    ("my 3 week old is so hot to the touch", "infant_fever"),
    ("mi bebé de dos semanas está bien calientito", "infant_fever"),
    # a vessel is where a scald comes from, not burnt food
    ("she tipped a pot of boiling soup onto her legs", "burn"),
    # blood in the stool with what blood loss does
    ("blood in his poop and he looks pale and weak", "bleeding"),
    # a very strong belly pain with what makes it surgical
    ("really bad stomach pain on the lower right, cant stand up", "severe_pain"),
    ("dolor muy fuerte en el estómago del lado derecho", "severe_pain"),
    # after a birth, the pregnancy's warning signs
    ("gave birth 4 days ago and now a terrible headache and seeing spots", "pregnancy"),
    # distress said with a negation or "anymore" does not negate what follows
    ("I can't take it anymore, I don't want to be here", "suicidal"),
    ("ya no soporto más, me quiero matar", "suicidal"),
    # a third person wanting to die
    ("mi hijo dice que se quiere morir", "suicidal"),
    # "no paró de sangrar" goes on
    ("la herida no paró de sangrar en toda la noche", "bleeding"),
    # a chest caving in; a jaw that will not open with a bad tooth
    ("his chest feels like its collapsing", "chest_pain"),
    ("the abscess tooth is so bad she cant even open her mouth now", "dental_emergency"),
    # "is it normal" asks about what is happening now: it stays a flag
    ("is it normal that my chest hurts this bad", "chest_pain"),
    ("es normal que me esté sangrando tanto la encía desde hace horas", "bleeding"),
]

FIFTH_PASS_NOT_NOW = [
    # childhood said before the finding
    ("as a kid I had seizures, now I need a camp form"),
    ("de chica tuve convulsiones, ahora nada"),
    # a first-person conditional
    ("si me llega a dar dolor de pecho otra vez, voy a urgencias?"),
    # idioms of dying
    ("me muero de risa con tu mensaje, ya confirmé la cita"),
    ("I'm dying to know if my insurance covers this"),
    # Spanish "paró" (stopped) is over
    ("se cortó con un cuchillo pero ya paró de sangrar"),
    # what an act is for, when it is to wake up
    ("I took my sleeping pill so I can wake up rested"),
    # blood in the stool alone, or strong belly pain alone, are a clinician's message, not 911
    ("a little blood on the toilet paper after a hard stool"),
    ("dolor muy fuerte de panza por los gases"),
    ("my stomach hurts so bad after tacos and I threw up once"),
    # a purpose that is no overdose
    ("tomo paracetamol para no sufrir con la muela"),
    ("take melatonin so i dont wake up at 3am"),
]


@pytest.mark.parametrize(("text", "group"), FIFTH_PASS)
def test_the_fifth_pass_kinds_of_failure_are_caught(text: str, group: str) -> None:
    flags = find_red_flags(text)
    assert group in {flag.group for flag in flags}, (text, flags)
    assert all(flag.matched for flag in flags)


@pytest.mark.parametrize("text", FIFTH_PASS_NOT_NOW)
def test_the_fifth_pass_lookalikes_stay_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


def test_a_second_writers_fresh_set_is_caught_and_its_lookalikes_are_not() -> None:
    """tests/data/redflags_fresh_rf34b.jsonl: written and measured once before any fix (rules
    alone caught 54/60 in each language, with 1/31 and 3/29 false flags)."""
    rows = [json.loads(line) for line in (DATA / "redflags_fresh_rf34b.jsonl").open()]
    missed = [r["text"] for r in rows if r["urgent"] and not find_red_flags(r["text"])]
    false = [r["text"] for r in rows if not r["urgent"] and find_red_flags(r["text"])]
    assert missed == []
    # the one lookalike still flagged: a mild, exertional breathlessness asked as "is it
    # normal" (a question about now, which must stay a flag when the symptom is serious)
    assert len(false) <= 1, false


#: What a fresh writer wrote that is no emergency now (a question out of curiosity, a
#: hypothetical, a relative's history, a past episode, something that is over), each beside
#: the present emergency in the same words that must stay flagged.
NOT_NOW_BESIDE_NOW = [
    # curiosity and hypotheticals
    (
        "Is it true a hard cough can stop a heart attack? Saw it on Facebook, nobody here is sick.",
        "I think my dad is having a heart attack right now",
        "chest_pain",
    ),
    (
        "¿Es verdad que si a uno le da un infarto hay que toser fuerte? Lo leí en un grupo.",
        "creo que a mi papá le está dando un infarto ahorita",
        "chest_pain",
    ),
    (
        "What's the difference between a heart attack and angina? It's for my nursing homework.",
        "my husband is having a heart attack, what do I do",
        "chest_pain",
    ),
    (
        "¿Cuál es la diferencia entre un infarto y una angina? Es para la escuela.",
        "mi esposo está teniendo un infarto",
        "chest_pain",
    ),
    (
        "If someone is having a seizure, do you turn them on their side?",
        "my son is having a seizure right now",
        "unconscious",
    ),
    (
        "Si alguien convulsiona en la calle, ¿hay que sujetarle la cabeza?",
        "mi hijo está convulsionando ahora mismo",
        "unconscious",
    ),
    (
        "¿qué hay que hacer si un niño se atraganta con una uva? quiero estar preparada",
        "mi niño se está atragantando y no puede respirar",
        "breathing",
    ),
    (
        "I'm writing a story where a character has a seizure at a wedding. Is that realistic?",
        "my sister is having a seizure at the wedding",
        "unconscious",
    ),
    (
        "Escribo un cuento donde un personaje tiene un infarto en el metro, ¿sería creíble?",
        "a mi tío le dio un infarto en el metro hace diez minutos",
        "chest_pain",
    ),
    (
        "¿Qué síntomas tiene un infarto en los hombres jóvenes? Lo vi en un documental.",
        "tengo 30 años y creo que tengo un infarto, me aprieta el pecho",
        "chest_pain",
    ),
    (
        "heart attack pain in women feels different, right? just curious, nobody here is sick",
        "my wife is having a heart attack, she is clutching her chest",
        "chest_pain",
    ),
    (
        "por pura curiosidad, ¿cuánto dura una convulsión normalmente?",
        "mi hija lleva cinco minutos convulsionando",
        "unconscious",
    ),
    (
        "quiero saber qué hacer si a mi esposo le da un infarto, ahorita está bien",
        "a mi esposo le está dando un infarto, está sudando frío",
        "chest_pain",
    ),
    # someone else's history
    (
        "my granddad died of a heart attack at 58, should I get my heart checked? I feel fine",
        "my granddad is having a heart attack, he is grey and sweating",
        "chest_pain",
    ),
    (
        "Mi prima se murió de un derrame cerebral y quiero saber si eso se hereda",
        "mi prima tiene un derrame cerebral, no puede hablar",
        "stroke",
    ),
    (
        "mi suegra tuvo un infarto a los 60, ¿a qué edad me debo revisar?",
        "a mi suegra le está dando un infarto",
        "chest_pain",
    ),
    # past episodes
    (
        "I had a seizure when I was 6 from a high fever, do I list it for my driving permit?",
        "I just had a seizure and I'm still shaking",
        "unconscious",
    ),
    (
        "Tuve una convulsión en 2015 y desde entonces nada, ¿lo pongo en el formulario?",
        "mi hijo tuvo una convulsión hace cinco minutos y no responde",
        "unconscious",
    ),
    (
        "I fainted once when they drew my blood, can I lie down at my lab visit?",
        "my wife fainted and won't wake up",
        "unconscious",
    ),
    (
        "tuve convulsiones de bebé por calentura, ¿lo pongo en el formulario de la licencia?",
        "mi bebé de 2 meses tiene calentura y está convulsionando",
        "infant_fever",
    ),
    (
        "una vez me desmayé cuando me sacaron sangre, ¿me pueden acostar en el análisis?",
        "mi mamá se desmayó hace un rato y no despierta",
        "unconscious",
    ),
    (
        "I had thoughts of ending my life back in college, none in years, just updating my form",
        "I keep having thoughts of ending my life",
        "suicidal",
    ),
    (
        "tuve un intento de suicidio hace muchos años, ahora estoy bien con mi terapia",
        "hice un intento de suicidio anoche",
        "suicidal",
    ),
    # what is over
    (
        "my son's nosebleed this afternoon stopped after about five minutes of pressure",
        "my son's nosebleed won't stop after 30 minutes",
        "bleeding",
    ),
    (
        "la hinchazón de la cara ya se me bajó con el antibiótico, ¿lo sigo tomando?",
        "se me está hinchando la cara y la lengua después del antibiótico",
        "allergic_reaction",
    ),
    (
        "después de la endodoncia se me bajó la hinchazón, ¿sigo con el antibiótico?",
        "después de la endodoncia se me está hinchando la cara hasta el ojo",
        "dental_emergency",
    ),
    (
        "the swelling in my lips from the wasp sting went down overnight, is the cream still ok?",
        "my lips are swelling up fast from a wasp sting",
        "allergic_reaction",
    ),
    (
        "mi bebé de 2 meses tuvo 38.2 de fiebre ayer y ya se le quitó",
        "mi bebé de 2 meses tiene 38.2 de fiebre",
        "infant_fever",
    ),
    (
        "baby is 6 weeks old, had a fever of 100.6 last night, gone this morning",
        "my baby is 6 weeks old and has a fever of 100.6",
        "infant_fever",
    ),
    # a chest that hurts where it is pressed, a scald that is already better
    (
        "my chest is sore only when I press on the spot I hit on the steering wheel",
        "my chest hurts and it goes into my left arm, I'm sweating",
        "chest_pain",
    ),
    (
        "me duele el pecho desde que cargué cajas, al tocarme me duele más",
        "me duele el pecho como si me aplastaran",
        "chest_pain",
    ),
    (
        "spilled hot tea on my wrist last night, it's red, no blisters, already feels better",
        "I spilled hot tea on my baby's arm and it's blistering",
        "burn",
    ),
    # what choked them came out
    (
        "my son choked on a grape but coughed it out right away, he's playing again",
        "my son choked on a grape and can't breathe",
        "breathing",
    ),
    (
        "mi hija se atragantó con un caramelo pero lo escupió enseguida",
        "mi hija se atragantó con un caramelo y no puede respirar",
        "breathing",
    ),
    # the danger sign denied
    (
        "my daughter bumped her head on the table, no vomiting, playing normally now",
        "my daughter bumped her head on the table and has vomited twice",
        "head_injury",
    ),
    (
        "mi hijo se pegó en la cabeza con la mesa, no vomitó y está jugando",
        "mi hijo se pegó en la cabeza con la mesa y está vomitando",
        "head_injury",
    ),
]


#: Everyday phrases that hold a concept word: a normal temperature, "no le pasa nada" (she is
#: fine), a blood draw, a question about carrying an epinephrine pen; beside each, the concept
#: said as the emergency.
LOOKALIKE_BESIDE_NOW = [
    (
        "my baby is 2 months, temp was 37.2 after her bath, is that ok?",
        "my baby is 2 months and her temp is 38.4",
        "infant_fever",
    ),
    (
        "mi bebé de 5 semanas tiene temperatura de 36.8, ¿está bien?",
        "mi bebé de 5 semanas tiene fiebre de 38.5",
        "infant_fever",
    ),
    (
        "mi hijo se tragó una semilla de sandía, no le pasa nada, ¿verdad?",
        "a mi hijo no le pasa ni el agua por la garganta",
        "swallowing",
    ),
    (
        "me sacaron sangre ayer y me quedó un moretón en el brazo",
        "después de la extracción de la muela no para de salir sangre",
        "dental_emergency",
    ),
    (
        "¿paran aquí los autobuses? con este dolor de espalda no puedo caminar mucho",
        "tengo un dolor de panza insoportable, no puedo ni caminar",
        "severe_pain",
    ),
    (
        "do I still need an epipen if my bee reactions are only local swelling?",
        "used his epipen, his throat is closing",
        "allergic_reaction",
    ),
]


@pytest.mark.parametrize(("lookalike", "now", "group"), LOOKALIKE_BESIDE_NOW)
def test_an_everyday_phrase_is_not_its_concept(lookalike: str, now: str, group: str) -> None:
    assert find_red_flags(lookalike) == [], lookalike
    assert group in {flag.group for flag in find_red_flags(now)}, now


@pytest.mark.parametrize(("not_now", "now", "group"), NOT_NOW_BESIDE_NOW)
def test_what_is_not_now_stays_unflagged_beside_the_same_emergency_now(
    not_now: str, now: str, group: str
) -> None:
    flagged, unflagged = read_red_flags(not_now)
    assert flagged == [], not_now
    # said, but not now: the learned model's alarm is held back too
    assert unflagged, not_now
    assert group in {flag.group for flag in find_red_flags(now)}, now


#: Urgent words said as fine ("breathing fine", "no trouble swallowing"): nothing urgent is
#: said now, so the learned model's alarm is held back; beside each, the function lost.
FINE_BESIDE_LOST = [
    ("my ribs hurt where I hit the door, I'm breathing fine", "my ribs hurt and I can't breathe"),
    ("me duele la costilla donde me pegué, pero respiro bien", "no puedo respirar y me duele"),
    ("no trouble swallowing, only a scratchy throat", "I can't swallow anything, not even water"),
    ("puedo tragar bien, solo me raspa la garganta", "no puedo tragar ni el agua"),
]


@pytest.mark.parametrize(("fine", "lost"), FINE_BESIDE_LOST)
def test_a_function_said_to_be_fine_is_not_now(fine: str, lost: str) -> None:
    flagged, unflagged = read_red_flags(fine)
    assert flagged == [] and unflagged, fine
    assert find_red_flags(lost), lost


#: Past tense minutes ago, a relative's history followed by "now", a bleed that came back:
#: still an emergency now.
STILL_NOW = [
    ("my grandma had a stroke 20 minutes ago, her face is drooping", "stroke"),
    ("mi papá tuvo una convulsión hace un rato y no responde", "unconscious"),
    ("my dad had a seizure and isn't responding", "unconscious"),
    # a companion sign said with a negated verb is a deficit, not a denial
    ("me duele el brazo izquierdo y la quijada, y no aguanto el mareo", "chest_pain"),
    ("my mom had a stroke this morning, her face is drooping", "stroke"),
    ("just curious, my chest is crushing right now and my arm is numb, is that bad?", "chest_pain"),
    ("fever and a purple rash that doesn't fade when I press on it", "meningitis_signs"),
    ("fiebre y manchas moradas que no se quitan al apretarlas", "meningitis_signs"),
    ("my mom died of a heart attack and now I have crushing chest pain", "chest_pain"),
    ("la nariz dejó de sangrar con hielo pero está sangrando otra vez y no para", "bleeding"),
    ("his nosebleed stopped after 10 minutes but now it's pouring again, won't stop", "bleeding"),
]


@pytest.mark.parametrize(("text", "group"), STILL_NOW)
def test_what_happened_minutes_ago_or_came_back_is_still_now(text: str, group: str) -> None:
    assert group in {flag.group for flag in find_red_flags(text)}, text


# --- the sixth pass: the long tail by concept (each in wording of our own, EN and ES) -------

SIXTH_PASS = [
    # a stab in the ribs; a tearing pain through to the back; a grey face with the heart
    ("a pain in my left ribs like a dagger", "chest_pain"),
    ("me dio como una puñalada en las costillas", "chest_pain"),
    ("sudden ripping pain going through to my back", "chest_pain"),
    ("my grandpa says his heart feels crushed and he's gone ashen", "chest_pain"),
    # breath: any verb that draws air in, the reliever that fails, breathless at rest
    ("no consigo coger aire", "breathing"),
    ("casi no puedo meter aire", "breathing"),
    ("tiene una fatiga que se está ahogando", "breathing"),
    ("no puede ni hablar, se está ahogando", "breathing"),
    ("her puffer isn't doing anything and she's wheezing hard", "breathing"),
    ("el nebulizador no le sirve de nada y sigue silbando el pecho", "breathing"),
    ("short of breath just sitting on the couch", "breathing"),
    ("I can't get enough air in", "breathing"),
    ("lleva una hora jadeando y no se le pasa", "breathing"),
    # sight: gone dark in one eye, stopped seeing, a curtain or a shade
    ("the sight in her left eye just went dark", "stroke"),
    ("dejó de ver del ojo derecho hace rato", "stroke"),
    ("like a shade came down over my eye", "stroke"),
    ("veo como un velo negro en un ojo", "stroke"),
    # confusion that came on suddenly; numbness of one side; spinning with falling
    ("grandma was fine at lunch and now she doesn't know where she is", "stroke"),
    ("mi esposo amaneció desorientado, no nos reconoce", "stroke"),
    ("se me entumió la mitad de la cara", "stroke"),
    ("all of a sudden the room is spinning and he keeps falling over", "stroke"),
    # bleeding: pads in Spain, clots the size of something
    ("lleno una compresa cada hora", "bleeding"),
    ("passing clots as big as a lemon", "bleeding"),
    # suicidal: passive leaving, things given away, ending things, a weapon at hand
    ("cancel everything, I won't be around much longer", "suicidal"),
    ("no cuenten conmigo, ya no voy a estar aquí", "suicidal"),
    ("I've been giving away all my things this week", "suicidal"),
    ("estoy regalando mis cosas", "suicidal"),
    ("thinking about ending it all tonight", "suicidal"),
    ("tengo la pistola cargada", "suicidal"),
    ("sick of living like this", "suicidal"),
    ("mi hijo se corta los brazos", "suicidal"),
    # overdose: counts in words, twice a dangerous medicine, a child into the pill box
    ("swallowed fifteen of her sleeping tablets", "overdose"),
    ("se tomó veinte pastillas", "overdose"),
    ("I injected my lantus twice by mistake", "overdose"),
    ("se puso dos veces la insulina", "overdose"),
    ("our 3 year old found the pill box", "overdose"),
    ("no sé cuántas se tomó, el frasco está vacío", "overdose"),
    # blood sugar read as dangerously low or off the scale
    ("my sugar dropped to 41", "blood_sugar"),
    ("la glucosa le salió en 38", "blood_sugar"),
    ("the meter just reads HI", "blood_sugar"),
    # an infant's age said with "tiene", a temperature in words
    ("el niño tiene tres semanas y está hirviendo", "infant_fever"),
    ("my son is five weeks and has a temperature of thirty eight", "infant_fever"),
    # seizure lasting minutes; a baby that has stopped moving said in months
    ("he's been jerking for five minutes", "unconscious"),
    ("está temblando sin parar y no contesta", "unconscious"),
    ("estoy de siete meses y el bebé se mueve mucho menos", "pregnancy"),
    ("32 weeks and I haven't felt the baby today", "pregnancy"),
    # a headache like a blow; the appendix
    ("this headache hit like a hammer", "severe_pain"),
    ("creo que es el apéndice, me duele horrible", "severe_pain"),
    # fever after an operation with a racing heart; mottled skin
    ("fever since the c section and my heart is racing", "meningitis_signs"),
    ("tiene fiebre y la piel moteada", "meningitis_signs"),
    # a burn by its look; a scald said "me cayó"
    ("hot grease splashed her and the skin is coming off", "burn"),
    ("se quemó con la olla, tiene unas ampollas enormes", "burn"),
    ("le cayó el café hirviendo encima", "burn"),
]

SIXTH_PASS_NOT_NOW = [
    # over: stopped after a while, went down, "once", school years, young, in-laws
    "my nose bled this morning but it stopped after ten minutes",
    "the cut bled a lot and it stopped with pressure",
    "se le paró solo el sangrado de la nariz",
    "la inflamación de la cara ya se me bajó",
    "I passed out once at a concert years back",
    "una vez me desmayé en la iglesia",
    "had a seizure in college, nothing since",
    "mi cuñado tuvo un infarto a los 45 años",
    "my cousin died of a stroke young",
    # curious, general or instructed
    "is it true you should cough hard during a heart attack?",
    "es cierto que se da aspirina en caso de un infarto?",
    "qué se hace si a alguien le da un derrame",
    "my doctor said to double my insulin at night, how many units is that",
    # look-alikes: travel, devices, bills, stairs, readings, sun and shoes
    "I won't be around by then, we're moving to Denver",
    "no voy a estar aquí para entonces porque me voy de viaje",
    "my inhaler isn't working, the counter is stuck, can I get a new one",
    "I'm confused about the bill you sent this morning",
    "I get winded on the stairs lately",
    "I take my insulin twice a day",
    "my 3 year old got into the cookies",
    "no sé cuántas pastillas me tocan",
    "my sugar is 12.5 mmol today",
    "sunburn with huge blisters on my back",
    "blisters from my new boots, big ones",
    "headache like a hammer since the flu",
    "my appendix was taken out last year",
    "my 2 month old feels warm, temp 37.4",
    "mi hijo tiene dos semanas con tos",
    "I'm ending things with my physical therapist, please send my records",
    "shaking with chills that won't stop, flu again",
]


@pytest.mark.parametrize(("text", "group"), SIXTH_PASS)
def test_the_sixth_pass_concepts_are_caught_and_name_their_words(text: str, group: str) -> None:
    flags = find_red_flags(text)
    assert group in {flag.group for flag in flags}, (text, flags)
    assert all(flag.matched for flag in flags)


@pytest.mark.parametrize("text", SIXTH_PASS_NOT_NOW)
def test_the_sixth_pass_resolved_curious_and_lookalike_forms_stay_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


def test_a_decimal_point_does_not_end_a_clause() -> None:
    assert not find_red_flags("my sugar was 12.5 mmol this morning")
    assert find_red_flags("my 6 week old has a temp of 38.4")


def test_a_resolution_that_is_denied_is_no_resolution() -> None:
    assert find_red_flags("my nose has bled for an hour and it hasn't stopped")
    assert find_red_flags("la herida sangra mucho y todavía no se paró")


def test_a_negation_reaches_only_its_own_statement() -> None:
    """A denial before a comma and a new subject does not deny what follows ("no fever, my
    chest is crushing"); a finding that carries its own negation is not denied by another."""
    assert find_red_flags("no fever, my chest is crushing")
    assert find_red_flags("no tengo fiebre, me duele mucho el pecho")
    assert find_red_flags("I don't know, I want to die")
    assert find_red_flags("no sé qué hacer, no puede respirar")
    assert not find_red_flags("no, my chest doesn't hurt")
    assert not find_red_flags("el pecho no me duele, solo tengo tos")
    assert not find_red_flags("no chest pain, no trouble breathing")


def test_fainting_at_a_blood_draw_is_no_emergency() -> None:
    assert not find_red_flags("I always pass out when I see blood, can I lie down for my shot")
    assert not find_red_flags("me desmayo cuando me sacan sangre")
    assert find_red_flags("he passed out at the table and won't wake up")


# --- the sixth pass, second half: concepts three fresh writers used (our own wording) ------

WRITERS5_CONCEPTS = [
    # a means at hand with despair or silence; a farewell; means saved up; no future
    ("my dad took his rifle to the garage and texted goodbye", "suicidal"),
    ("mi hermano tiene una pistola y ya no contesta, dijo que ya no puede más", "suicidal"),
    ("tonight is the night, I've made my decision", "suicidal"),
    ("dejé todo ordenado para mi familia", "suicidal"),
    ("I've been stockpiling my sleeping pills", "suicidal"),
    ("he keeps talking about driving his car off the overpass", "suicidal"),
    ("she gave away her cat and her guitar this week", "suicidal"),
    ("cancel my cleanings, I won't need them. Thank you for always being so kind", "suicidal"),
    ("no creo que siga viva para entonces, gracias por todo", "suicidal"),
    ("cutting myself again every night", "suicidal"),
    # dropped g, by ear
    (
        "she's breathin real fast and not makin sense, burnin up after her kidney infection",
        "meningitis_signs",
    ),
    # sepsis: an infection, fever or chills, and a failing body
    ("mi papá tiene neumonía, escalofríos y está como perdido", "meningitis_signs"),
    ("after the procedure he has a fever of 39 and is shaking all over", "meningitis_signs"),
    # overdose: counted, the rest, ten times, sedated after a medicine
    ("took like twenty of my gabapentin pills an hour ago", "overdose"),
    ("se tomó el resto de las pastillas", "overdose"),
    ("gave my toddler 10 ml of the tylenol instead of 1 ml", "overdose"),
    (
        "after the oxycodone he is breathing so slowly, hard to wake",
        "overdose",
    ),
    ("se tragó una moneda y está babeando", "swallowing"),
    # burns: electricity, a chemical in the eyes
    ("he got electrocuted fixing the outlet", "burn"),
    ("le salpicó cloro en los ojos", "burn"),
    # a jaw out after a blow
    ("got punched and now my teeth don't meet when I bite", "dental_emergency"),
    # head: hit on the head said in Spanish, falling head first
    ("se le cayó una caja en la cabeza y está vomitando", "head_injury"),
    ("the baby fell head first off the bed and is very drowsy now", "head_injury"),
    # stroke: wrong words, a limb gone to sleep verb first
    ("my mom keeps using the wrong words and can't lift her arm", "stroke"),
    ("se le durmió el brazo derecho de repente y habla raro", "stroke"),
    # asthma that will not stop; many puffs
    ("she's had 8 puffs of her inhaler and still wheezing", "breathing"),
    ("ataque de asma que no se le quita", "breathing"),
    # the appendix's path; a hard belly with pain
    (
        "the pain began near her belly button and now it's on the right and she's throwing up",
        "severe_pain",
    ),
    ("la barriga está dura como tabla y le duele muchísimo", "severe_pain"),
    # infant fever as a reading; a bulging soft spot
    ("my 5 week old, temp 38.4 rectal", "infant_fever"),
    ("the baby's soft spot is bulging and he has a fever", "meningitis_signs"),
    # bleeding on a blood thinner
    ("on eliquis and the cut is still soaking the gauze", "bleeding"),
]

WRITERS5_CONCEPTS_NOT_NOW = [
    "my grandpa died of a stroke when I was little",
    "mi abuela murió de un infarto, ¿me debo revisar?",
    "for my nursing class: what's the difference between a seizure and fainting?",
    "the main character in my story has a heart attack, is that realistic?",
    "if someone is choking, do you hit their back first?",
    "si alguien convulsiona, ¿qué se hace?",
    "hit my head on the shelf, no vomiting, no dizziness, just sore",
    "se pegó en la cabeza jugando, no vomitó y está normal",
    "a tiny burn from the oven, small pink spot, no blisters",
    "me quemé un poquito con el sartén",
    "bee sting on my hand, little swelling, breathing fine and no hives",
    "I'm 29 weeks, baby kicks a lot, no bleeding",
    "my chest hurts only when I press on the spot where I fell",
    "I thought I'd doubled my insulin but the pen log shows one dose",
    "my son licked a little toothpaste, pea size, he's fine",
    "my rifle license renewal form needs a doctor's signature",
    "I won't need the appointment anymore, I switched to a new dentist",
    "my baby had a fever as a newborn, now she's 4",
    "shot my inhaler 2 puffs before the gym like I always do",
]


@pytest.mark.parametrize(("text", "group"), WRITERS5_CONCEPTS)
def test_the_writers_concepts_are_caught_and_name_their_words(text: str, group: str) -> None:
    flags = find_red_flags(text)
    assert group in {flag.group for flag in flags}, (text, flags)
    assert all(flag.matched for flag in flags)


@pytest.mark.parametrize("text", WRITERS5_CONCEPTS_NOT_NOW)
def test_the_writers_lookalikes_stay_unflagged(text: str) -> None:
    assert find_red_flags(text) == [], text


def test_a_dropped_g_is_read_as_the_ing_word() -> None:
    assert redflags.correct("breathin") == "breathing"
    assert redflags.correct("insulin") == "insulin"
    assert redflags.correct("within") == "within"


def test_likenesses_and_last_lookalikes() -> None:
    """A heavy thing standing on the chest, nothing to live for, hot water all over a body part
    are flags; an apology to the front desk and old clothes given away are not."""
    for text in (
        "feels like a horse is standing on my chest",
        "siento como si un caballo estuviera parado en el pecho",
        "I have nothing left to live for",
        "everyone would be happier if I was gone",
        "boiling water all over her chest, skin peeling",
    ):
        assert find_red_flags(text), text
    for text in (
        "I'm sorry for everything that happened at the front desk yesterday",
        "she gave away all her old baby clothes to her sister",
        "I'd feel better if I was gone from this job",
    ):
        assert find_red_flags(text) == [], text
