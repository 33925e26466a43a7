"""Every page form, fuzzed through its real view: never a 5xx, and nothing stored on a refusal.

What is fuzzed is found, not listed: every action of the registry (the item page's forms are
generated from it), every form class Closeloop defines and every URL of the workspace, the
intake pages and the status page must be covered by a surface below, or named in ``NOT_FORMS``
with the reason. A new action, form or URL without one fails
``test_every_action_form_and_url_is_fuzzed``; a field of a type with no strategy fails too.

Each example posts plausible values for every field of the surface's forms but one, and for that
one something hostile (hypothesis strategies by field type): far dates, huge numbers, NUL bytes,
very long strings, values of the wrong type or shape, unicode. The person posting is one who may
use the form. A 4xx must leave every table as it was (bar the bookkeeping of sign-ins, reads and
lockouts).

Bounded: CLOSELOOP_FORM_FUZZ_EXAMPLES examples per surface (default 5), no deadline; CI replays
the same examples every run (derandomized), locally each run explores new ones.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.forms import PasswordChangeForm
from django.core import signing
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from closeloop.actions.registry import ACTIONS
from closeloop.appointments.models import Appointment, Match, Mode
from closeloop.intake.birthdate import BirthDateForm
from closeloop.intake.public import ContactForm
from closeloop.intake.status_link_views import ReplyForm
from closeloop.messaging import status_links
from closeloop.messaging.models import MessagePurpose
from closeloop.messaging.services import UNSUBSCRIBE_SALT
from closeloop.outreach.models import OutreachPlan
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Language, Role
from closeloop.practices.forms import DayField, InstantField, SecretFieldsMixin
from closeloop.practices.models import Category, Practice
from closeloop.practices.services import staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, SupportItem
from closeloop.team.accounts import account_temporary_password
from closeloop.team.bulk import BULK_ACTIONS
from closeloop.team.models import PlaybookEntry, PlaybookSection
from closeloop.web.action_forms import ActionForm
from closeloop.web.forms import LogContactForm, SignInForm
from closeloop.web.outreach_views import OutreachPlanForm
from closeloop.web.playbook_views import EntryForm
from closeloop.web.security_views import OwnPasswordForm
from closeloop.web.settings_forms import (
    CategoryForm,
    HolidayForm,
    OnCallForm,
    PracticeSectionForm,
    RouteForm,
    ScriptsForm,
    StaffForm,
    TemplateForm,
    WebhookForm,
)
from closeloop.web.settings_sections import SECTIONS
from closeloop.webhooks.models import WebhookEvent
from tests.conftest import TUESDAY_10AM_CHICAGO, category, named_routes, planned

EXAMPLES = int(os.environ.get("CLOSELOOP_FORM_FUZZ_EXAMPLES", "5"))

# --- hostile values, by what a field expects --------------------------------------------------

FAR_INSTANTS = [
    "9999-12-31T23:59", "0001-01-01T00:00", "1899-12-31T23:59", "3000-01-01T00:00",
    "10000-01-01T00:00", "2026-02-30T10:00", "2026-11-17T24:00", "2026-11-17T10:00:00+14:00",
    "9999-12-31T23:59:59-23:59",
]  # fmt: skip
FAR_DAYS = ["9999-12-31", "0001-01-01", "1899-12-31", "2026-02-30", "99999-01-01", "20261117"]
NUMBERS = [
    str(2**63), str(-(2**63) - 1), "9" * 400, "1e400", "nan", "inf", "-0", "0x1F", " 7 ",
    "٣", "²", "1_000", "3.5",
]  # fmt: skip
TEXTS = [
    "", " ", "\x00", "a\x00b", "x" * 100_000, "🙂" * 2_000, "\u202eevil\u202c", "名前 ÀÉ ß",
    "<script>alert(1)</script>", "{", "}", "{0}", "{first_name.__class__}", "{update_time:%}",
    "%s%n%(x)s", "' OR 1=1 --", "\r\n\r\nSet-Cookie: x=1", "../../etc/passwd", "@everyone",
]  # fmt: skip
TIMES = ["24:00", "23:60", "99:99", "-1:00", "7", "12:00:00.000001"]
ANY_HOSTILE = [*FAR_INSTANTS[:3], *FAR_DAYS[:2], *NUMBERS[:4], *TEXTS[:6]]


class NoStrategy(LookupError):
    """A field of a type this file does not know how to fuzz: add a strategy."""


def _flat_choices(choices: Any) -> list[str]:
    values: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += [str(v) for v, _ in label]
        elif value not in ("", None):
            values.append(str(getattr(value, "value", value)))
    return values


def _model_values(field: forms.ModelChoiceField) -> list[str]:
    offered = getattr(field, "offered", None)
    objects = offered if offered is not None else list(field.queryset[:5])  # type: ignore[index]
    return [str(getattr(obj, field.to_field_name or "pk")) for obj in objects]


def _one_or(values: list[str], fallback: str = "") -> st.SearchStrategy[str]:
    return st.sampled_from(values) if values else st.just(fallback)


def strategies(field: forms.Field) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    """(plausible, hostile) values for one field, by its type; ``NoStrategy`` otherwise."""
    wrong_shape = st.lists(st.sampled_from(ANY_HOSTILE), min_size=2, max_size=3)
    anything = st.one_of(st.sampled_from(ANY_HOSTILE), wrong_shape, st.text(max_size=30))
    if isinstance(field, forms.ModelMultipleChoiceField):
        values = _model_values(field)
        plausible: st.SearchStrategy[Any] = st.lists(
            _one_or(values), min_size=1 if values else 0, max_size=3, unique=True
        )
        hostile = st.one_of(st.sampled_from(NUMBERS), st.lists(st.sampled_from(NUMBERS)), anything)
    elif isinstance(field, forms.ModelChoiceField):
        plausible = _one_or(_model_values(field))
        hostile = st.one_of(st.sampled_from(NUMBERS), anything)
    elif isinstance(field, forms.MultipleChoiceField):
        values = _flat_choices(field.choices)
        plausible = st.lists(_one_or(values), min_size=1, max_size=3, unique=True)
        hostile = st.one_of(st.lists(st.sampled_from(TEXTS[:12])), anything)
    elif isinstance(field, forms.ChoiceField):
        plausible = _one_or(_flat_choices(field.choices))
        hostile = anything
    elif isinstance(field, forms.BooleanField):
        plausible = st.sampled_from(["on", ""])
        hostile = anything
    elif isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else 0
        high = field.max_value if field.max_value is not None else low + 100
        plausible = st.integers(int(low), int(high)).map(str)
        hostile = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), anything)
    elif isinstance(field, forms.DateTimeField):
        # Naive, as a datetime-local input sends it (the view reads it on the practice's clock).
        low, high = datetime(2026, 11, 18), datetime(2027, 6, 30)  # noqa: DTZ001
        plausible = st.datetimes(low, high).map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
        hostile = st.one_of(
            st.sampled_from(FAR_INSTANTS),
            st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
            anything,
        )
    elif isinstance(field, forms.DateField):
        plausible = st.dates(date(1940, 1, 1), date(2026, 11, 16)).map(date.isoformat)
        hostile = st.one_of(st.sampled_from(FAR_DAYS), st.dates().map(date.isoformat), anything)
    elif isinstance(field, forms.TimeField):
        plausible = st.times().map(lambda t: t.strftime("%H:%M"))
        hostile = st.one_of(st.sampled_from(TIMES), anything)
    elif isinstance(field, forms.EmailField):
        plausible = st.sampled_from(["ana@example.com", "bo.kim@example.org"])
        hostile = st.one_of(st.sampled_from(["a@b", "@", "x" * 300 + "@example.com"]), anything)
    elif isinstance(field, forms.URLField):
        plausible = st.sampled_from(["https://example.com/hook", "https://reviews.example.org/r"])
        hostile = st.one_of(
            st.sampled_from(
                ["http://127.0.0.1/", "https://[::1]/", "javascript:alert(1)", "file:///etc/passwd"]
            ),
            anything,
        )
    elif isinstance(field, forms.SlugField):
        plausible = st.text(string.ascii_lowercase + string.digits + "-_", min_size=3, max_size=20)
        hostile = anything
    elif isinstance(field, forms.CharField):
        longest = min(field.max_length or 60, 60)
        plausible = st.text(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            min_size=1,
            max_size=longest,
        )
        # Views that read text fields themselves parse some as numbers ("²".isdigit() is True).
        hostile = st.one_of(st.sampled_from(TEXTS), st.sampled_from(NUMBERS), anything)
    else:
        raise NoStrategy(f"no strategy for {type(field).__name__}")
    return plausible, hostile


def keyed(form: forms.BaseForm) -> Iterator[tuple[str, forms.Field]]:
    """Each posted key of a form and its field (a multi-value field posts ``name_0``, ...)."""
    for name, formfield in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(formfield, forms.MultiValueField):
            for index, part in enumerate(formfield.fields):
                yield f"{key}_{index}", part
        else:
            yield key, formfield


# --- the data the forms act on ----------------------------------------------------------------


@dataclass
class World:
    practice: Practice
    people: dict[str, Any]
    item: SupportItem
    appointment: Appointment
    playbook: PlaybookEntry
    status_token: str
    unsubscribe_token: str


@pytest.fixture
def world(
    clock: Any, org: Any, riverside: Practice, assistant: Any, supervisor: Any, nurse: Any
) -> World:
    admin = staff_create(
        organization=org, username="ada", password="pw", practices=[riverside],
        roles=[Role.PRACTICE_ADMIN, Role.ORG_ADMIN, Role.SUPERVISOR],
    )  # fmt: skip
    ana = patient_create(
        practice=riverside, first_name="Ana", last_name="Lopez", phone="312-555-0142"
    )
    bo = patient_create(practice=riverside, first_name="Bo", last_name="Kim", phone="312-555-0100")
    items = [
        lifecycle.item_create(
            practice=riverside, category=category(riverside, "scheduling"), actor=assistant,
            channel=Channel.VOICEMAIL, summary=summary, patient=ana,
        )
        for summary in ("Needs to move Thursday's visit", "Asked about the visit again")
    ]  # fmt: skip
    # The first is the assistant's with a plan; the second is one merge offers; the contact
    # matched two patients (link-patient offers them).
    item = planned(items[0], assistant)
    SupportItem.objects.filter(pk=item.pk).update(patient_candidates=[ana.pk, bo.pk])
    item.refresh_from_db()
    start = TUESDAY_10AM_CHICAGO + timedelta(days=2)
    appointment = Appointment.objects.create(
        practice=riverside, source="csv", external_id="a1", patient=ana, match=Match.DOUBTFUL,
        patient_candidates=[ana.pk, bo.pk], start=start, status="booked", mode=Mode.TELEHEALTH,
        kind="Follow-up", fingerprint="x", imported_at=start, updated_at=start,
    )  # fmt: skip
    riverside.status_links = True
    riverside.save()
    # Given a temporary password by the admin: chooses their own at the next sign-in.
    newhire = staff_create(
        organization=org, username="newhire", password="pw", practices=[riverside],
        roles=[Role.SUPPORT],
    )  # fmt: skip
    account_temporary_password(actor=admin, person=newhire)
    return World(
        practice=riverside,
        people={
            "assistant": assistant,
            "supervisor": supervisor,
            "nurse": nurse,
            "admin": admin,
            "newhire": newhire,
            "anonymous": None,
        },  # fmt: skip
        item=item,
        appointment=appointment,
        playbook=PlaybookEntry.objects.create(
            practice=riverside, section=PlaybookSection.values[0], title="Fax", body="555-0199"
        ),
        status_token=status_links.link_create(item),
        unsubscribe_token=signing.dumps(
            {"p": riverside.pk, "a": "ana@example.com"}, salt=UNSUBSCRIBE_SALT
        ),
    )


# --- surfaces: a URL, who uses it, and the forms whose fields it reads --------------------------


def _outreach_plan(w: World) -> OutreachPlan:
    return OutreachPlan.objects.get_or_create(practice=w.practice, kind="Follow-up")[0]


Forms = Callable[[World], list[forms.BaseForm]]
Args = Callable[[World], list[Any]]


@dataclass(frozen=True)
class Surface:
    url: str
    who: str
    forms: Forms
    args: Args = lambda w: []
    method: str = "post"


def _fields(**named: forms.Field) -> forms.Form:
    """The inputs of a view that reads ``request.POST`` (or ``GET``) itself, as a form."""
    return type("Fields", (forms.Form,), dict(named))()


def _raw(
    url: str, who: str, method: str = "post", args: Args = lambda w: [], **named: Any
) -> Surface:
    return Surface(url, who, lambda w: [_fields(**named)], args, method)


def _id() -> forms.IntegerField:
    return forms.IntegerField(required=False)


def _text() -> forms.CharField:
    return forms.CharField(required=False)


def _choice(*values: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[(v, v) for v in values], required=False)


def _day() -> DayField:
    return DayField(required=False)


def _slug(w: World) -> list[Any]:
    return [w.practice.slug]


def _action(name: str) -> Surface:
    """An action's form on the item page, with the version of the item the page showed."""
    return Surface(
        "item_action", "assistant",
        lambda w: [ActionForm(item=w.item, action=ACTIONS[name], prefix=name),
                   _fields(version=_id())],
        lambda w: [w.item.pk, name],
    )  # fmt: skip


