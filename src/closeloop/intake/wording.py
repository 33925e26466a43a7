"""What the public pages say to patients — the contact form, the status page, the email
unsubscribe page — every string in the catalogs (``closeloop/locale``), English here."""

from __future__ import annotations

from closeloop.core.languages import Words, words

CONTACT_FORM: dict[str, Words] = {
    "title": words("contact form: title", 'Contact {practice}'),
    "intro": words("contact form: intro", 'Send us a message and we will get back to you. For an emergency, call 911.'),
    "name": words("contact form: name", 'Your name'),
    "date_of_birth": words("contact form: date_of_birth", 'Date of birth'),
    "phone": words("contact form: phone", 'Phone number'),
    "email": words("contact form: email", 'Email (optional)'),
    "reason": words("contact form: reason", 'What is this about?'),
    "message": words("contact form: message", 'Your message'),
    "send": words("contact form: send", 'Send'),
    "general": words("contact form: general", 'A question or request'),
    "new_patient": words("contact form: new_patient", 'I would like to become a patient'),
    "thanks": words("contact form: thanks", 'Thank you. We received your message.'),
    "next": words("contact form: next", 'Someone from {practice} will contact you by {when}.'),
    "limit": words("contact form: limit", 'Too many messages from this device. Please call us instead.'),
    "need_contact": words("contact form: need_contact", 'Give a phone number or an email address so we can reply.'),
    "bad_phone": words("contact form: bad_phone", "Enter a phone number we can call back, such as 312-555-0142."),
    "urgent": words("contact form: urgent", 'Your message describes symptoms that may need urgent care.'),
}  # fmt: skip


#: The public form's reply to urgent symptoms: what to do now first, as a web page says it
#: (tap to call; not a text's "this is … writing"), 988 for a patient who wrote of harming
#: themselves (``redflags.needs_crisis_line``).
EMERGENCY_REPLY: dict[str, Words] = {
    "call_911": words("contact form, emergency reply: call 911", "If this is a medical emergency, call 911 now."),
    "button_911": words("contact form, emergency reply: button", "Call 911"),
    "call_988": words("contact form, emergency reply: call 988", "If you are thinking of harming yourself, call or text 988, the Suicide & Crisis Lifeline."),
    "button_988": words("contact form, emergency reply: 988 button", "Call 988"),
    "alerted": words("contact form, emergency reply: alerted", "Our clinical team has been alerted and will call you as soon as possible."),
}  # fmt: skip


STATUS_PAGE: dict[str, Words] = {
    "title": words("status page: title", 'Your request'),
    "kind": words("status page: kind", 'Kind of request'),
    "doing": words("status page: doing", 'What we are doing now'),
    "promised": words("status page: promised", 'You will hear from us by'),
    "who": words("status page: who", 'Who is on it'),
    "resolved": words("status page: resolved", 'Resolved'),
    "call": words("status page: call", 'Questions? Call'),
    "reply": words("status page: reply", 'Send us a short reply'),
    "reply_hint": words("status page: reply_hint", 'To protect your privacy, enter your date of birth first.'),
    "birth_date": words("status page: birth_date", 'Date of birth'),
    "message": words("status page: message", 'Your message'),
    "send": words("status page: send", 'Send'),
    "sent": words("status page: sent", 'Thank you. Your message is with the person handling your request.'),
    "bad_birth_date": words("status page: bad_birth_date", 'That date of birth does not match our records.'),
    "locked": words("status page: locked", 'Too many attempts. Please try again in an hour, or call us.'),
    "question": words("status page: question", 'Did we resolve your request?'),
    "yes": words("status page: yes", 'Yes'),
    "no": words("status page: no", 'No'),
    "comment": words("status page: comment", 'Anything you would like to add (optional)'),
    "thanks_yes": words("status page: thanks_yes", 'Thank you for telling us.'),
    "thanks_no": words("status page: thanks_no", 'Thank you. We have reopened your request and will contact you.'),
    "gone": words("status page: gone", 'This link is no longer active. Please call the practice if you need anything.'),
    "limited": words("status page: limited", 'Too many requests. Please wait a minute.'),
    "emergency": words("status page: emergency", 'If this is an emergency, call 911.'),
    "empty": words("status page: empty", 'Please write a message.'),
    "expired": words("status page: expired", 'This link has expired.'),
    "revoked": words("status page: revoked", 'This link was turned off by the practice.'),
    "ended_call": words("status page: ended_call", 'To hear about your request, call {practice}:'),
}  # fmt: skip

#: The date of birth as the public pages ask it: day, month and year (``intake.birthdate``).
BIRTH_DATE: dict[str, Words] = {
    "day": words("date of birth: day", 'Day'),
    "month": words("date of birth: month", 'Month'),
    "year": words("date of birth: year", 'Year'),
    "incomplete": words("date of birth: incomplete", 'Enter your date of birth as day, month and year, in numbers.'),
    "no_such_date": words("date of birth: no such date", 'That date does not exist. Check the day, month and year.'),
    "out_of_range": words("date of birth: out of range", 'Enter a date of birth between 1900 and today.'),
}  # fmt: skip

#: The order of the date-of-birth fields, as people write a date in the language: "d" day,
#: "m" month, "y" year (a language added by its catalog brings its own order).
DATE_ORDER = words("date of birth: order of the fields (d, m, y; space-separated)", "m d y")


UNSUBSCRIBE_PAGE: dict[str, Words] = {
    "title": words("unsubscribe page: title", "Email preferences"),
    "invalid": words("unsubscribe page: invalid", "This link is not valid"),
    "invalid_hint": words("unsubscribe page: invalid_hint", "Please call the practice to change how it contacts you."),
    "done": words("unsubscribe page: done", "You are unsubscribed"),
    "done_hint": words("unsubscribe page: done_hint", "{practice} will not email you any more. Call {phone} to change this."),
    "ask": words("unsubscribe page: ask", "Stop emails from {practice}?"),
    "unsubscribe": words("unsubscribe page: button", "Unsubscribe"),
}  # fmt: skip
