"""Default acknowledge / clarify / own / close scripts per category, and the words they are
filled with — all in the catalogs (``closeloop/locale``), English here.

Placeholders: ``{thanks}`` (by channel: "Thanks for calling", "Thanks for your message"),
``{first_name}``, ``{practice}``, ``{owner}`` (the first name of the person who owns the item,
else who will answer — "our billing team"), ``{update_time}`` (the tracked promise, in the
practice's time and the patient's language) and ``{next_step}`` (what happens next, as staff
recorded it). Practices edit their own copies (``CategoryScript``); these seed a practice in
every language whose catalog translates them.

What the seed asks of every script: acknowledge names the frustration in plain words without
blaming anyone; own names who and when, a modest promise of the next update, never of an
outcome — and never of a call where the answer may come by text or email ("you'll hear from
us"); close says what happens next (the next step, with its time) rather than announcing
success. Spanish uses usted throughout and neutral wording.
"""

from __future__ import annotations

import re
from typing import Generic, NamedTuple, TypeVar

from closeloop.core.languages import Words, words

T = TypeVar("T")


class Script(NamedTuple, Generic[T]):
    acknowledge: T
    clarify: T
    own: T
    close: T


#: Who will answer while nobody owns the item yet, per category (said in place of a name, in
#: the scripts and on the patient's status page alike).
WHO: dict[str, Words] = {
    "scheduling": words("who answers: scheduling", "our scheduling team"),
    "new_patient_intake": words("who answers: new_patient_intake", "our new-patient team"),
    "insurance_info": words("who answers: insurance_info", "our insurance team"),
    "referral_document_status": words(
        "who answers: referral_document_status", "our referrals team"
    ),
    "telehealth_access": words("who answers: telehealth_access", "our telehealth team"),
    "clinical_message": words("who answers: clinical_message", "our clinical team"),
    "complaint_review": words("who answers: complaint_review", "a supervisor"),
    "language_access": words("who answers: language_access", "our language services team"),
    "billing": words("who answers: billing", "our billing team"),
    "other": words("who answers: other", "our front-office team"),
}

#: The kind of request as patients read it (the status page); seeded into each category's
#: ``patient_names`` and edited in Settings with the rest of the category.
PATIENT_NAMES: dict[str, Words] = {
    "scheduling": words("category name for patients: scheduling", "Appointments"),
    "new_patient_intake": words(
        "category name for patients: new_patient_intake", "Becoming a new patient"
    ),
    "insurance_info": words("category name for patients: insurance_info", "Your insurance details"),
    "referral_document_status": words(
        "category name for patients: referral_document_status", "A referral or documents"
    ),
    "telehealth_access": words("category name for patients: telehealth_access", "Your video visit"),
    "clinical_message": words(
        "category name for patients: clinical_message", "A message for our clinical team"
    ),
    "complaint_review": words("category name for patients: complaint_review", "Your feedback"),
    "language_access": words(
        "category name for patients: language_access", "Help in your language"
    ),
    "billing": words("category name for patients: billing", "A question about your bill"),
    "other": words("category name for patients: other", "Your request"),
}

#: How the acknowledgement opens, by the channel the patient used.
THANKS: dict[str, Words] = {
    "phone": words("script opening on a call", "Thanks for calling"),
    "in_person": words("script opening in person", "Thanks for coming in"),
    "voicemail": words("script opening after a voicemail", "Thanks for your voicemail"),
}
THANKS_FOR_MESSAGE = words("script opening after a written message", "Thanks for your message")

#: What a script says where a fact is not known yet (a hint to staff, never a blank).
NOT_YET: dict[str, Words] = {
    "update_time": words("script hint: no update time yet", "[the new update time]"),
    "next_step": words(
        "script hint: no next step yet", "[the next step and when: save the plan first]"
    ),
}

OWN = words(
    "script own",
    "{owner} will stay with this until it's done: you'll hear from us by {update_time}, even if "
    "the answer isn't final yet.",
)