def _staff(w: World, editing: Any = None) -> StaffForm:
    practices = Practice.objects.filter(pk=w.practice.pk)
    return StaffForm(practices=practices, may_grant_admin=True, editing=editing)


def _scheduling(w: World) -> Category:
    return category(w.practice, "scheduling")


QUEUE_FILTERS = ("tab", "practice", "category", "status", "channel", "language", "owner")
SURFACES: dict[str, Surface] = {
    **{f"item_action:{name}": _action(name) for name in ACTIONS},
    "message_preview": _raw(
        "message_preview", "assistant", "get", lambda w: [w.item.pk],
        **{"message-purpose": _choice(*MessagePurpose.values),
           "message-next_update_at": InstantField(required=False)},
    ),
    "log_contact": Surface(
        "log_contact", "assistant",
        lambda w: [LogContactForm(user=w.people["assistant"], practice=w.practice)],
    ),
    "log_contact (GET)": _raw(
        "log_contact", "assistant", "get", patient=_id(), summary=_text(), details=_text(),
        channel=_text(), language=_text(), caller=_text(), practice=_text(),
    ),
    "item_presence": _raw("item_presence", "assistant", "get", lambda w: [w.item.pk], v=_id()),
    "item_presence_leave": _raw("item_presence_leave", "assistant", args=lambda w: [w.item.pk]),
    "appointments": _raw("appointments", "assistant", "get", practice=_text(), tab=_text()),
    "queue_csv": _raw("queue_csv", "assistant", "get", **{f: _text() for f in QUEUE_FILTERS}),
    "playbook": _raw("playbook", "assistant", "get", _slug, q=_text()),
    "status_page": _raw(
        "status_page", "anonymous", "get", lambda w: [w.status_token], lang=_text(), done=_text()
    ),
    "log_suggest": _raw(
        "log_suggest", "assistant", "get", summary=_text(), details=_text(), practice=_text(),
        category=_text(),
    ),
    "patient_lookup": _raw("patient_lookup", "assistant", "get", q=_text()),
    "log_patient_items": _raw("log_patient_items", "assistant", "get", patient=_id()),
    "queue": _raw(
        "queue", "assistant", "get", page=_id(), q=_text(), **{f: _text() for f in QUEUE_FILTERS}
    ),
    "view_save": _raw(
        "view_save", "assistant", name=_text(), shared=forms.BooleanField(),
        **{f: _text() for f in QUEUE_FILTERS},
    ),
    "bulk": _raw(
        "bulk", "supervisor", action=_choice(*BULK_ACTIONS), back=_text(), owner=_id(),
        item=forms.MultipleChoiceField(choices=[("1", "1"), ("2", "2")]), reason=_text(),
        text=_text(), update_at=_text(), after_hours_reason=_text(),
    ),
    "shift_handover": Surface(
        "shift_handover", "assistant",
        lambda w: [_fields(**{
            "item": forms.MultipleChoiceField(choices=[(str(w.item.pk), "")]),
            f"to-{w.item.pk}": _id(), f"note-{w.item.pk}": _text(), "note_all": _text(),
            "off_duty": forms.BooleanField(required=False),
        })],
    ),
    "shift_duty": _raw("shift_duty", "assistant", on_duty=_choice("1", "0")),
    "shift_away": _raw(
        "shift_away", "supervisor", user=_id(), cover=_id(), note=_text(),
        starts_at=InstantField(required=False), ends_at=InstantField(required=False),
    ),
    "appointment_check": _raw(
        "appointment_check", "assistant", args=lambda w: [w.appointment.pk, "link_sent"],
        next=_text(),
    ),
    "appointment_patient": _raw(
        "appointment_patient", "assistant", args=lambda w: [w.appointment.pk], patient=_text(),
        next=_text(),
    ),
    "dashboard": _raw(
        "dashboard", "admin", "get", practice=_text(), start=_day(), end=_day(), team=_text(),
        channel=_text(), category=_text(), language=_text(), owner=_id(),
    ),
    "chart_csv": _raw(
        "chart_csv", "admin", "get", lambda w: ["first_response"], start=_day(), end=_day(),
    ),
    **{
        name: _raw(name, "admin", "get", practice=_text(), week=_day())
        for name in ("weekly_review", "weekly_review_csv", "weekly_review_pdf")
    },
    "patient_audit": _raw(
        "patient_audit", "admin", "get", lambda w: [w.item.patient_id],
        format=_choice("csv", "html"), page=_text(),
    ),
    "audit": _raw(
        "audit", "admin", "get", user=_text(), action=_text(), object=_text(), patient=_id(),
        start=_day(), end=_day(), format=_choice("csv", "html"), page=_id(),
    ),
    "playbook_search": _raw("playbook_search", "assistant", "get", q=_text(), practice=_text()),
    "emergency_access": _raw(
        "emergency_access", "admin", revoke=_text(), user=_id(), practice=_id(), hours=_text(),
        reason=_text(),
    ),
    "mfa_setup": _raw("mfa_setup", "assistant", token=_text()),
    "mfa_verify": _raw("mfa_verify", "assistant", token=_text()),
    "account": _raw("account", "assistant", action=_choice("recovery_codes")),
    "password_change": Surface(
        "password_change", "assistant", lambda w: [PasswordChangeForm(w.people["assistant"])]
    ),
    "login": Surface("login", "anonymous", lambda w: [SignInForm()]),
    # Settings.
    "settings_staff_new": Surface("settings_staff_new", "admin", lambda w: [_staff(w)]),
    "settings_staff_edit": Surface(
        "settings_staff_edit", "admin",
        lambda w: [_staff(w, editing=w.people["assistant"])], lambda w: [w.people["assistant"].pk],
    ),
    # Each section of a practice's settings, as the list has them (a new one is fuzzed too).
    **{
        f"settings_practice_section:{section.key}": Surface(
            "settings_practice_section", "admin",
            lambda w, section=section: [section.build(w.practice)],
            lambda w, section=section: [w.practice.slug, section.key],
        )
        for section in SECTIONS
    },
    "settings_holiday_add": Surface(
        "settings_holiday_add", "admin", lambda w: [HolidayForm(prefix="holiday")], _slug
    ),
    "settings_oncall_add": Surface(
        "settings_oncall_add", "admin",
        lambda w: [OnCallForm(clinicians=type(w.people["nurse"]).objects.all(), prefix="oncall")],
        _slug,
    ),
    "settings_route_add": Surface(
        "settings_route_add", "admin", lambda w: [RouteForm(practice=w.practice, prefix="route")],
        _slug,
    ),
    "settings_webhook_add": Surface(
        "settings_webhook_add", "admin",
        lambda w: [WebhookForm(events=WebhookEvent.choices, prefix="webhook")], _slug,
    ),
    "settings_category": Surface(
        "settings_category", "admin",
        lambda w: [CategoryForm(instance=_scheduling(w)),
                   *(ScriptsForm(language=code) for code in Language.values)],
        lambda w: [w.practice.slug, _scheduling(w).pk],
    ),
    "settings_script_preview": Surface(
        "settings_script_preview", "admin", lambda w: [ScriptsForm(language="es")],
        lambda w: [w.practice.slug, _scheduling(w).pk, "es"],
    ),
    "settings_template": Surface("settings_template", "admin", lambda w: [TemplateForm()], _slug),
    "settings_template_preview": _raw(
        "settings_template_preview", "admin", args=_slug, language=_text(), subject=_text(),
        body=_text(),
    ),
    "settings_playbook": Surface("settings_playbook", "admin", lambda w: [EntryForm()], _slug),
    "settings_playbook_entry": Surface(
        "settings_playbook_entry", "admin",
        lambda w: [EntryForm(prefix=f"e{w.playbook.pk}"),
                   _fields(delete=forms.BooleanField(required=False))],
        lambda w: [w.practice.slug, w.playbook.pk],
    ),
    "settings_outreach": Surface(
        "settings_outreach", "admin", lambda w: [OutreachPlanForm()], _slug
    ),
    "settings_outreach_plan": Surface(
        "settings_outreach_plan", "admin", lambda w: [OutreachPlanForm()],
        lambda w: [w.practice.slug, _outreach_plan(w).pk],
    ),
    "password_set_own": Surface(
        "password_set_own", "newhire",
        lambda w: [OwnPasswordForm(w.people["newhire"])],
    ),
    # Patients' pages, without signing in.
    "public_contact": Surface(
        "public_contact", "anonymous",
        lambda w: [ContactForm(language="en"), _fields(lang=_choice("en", "es"))], _slug,
    ),
    "status_reply": Surface(
        "status_reply", "anonymous", lambda w: [ReplyForm(), _fields(lang=_choice("en", "es"))],
        lambda w: [w.status_token],
    ),
    "status_answer": _raw(
        "status_answer", "anonymous", args=lambda w: [w.status_token], answer=_text(),
        comment=_text(), lang=_text(),
    ),
    "unsubscribe": _raw(
        "unsubscribe", "anonymous", args=lambda w: [w.unsubscribe_token], confirm=_text()
    ),
}  # fmt: skip

