"""What Closeloop itself says to patients in texts, emails and on the status page — every
string in the catalogs (``closeloop/locale``), written here in English.

Shipped message templates are per purpose and channel: a text is short and says "Reply YES";
an email greets, has a subject and says "reply to this email". Placeholders: {first_name},
{practice}, {update_time}, {next_step}, {callback_number}, {review_link}. Nothing clinical:
messages say that something is being handled, never what; the closure states the next step
staff recorded. Every time a template states is the item's tracked promise.
"""

from __future__ import annotations

from typing import NamedTuple

from closeloop.core.languages import Words, words


class Shipped(NamedTuple):
    subject: Words
    text: Words
    email: Words


SHIPPED: dict[str, Shipped] = {
    "received": Shipped(
        words("received: email subject", "We received your message"),
        words("received: text", "Hi {first_name}, this is {practice}. We received your message and will update you by {update_time}. Questions: {callback_number}."),
        words("received: email", "Hello {first_name},\n\nThank you for writing to {practice}. We received your message and will update you by {update_time}.\n\nIf you have questions, call us at {callback_number}."),
    ),
    "checking": Shipped(
        words("checking: email subject", "We are looking into your request"),
        words("checking: text", "Hi {first_name}, {practice} is looking into your request. We will update you by {update_time}."),
        words("checking: email", "Hello {first_name},\n\n{practice} is looking into your request. We will update you by {update_time}."),
    ),
    "pending_update": Shipped(
        words("pending_update: email subject", "An update on your request"),
        words("pending_update: text", "Hi {first_name}, an update from {practice}: we are still working on your request and will contact you again by {update_time}. Call {callback_number} with questions."),
        words("pending_update: email", "Hello {first_name},\n\nAn update from {practice}: we are still working on your request and will contact you again by {update_time}, even if the answer is not final yet.\n\nIf you have questions, call us at {callback_number}."),
    ),
    "closure": Shipped(
        words("closure: email subject", "What happens next"),
        words("closure: text", "Hi {first_name}, this is {practice}. What happens next: {next_step}. Please call {callback_number} if anything is unclear."),
        words("closure: email", "Hello {first_name},\n\nThis is {practice}. What happens next: {next_step}.\n\nIf anything is unclear, call us at {callback_number}."),
    ),
    "callback_missed": Shipped(
        words("callback_missed: email subject", "We tried to reach you"),
        words("callback_missed: text", "Hi {first_name}, this is {practice}. We tried to call you about your request. Please call us at {callback_number}."),
        words("callback_missed: email", "Hello {first_name},\n\nThis is {practice}. We tried to call you about your request and could not reach you. Please call us at {callback_number}."),
    ),
    # The text-back to a caller whose call nobody answered (a reply to their own call): while
    # the office is open, and after hours saying that it is closed. Replies file on the item.
    "missed_call": Shipped(
        words("missed_call: email subject", "Sorry we missed your call"),
        words("missed_call: text", "Hi {first_name}, this is {practice}. Sorry we missed your call. You can reply here, or we will call you back by {update_time}."),
        words("missed_call: email", "Hello {first_name},\n\nThis is {practice}. Sorry we missed your call. You can reply to this email, or we will call you back by {update_time}."),
    ),
    "missed_call_closed": Shipped(
        words("missed_call_closed: email subject", "Sorry we missed your call"),
        words("missed_call_closed: text", "Hi {first_name}, this is {practice}. Sorry we missed your call: our office is closed now. You can reply here, or we will call you back when we open, by {update_time}."),
        words("missed_call_closed: email", "Hello {first_name},\n\nThis is {practice}. Sorry we missed your call: our office is closed now. You can reply to this email, or we will call you back when we open, by {update_time}."),
    ),
    # Outreach before a visit (``closeloop.outreach``): the visit's time in the practice's zone
    # and the patient's language; a text reply to the confirmation is read by
    # ``outreach.replies`` (the reply words are in this catalog too).
    "visit_callback": Shipped(
        words("visit_callback: email subject", "About your visit"),
        words("visit_callback: text", "Hi {first_name}, this is {practice}. We received your request about your visit and will call you by {update_time}. Questions: {callback_number}."),
        words("visit_callback: email", "Hello {first_name},\n\nThis is {practice}. We received your request about your visit and will call you by {update_time}.\n\nIf you have questions, call us at {callback_number}."),
    ),
    "visit_confirm": Shipped(
        words("visit_confirm: email subject", "Please confirm your visit"),
        words("visit_confirm: text", "Hi {first_name}, this is {practice}. Your visit is on {visit_time}. Reply C to confirm or R to reschedule. To cancel, reply CANCEL VISIT."),
        words("visit_confirm: email", "Hello {first_name},\n\nThis is {practice}. Your visit is on {visit_time}. To confirm it, reply YES to this email. To ask for another time, reply CHANGE; to cancel it, reply CANCEL VISIT. You can also call us at {callback_number}."),
    ),
    "visit_reminder": Shipped(
        words("visit_reminder: email subject", "Your visit tomorrow"),
        words("visit_reminder: text", "Hi {first_name}, this is {practice}: a reminder of your visit on {visit_time}. To change it, call {callback_number}."),
        words("visit_reminder: email", "Hello {first_name},\n\nThis is {practice}: a reminder of your visit on {visit_time}.\n\nTo change it, call us at {callback_number}."),
    ),
    "forms_reminder": Shipped(
        words("forms_reminder: email subject", "Your forms before your visit"),
        words("forms_reminder: text", "Hi {first_name}, this is {practice}. Before your visit on {visit_time}, please complete your intake forms. Questions: {callback_number}."),
        words("forms_reminder: email", "Hello {first_name},\n\nThis is {practice}. Before your visit on {visit_time}, please complete your intake forms.\n\nIf you have questions, call us at {callback_number}."),
    ),
    "video_setup": Shipped(
        words("video_setup: email subject", "Getting ready for your video visit"),
        words("video_setup: text", "Hi {first_name}, this is {practice}. Your video visit is on {visit_time}. Join here: {visit_link} Test your camera and sound first: {device_test_link}"),
        words("video_setup: email", "Hello {first_name},\n\nThis is {practice}. Your video visit is on {visit_time}.\n\nJoin here: {visit_link}\nTest your camera, microphone and connection first: {device_test_link}\n\nIf something does not work, call us at {callback_number}."),
    ),
    # Sent by itself when a text, voicemail, email or web-form message reports urgent
    # symptoms: the same words for everyone, naming no symptom, 911 first (the first words a
    # phone shows of a text).
    "emergency": Shipped(
        words("emergency: email subject", "If this is an emergency"),
        words("emergency: text", "If this is a medical emergency, call 911 now. If you are thinking of harming yourself, call or text 988, the Suicide & Crisis Lifeline. This is {practice}: we received your message, and our clinical team has been alerted and will call you as soon as possible."),
        words("emergency: email", "If this is a medical emergency, call 911 now. If you are thinking of harming yourself, call or text 988, the Suicide & Crisis Lifeline.\n\nThis is {practice}. We received your message, and our clinical team has been alerted; they will call you as soon as possible."),
    ),
    "review_request": Shipped(
        words("review_request: email subject", "How did we do?"),
        words("review_request: text", "Hi {first_name}, thank you for choosing {practice}. If you have a minute, we would value your review: {review_link}"),
        words("review_request: email", "Hello {first_name},\n\nThank you for choosing {practice}. If you have a minute, we would value your review:\n{review_link}"),
    ),
    "closure_question": Shipped(
        words("closure_question: email subject", "Did we resolve your request?"),
        words("closure_question: text", "Hi {first_name}, this is {practice}. Did we resolve your request? Reply YES or NO (you may add a few words). Questions: {callback_number}."),
        words("closure_question: email", "Hello {first_name},\n\nThis is {practice}. Did we resolve your request? Reply to this email and tell us, in a few words if you like. Questions: {callback_number}."),
    ),
}  # fmt: skip