DEFAULT_SCRIPTS: dict[str, Script[Words]] = {
    "scheduling": Script(
        words("script scheduling acknowledge", "{thanks}, {first_name}. I know fitting an appointment around everything else is a hassle; let's find a time that works for you."),
        words("script scheduling clarify", 'Which appointment is this about, and which days and times work for you?'),
        OWN,
        words("script scheduling close", 'To confirm what happens next: {next_step}. Is there anything else I can help with today?'),
    ),
    "new_patient_intake": Script(
        words("script new_patient_intake acknowledge", "{thanks}, {first_name}, and welcome to {practice}. Paperwork before a first visit can feel like a lot; I'll walk you through it."),
        words("script new_patient_intake clarify", 'Have you received the intake forms, and do you have your insurance card handy?'),
        OWN,
        words("script new_patient_intake close", 'Here is what happens next: {next_step}. We look forward to seeing you.'),
    ),
    "insurance_info": Script(
        words("script insurance_info acknowledge", "{thanks}, {first_name}. Insurance changes are frustrating, and I'll make sure nothing gets held up because of them."),
        words("script insurance_info clarify", 'What is the name of your plan, and your member and group numbers?'),
        OWN,
        words("script insurance_info close", 'Here is what happens next: {next_step}. Please bring your card to your next visit.'),
    ),
    "referral_document_status": Script(
        words("script referral_document_status acknowledge", "{thanks}, {first_name}. Waiting on a referral or a document with no news is frustrating; I'll find out where it stands."),
        words("script referral_document_status clarify", 'Which office or specialist is it for, and when was it requested?'),
        OWN,
        words("script referral_document_status close", "Here is where it stands and what happens next: {next_step}. If that doesn't happen, call us and we'll follow it up."),
    ),
    "telehealth_access": Script(
        words("script telehealth_access acknowledge", "I'm sorry the video visit isn't working, {first_name}; that's stressful right before an appointment. Let's fix it."),
        words("script telehealth_access clarify", 'Are you on a phone or a computer, and what happens when you open the link?'),
        OWN,
        words("script telehealth_access close", "Here is what happens next: {next_step}. If the video fails during the visit, we'll call you at this number."),
    ),
    "clinical_message": Script(
        words("script clinical_message acknowledge", "{thanks}, {first_name}. It's hard to wait when you have a health question; I'm sending it to our clinical team at {practice} right now."),
        words("script clinical_message clarify", "I'm not able to give medical advice, but I'll write down your question exactly. If this is an emergency, hang up and call 911."),
        words("script clinical_message own", "You'll hear from {owner} by {update_time}."),
        words("script clinical_message close", 'Our clinical team has answered; here is what they said to do next: {next_step}.'),
    ),
    "complaint_review": Script(
        words("script complaint_review acknowledge", "Thank you for telling us, {first_name}. I'm sorry this happened; it shouldn't have, and we want to make it right."),
        words("script complaint_review clarify", 'Can you tell me what happened, in your own words, and what would make it right for you?'),
        words("script complaint_review own", "You'll get a call back from {owner} by {update_time}."),
        words("script complaint_review close", 'Thank you for your patience. Here is what we are doing about it: {next_step}. We will follow up with you.'),
    ),
    "language_access": Script(
        words("script language_access acknowledge", "{thanks}, {first_name}. It's frustrating not to get help in your own language; we'll make sure you have it."),
        words("script language_access clarify", 'Which language do you prefer, and is this for a visit or for paperwork?'),
        OWN,
        words("script language_access close", 'Here is what happens next: {next_step}.'),
    ),
    "billing": Script(
        words("script billing acknowledge", "{thanks}, {first_name}. A confusing bill is stressful; I'll get your question to the right person."),
        words("script billing clarify", 'Which statement is it, and which charge are you asking about?'),
        words("script billing own", "You'll get a call from {owner} by {update_time}."),
        words("script billing close", 'Here is what happens next: {next_step}.'),
    ),
    "other": Script(
        words("script other acknowledge", "{thanks}, {first_name}. I'm sorry if it's been hard to reach the right person; I'll make sure this gets to them."),
        words("script other clarify", 'What can we help you with, and what is the best way to reach you?'),
        OWN,
        words("script other close", 'Here is what happens next: {next_step}. Is there anything else I can help with today?'),
    ),
}  # fmt: skip


def default_script(code: str, language: str) -> Script[str] | None:
    """The shipped script for a category in ``language``, or None when its catalog lacks any
    part of it (a practice then writes its own)."""
    script = DEFAULT_SCRIPTS.get(code)
    if script is None or not all(part.translated_in(language) for part in script):
        return None
    return Script(*(part.said_in(language) for part in script))


def who(category_code: str, language: str) -> str:
    return WHO.get(category_code, WHO["other"]).said_in(language)


def patient_name(category_code: str, language: str) -> str | None:
    """The shipped name for patients of a seeded category, when ``language`` has it."""
    name = PATIENT_NAMES.get(category_code)
    return name.said_in(language) if name is not None and name.translated_in(language) else None


def thanks(channel: str, language: str) -> str:
    return THANKS.get(channel, THANKS_FOR_MESSAGE).said_in(language)


def not_yet(fact: str, language: str) -> str:
    return NOT_YET[fact].said_in(language)


def tidy(text: str) -> str:
    """A line with an unknown first name reads "Thanks for calling." rather than "…, .", and
    every line starts with a capital (a team said first: "Our billing team will…")."""
    text = re.sub(r",\s*([.;:])", r"\1", text).replace(" ,", ",")
    return text[:1].upper() + text[1:]