#: URLs with nothing to fuzz, and why.
NOT_FORMS: dict[str, str] = {
    **dict.fromkeys(
        ("alerts", "outbox", "help", "patient", "shift", "team", "playbook_home", "item",
         "healthz", "settings", "settings_staff", "settings_categories", "settings_templates",
         "settings_practice", "on_call", "on_call_practice", "item_file",
         "appointment_confirmations_csv"),
        "a page read with GET, no input but its address",
    ),
    **dict.fromkeys(
        ("alerts_read", "shift_back", "view_delete", "patient_export", "logout",
         "settings_staff_password", "settings_staff_reset_mfa", "settings_staff_unlock",
         "settings_staff_deactivate", "settings_staff_reactivate", "settings_holiday_delete",
         "settings_oncall_delete", "settings_route_delete", "settings_webhook_delete",
         "settings_outreach_delete", "appointment_confirm"),
        "a button: a POST with no input but its address",
    ),
    **dict.fromkeys(
        ("hook_voicemail", "hook_sms", "hook_sms_status", "hook_call_status"),
        "a signed webhook: refused before any field is read (tests/test_intake.py)",
    ),
    "hook_email": "a raw email behind the practice's secret: fuzzed in tests/test_hook_fuzz.py",
}  # fmt: skip

#: Forms never posted themselves, only as part of the forms built on them, and why.
BASE_FORMS: dict[type, str] = {
    BirthDateForm: "the date of birth of the contact form and the status page's reply",
    PracticeSectionForm: "the sections of a practice's settings (``SECTIONS``)",
    SecretFieldsMixin: "the integrations section's secrets (and the admin's practice form)",
}