#: An email staff wrote without a subject.
SUBJECT = words("email subject of a message staff wrote", "About your request at {practice}")
#: The last lines of every email.
UNSUBSCRIBE = words("email footer", "To stop emails from {practice}: {link}")
#: Before the status link at the end of a text or email.
LINK_LEAD = words("before the status link in a message", "Your request:")

#: Staff shorthand that speaks of the patient instead of to them ("Billing calls the patient",
#: "call pt back"), as whole words, "|"-separated, per language.
THIRD_PERSON = words(
    "third-person shorthand a patient must not read (whole words, | separated)",
    "the patient|the patient's|patient's|the pt|pt|pts|pt's|the caller|caller's|LVM|f/u",
)

# --- the status page ------------------------------------------------------------------------------

#: What we are doing now, per category: fixed wording, nothing clinical.
DOING: dict[str, Words] = {
    "scheduling": words("status page, doing: scheduling", "We are finding an appointment time for you."),
    "new_patient_intake": words("status page, doing: new_patient_intake", "We are setting up your first visit with us."),
    "insurance_info": words("status page, doing: insurance_info", "We are checking your insurance information."),
    "referral_document_status": words("status page, doing: referral_document_status", "We are following up on your referral or documents."),
    "telehealth_access": words("status page, doing: telehealth_access", "We are making sure your video visit works."),
    "clinical_message": words("status page, doing: clinical_message", "A member of our clinical team is reviewing your message."),
    "complaint_review": words("status page, doing: complaint_review", "A supervisor is looking into what happened."),
    "language_access": words("status page, doing: language_access", "We are arranging help in your language."),
    "billing": words("status page, doing: billing", "We are looking into your bill."),
    "other": words("status page, doing: other", "We are working on your request."),
}  # fmt: skip
STATE: dict[str, Words] = {
    "new": words("status page, state: new", "We received your request."),
    "waiting_other_office": words("status page, state: waiting on another office", "We are waiting to hear from another office."),
    "waiting_insurer": words("status page, state: waiting on the insurer", "We are waiting to hear from your insurer."),
    "waiting_provider": words("status page, state: waiting on the provider", "We are waiting to hear from the provider."),
    "waiting_patient": words("status page, state: waiting on the patient", "We are waiting to hear from you: please call us."),
    "resolved": words("status page, state: resolved", "Your request was resolved."),
}  # fmt: skip