#: Rows a refusal may still write, by design: sign-ins and their lockout counting, the audit
#: log of reads, a pending authenticator shown on the two-factor page, who has a page open, and a
#: wrong date of birth on the status page (counted against the patient's limit of guesses).
BOOKKEEPING = frozenset({
    "sessions.Session", "security.AuditEvent", "security.AuditChainLink", "security.AuditCheck",
    "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
    "axes.AccessAttemptExpiration", "otp_totp.TOTPDevice", "support_queue.ItemPresence",
    "messaging.BirthDateLock",
})  # fmt: skip


def snapshot() -> tuple[Any, ...]:
    """Row counts of every table but the bookkeeping, and the sum of the items' versions (a
    change to an item bumps it), in one query."""
    quote = connection.ops.quote_name  # table names from the model registry, quoted
    parts = [
        f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model in apps.get_models()
        if model._meta.label not in BOOKKEEPING and model._meta.managed
    ]
    items = quote(SupportItem._meta.db_table)
    parts.append(f"(SELECT COALESCE(SUM(version), 0) FROM {items})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def url_names() -> set[str]:
    """Every named URL but the installation admin's and the API's (fuzzed from its schema in
    tests/test_api_fuzz.py)."""
    return {name for name, _, _ in named_routes() if not name.startswith(("admin:", "api:"))}


def closeloop_form_classes() -> set[type]:
    def below(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return {
        cls
        for cls in below(forms.BaseForm)
        if cls.__module__.startswith("closeloop.") and not cls.__module__.endswith(".admin")
    }


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_action_form_and_url_is_fuzzed(world: World) -> None:
    assert {f"item_action:{name}" for name in ACTIONS} <= set(SURFACES)
    covered_urls = {surface.url for surface in SURFACES.values()}
    unclassified = url_names() - covered_urls - set(NOT_FORMS)
    assert not unclassified, (
        f"fuzz these forms (a Surface) or say why not (NOT_FORMS): {unclassified}"
    )
    assert not (covered_urls & set(NOT_FORMS))
    built = [form for surface in SURFACES.values() for form in surface.forms(world)]
    kinds = {type(f) for f in built}
    missing = {cls.__qualname__ for cls in closeloop_form_classes() - kinds - set(BASE_FORMS)}
    assert not missing, f"forms no surface posts: {missing}"
    for base in BASE_FORMS:  # fuzzed through the forms built on it
        assert any(issubclass(kind, base) for kind in kinds), base
    for form in built:  # a field of a new type has no strategy yet: say which
        for key, formfield in keyed(form):
            try:
                strategies(formfield)
            except NoStrategy as exc:
                pytest.fail(f"{type(form).__name__}.{key}: {exc}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SURFACES))
def test_no_form_answers_5xx_and_a_refusal_stores_nothing(
    name: str, world: World, client: Any
) -> None:
    surface = SURFACES[name]
    person = world.people[surface.who]
    if person is not None:
        client.force_login(person)
    client.raise_request_exception = False  # a crash is a 500 to report, with its input
    url = reverse(surface.url, args=surface.args(world))
    fields = [
        (key, *strategies(formfield))
        for form in surface.forms(world)
        for key, formfield in keyed(form)
    ]

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=list(HealthCheck),
        # No shrinking: the failure message carries the whole input, and shrinking a slow
        # request takes minutes.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    def run(data: Any) -> None:
        hostile_key = data.draw(st.sampled_from([key for key, _, _ in fields] or [""]))
        posted: dict[str, Any] = {}
        for key, plausible, hostile in fields:
            posted[key] = data.draw(hostile if key == hostile_key else plausible, label=key)
        before = snapshot()
        response = getattr(client, surface.method)(url, posted)
        assert response.status_code < 500, f"{surface.method.upper()} {url} {posted!r:.2000}"
        if response.status_code >= 400:
            assert snapshot() == before, (
                f"refused ({response.status_code}) but stored: {posted!r:.2000}"
            )

    run()
