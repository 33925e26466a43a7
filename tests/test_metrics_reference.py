"""Every figure of the fourteen recovery metrics equals an independent reference
(``tests/metrics_reference.py``: plain Python over the raw timeline) on randomized histories
written through the real services — intake's ``file_item`` (hooks, calls, repeat contacts,
reopenings, after-hours automatic replies, telehealth requests linked to video visits), the
lifecycle (acknowledgements, contacts, handoffs, escalations, resolutions, merges, category
changes), messages that are then not delivered, and the sweep's deadlines — under a moving
clock, around America/Chicago's DST changes (March and November) and over varied business
hours and holidays. When the two differ, the definition (docs/metrics.md) decides which is
wrong, never the test.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.intake.services import Contact, file_item
from closeloop.messaging import closing_question, reviews
from closeloop.messaging import services as messaging
from closeloop.messaging.models import MessageState, OutboundMessage, RecoveryCheck, ReviewRequest
from closeloop.metrics import definitions as m
from closeloop.patients.services import patient_create
from closeloop.periodic.sweep import handle_deadlines
from closeloop.practices import config
from closeloop.practices.choices import Role, Team
from closeloop.practices.models import Category, Holiday, Practice
from closeloop.practices.services import staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import (
    Channel,
    ContactOutcome,
    Direction,
    ReceiptHow,
    SupportItem,
    TimelineEvent,
)
from tests.conftest import planned, told
from tests.metrics_reference import Reference

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
EXAMPLES = int(os.environ.get("CLOSELOOP_REFERENCE_EXAMPLES", "20"))
REASON = "The patient asked for a call after work."

#: Where a history starts (a Thursday, 06:00 in Chicago) and the weeks judged: the week of the
#: change and the next (2026: clocks go forward on 8 March, back on 1 November), and an
#: ordinary November week.
HISTORIES = {
    "spring": (datetime(2026, 3, 5, 6, 0, tzinfo=CHICAGO), date(2026, 3, 2)),
    "fall": (datetime(2026, 10, 29, 6, 0, tzinfo=CHICAGO), date(2026, 10, 26)),
    "plain": (datetime(2026, 11, 12, 6, 0, tzinfo=CHICAGO), date(2026, 11, 9)),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = [
    {},  # the default: weekdays 08:00-17:00
    {
        **{d: [["08:00", "12:00"], ["13:00", "18:30"]] for d in WEEKDAYS},
        "sat": [["09:00", "13:00"]],
    },
    # Open across the night of the change (02:00 does not exist on 8 March; 01:00-02:00
    # happens twice on 1 November).
    {**{d: [["07:30", "17:00"]] for d in WEEKDAYS}, "sun": [["00:30", "04:30"]]},
    {d: [["00:00", "24:00"]] for d in (*WEEKDAYS, "sat", "sun")},
]
CATEGORIES = [
    "scheduling",
    "complaint_review",
    "referral_document_status",
    "telehealth_access",
    "insurance_info",
    "billing",
]
CHANNELS = [
    Channel.PHONE,
    Channel.VOICEMAIL,
    Channel.SMS,
    Channel.EMAIL,
    Channel.WEB_FORM,
    Channel.IN_PERSON,
]
HOW = [ReceiptHow.CALL, ReceiptHow.TEXT, ReceiptHow.EMAIL, ReceiptHow.VOICEMAIL]
#: Timeline codes worth knowing the histories reach.
SEEN = {
    "item.merged",
    "item.reopened",
    "item.repeat_contact",
    "item.handed_off",
    "item.escalated",
    "item.promise_broken",
    "item.promise_escalated",
    "item.message_failed",
    "item.message_cancelled",
    "item.appointment_linked",
    "item.appointment_unlinked",
    "item.categorized",
    "item.resolved",
    "item.before_appointment",
}
#: The same for the rows beside the timeline.
ROWS = {"review requests": ReviewRequest, "recovery answers": RecoveryCheck}  # fmt: skip
STEPS = [0, 5, 20, 45, 90, 180, 420, 720, 960, 1500]

item_index = st.integers(0, 40)
person = st.integers(0, 3)  # the hook (no one), the assistant, a second desk, the supervisor
FILE = st.tuples(
    st.just("file"),
    st.sampled_from(CHANNELS),
    st.sampled_from(CATEGORIES),
    st.sampled_from(["en", "en", "es"]),
    st.integers(0, 4),  # patient
    person,
    st.booleans(),  # take ownership
    st.sampled_from([0, 0, 0, 45, 600]),  # minutes since the contact (a voicemail at night)
    st.booleans(),  # a hook looks for the item this contact repeats
)
OPERATIONS = st.one_of(
    FILE,
    FILE,
    FILE,
    FILE,
    st.tuples(st.just("acknowledge"), item_index, person, st.sampled_from(HOW)),
    st.tuples(st.just("contact"), item_index, person, st.booleans()),
    st.tuples(st.just("resolve"), item_index, person, st.booleans()),
    st.tuples(st.just("resolve"), item_index, person, st.booleans()),
    st.tuples(st.just("resolve"), item_index, person, st.booleans()),
    st.tuples(st.just("review"), item_index, person),
    st.tuples(st.just("ask"), item_index, person),
    st.tuples(st.just("answer"), st.sampled_from(["yes", "no"])),
    st.tuples(st.just("reopen"), item_index, person),
    st.tuples(st.just("merge"), item_index),
    st.tuples(st.just("merge"), item_index),
    st.tuples(st.just("merge"), item_index),
    st.tuples(st.just("again"), item_index, st.sampled_from(CHANNELS), person),
    st.tuples(st.just("again"), item_index, st.sampled_from(CHANNELS), person),
    st.tuples(
        st.just("video"),
        st.integers(0, 4),
        st.integers(1, 120),  # hours until the visit
        st.sampled_from([AppointmentStatus.BOOKED, AppointmentStatus.NOSHOW]),
    ),
    st.tuples(st.just("escalate"), item_index, person),
    st.tuples(st.just("hand_off"), item_index, person),
    st.tuples(st.just("categorize"), item_index, st.sampled_from(CATEGORIES)),
    st.tuples(st.just("unlink"), item_index),
    st.tuples(st.just("message"), item_index, person),
    st.tuples(st.just("undelivered"), st.sampled_from(["cancelled", "failed"])),
    st.tuples(st.just("sweep")),
    st.tuples(st.just("sweep")),
)
HISTORY = st.fixed_dictionaries(
    {
        "when": st.sampled_from(sorted(HISTORIES)),
        "hours": st.integers(0, len(HOURS) - 1),
        "holiday": st.one_of(st.none(), st.integers(0, 9)),
        "complaints_to": st.sampled_from([Team.SUPERVISOR, Team.SUPPORT]),
        "closure_question": st.booleans(),  # "Did we resolve your request?"
        "visits": st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(2, 14 * 24),  # hours after the history's start
                st.sampled_from(
                    [
                        AppointmentStatus.BOOKED,
                        AppointmentStatus.NOSHOW,
                        AppointmentStatus.CANCELLED,
                    ]
                ),
                st.sampled_from([Mode.TELEHEALTH, Mode.TELEHEALTH, Mode.IN_PERSON]),
                # Asked to confirm this many hours before the visit (none: never asked), and
                # confirmed this many hours after asking (none: never).
                st.one_of(st.none(), st.integers(1, 48)),
                st.one_of(st.none(), st.integers(0, 48)),
            ),
            max_size=6,
        ),
        "steps": st.lists(st.tuples(st.sampled_from(STEPS), OPERATIONS), min_size=15, max_size=45),
    }
)


@pytest.fixture
def cast(org: Any, riverside: Practice, assistant: Any, supervisor: Any, patient: Any) -> Any:
    desk = staff_create(
        organization=org, username="desk", password="pw", roles=[Role.SUPPORT],
        practices=[riverside], first_name="Dee", last_name="Desk",
    )  # fmt: skip
    patients = [
        patient,
        patient_create(practice=riverside, first_name="Bo", last_name="Ng", phone="(312) 555-0143"),
        patient_create(
            practice=riverside, first_name="Cy", last_name="Ruiz", phone="(312) 555-0144",
            email="cy@example.org", preferred_language="es",
        ),
        patient_create(practice=riverside, first_name="Di", last_name="Oh", phone="(312) 555-0145"),
        patient_create(
            practice=riverside, first_name="Ed", last_name="Park", email="ed@example.org"
        ),
    ]  # fmt: skip
    return {"people": [None, assistant, desk, supervisor], "patients": patients}


class Play:
    """Runs one generated history through the services."""

    def __init__(self, practice: Practice, cast: dict[str, Any]) -> None:
        self.practice = practice
        self.people = cast["people"]
        self.patients = cast["patients"]
        self.items: list[int] = []
        self.messages: list[int] = []

    def item(self, index: int) -> SupportItem | None:
        if not self.items:
            return None
        return SupportItem.objects.select_related("category", "practice").get(
            pk=self.items[index % len(self.items)]
        )

    def staff(self, index: int) -> Any:
        return self.people[index] or self.people[1]

    def later(self, hours: float) -> datetime:
        return timezone.now() + timedelta(hours=hours)

    def run(self, operation: tuple[Any, ...]) -> None:
        # Refused by the rules (a refused message is a LifecycleError too): nothing happened,
        # and the history goes on.
        with contextlib.suppress(lifecycle.LifecycleError):
            getattr(self, operation[0])(*operation[1:])

    def file(
        self, channel: str, code: str, language: str, patient: int, actor: int, take: bool,
        before: int, repeat: bool,
    ) -> None:  # fmt: skip
        actor_user = self.people[actor]
        told = self.later(3) if channel in (Channel.PHONE, Channel.IN_PERSON) and actor else None
        if actor_user is None and channel in (Channel.PHONE, Channel.IN_PERSON):
            channel = Channel.VOICEMAIL  # a hook never takes a live call
        filed = file_item(
            practice=self.practice,
            actor=actor_user,
            contact=Contact(
                channel=channel,
                summary="A question about my visit",
                language=language,
                patient=self.patients[patient],
                at=timezone.now() - timedelta(minutes=before) if before else None,
                next_update_at=told,
                after_hours_reason=REASON,
            ),
            category=Category.objects.get(practice=self.practice, code=code),
            find_repeat=actor_user is None and repeat,
            take_ownership=take,
            auto_acknowledge=actor_user is None,
        )
        if filed.created:
            self.items.append(filed.item.pk)

    def acknowledge(self, index: int, actor: int, how: str) -> None:
        if item := self.item(index):
            lifecycle.item_acknowledge(
                item=item, actor=self.staff(actor), how=how, next_update_at=self.later(4),
                after_hours_reason=REASON,
            )  # fmt: skip

    def contact(self, index: int, actor: int, reached: bool) -> None:
        if item := self.item(index):
            lifecycle.item_log_contact(
                item=item, actor=self.staff(actor), direction=Direction.OUTBOUND,
                channel=Channel.PHONE,
                outcome=ContactOutcome.REACHED if reached else ContactOutcome.VOICEMAIL_LEFT,
                next_update_at=self.later(20), after_hours_reason=REASON,
            )  # fmt: skip

    def resolve(self, index: int, actor: int, confirmed: bool) -> None:
        item, who = self.item(index), self.staff(actor)
        if item is None or not item.is_open:
            return
        if item.owner_id != who.pk:
            item = lifecycle.item_assign(item=item, actor=who, owner=who, team=item.team)
        item = lifecycle.item_set_update_window(
            item=item, actor=who, checking="it", next_step="Call back with the answer",
            update_at=self.later(2), after_hours_reason=REASON,
        )  # fmt: skip
        item = lifecycle.item_log_contact(
            item=item, actor=who, direction=Direction.OUTBOUND, channel=Channel.PHONE,
            outcome=ContactOutcome.REACHED, gave_next_step=True, resolving=True,
        )  # fmt: skip
        lifecycle.item_resolve(
            item=item, actor=who, outcome="Done",
            recovery_action="Apologised and rebooked" if item.is_complaint else "",
            patient_confirmed=confirmed,
        )  # fmt: skip

    def review(self, index: int, actor: int) -> None:
        """Ask for a review: the guardrails send it or record why not."""
        if item := self.item(index):
            reviews.review_request(item=item, actor=self.staff(actor))

    def ask(self, index: int, actor: int) -> None:
        """ "Did we resolve your request?" after a resolution the patient confirmed."""
        if item := self.item(index):
            closing_question.ask_after_resolution(item, actor=self.staff(actor))

    def answer(self, answer: str) -> None:
        check = RecoveryCheck.objects.filter(
            item_id__in=self.items, answered_at__isnull=True
        ).first()
        if check is not None:
            closing_question.record_answer(check, answer, "", how="sms")

    def reopen(self, index: int, actor: int) -> None:
        if item := self.item(index):
            lifecycle.item_reopen(
                item=item, actor=self.staff(actor), reason="The patient called again.",
                next_update_at=self.later(5), after_hours_reason=REASON,
            )  # fmt: skip

    def merge(self, index: int) -> None:
        """The item joins another open item of the same patient (filed twice)."""
        item = self.item(index)
        if item is None or item.patient_id is None:
            return
        target = (
            SupportItem.objects.filter(patient_id=item.patient_id, pk__in=self.items)
            .exclude(pk=item.pk)
            .order_by("-pk")
            .first()
        )
        if target is not None:
            lifecycle.item_merge(item=item, actor=self.people[1], into=target)

    def again(self, index: int, channel: str, actor: int) -> None:
        """The patient contacts us again about the same thing: it joins the item (reopening
        it within the practice's reopen window)."""
        item = self.item(index)
        if item is None or item.patient is None:
            return
        actor_user = self.people[actor]
        if actor_user is None and channel in (Channel.PHONE, Channel.IN_PERSON):
            channel = Channel.SMS
        told = self.later(2) if channel in (Channel.PHONE, Channel.IN_PERSON) else None
        filed = file_item(
            practice=self.practice, actor=actor_user,
            contact=Contact(
                channel=channel, summary="Still waiting on this", patient=item.patient,
                next_update_at=told, after_hours_reason=REASON,
            ),
            category=item.category, find_repeat=True, auto_acknowledge=actor_user is None,
        )  # fmt: skip
        if filed.created:
            self.items.append(filed.item.pk)

    def video(self, patient: int, hours: int, status: str) -> None:
        """A video visit is booked, and the patient writes that the link does not work."""
        now, n = timezone.now(), Appointment.objects.count()
        Appointment.objects.create(
            practice=self.practice, source="fhir", external_id=f"video-{n}",
            patient=self.patients[patient], match=Match.MATCHED,
            start=now + timedelta(hours=hours), status=status, mode=Mode.TELEHEALTH,
            kind="Video visit", fingerprint="x", imported_at=now, updated_at=now,
        )  # fmt: skip
        filed = file_item(
            practice=self.practice, actor=None,
            contact=Contact(
                channel=Channel.SMS, summary="My video link does not work",
                patient=self.patients[patient],
            ),
            category=Category.objects.get(practice=self.practice, code="telehealth_access"),
            auto_acknowledge=True,
        )  # fmt: skip
        if filed.created:
            self.items.append(filed.item.pk)

    def escalate(self, index: int, actor: int) -> None:
        if item := self.item(index):
            lifecycle.item_escalate(item=item, actor=self.staff(actor), reason="Needs a lead")

    def hand_off(self, index: int, to: int) -> None:
        item = self.item(index)
        if item is None:
            return
        by = item.created_by or self.people[1]
        team = Team.SUPERVISOR if self.people[to] is self.people[3] else item.team
        lifecycle.item_assign(item=item, actor=by, owner=self.staff(to), team=team)

    def categorize(self, index: int, code: str) -> None:
        if item := self.item(index):
            lifecycle.item_categorize(
                item=item, actor=self.people[1],
                category=Category.objects.get(practice=self.practice, code=code),
                urgency=item.urgency, language=item.language,
            )  # fmt: skip

    def unlink(self, index: int) -> None:
        if item := self.item(index):
            lifecycle.item_unlink_appointment(item=item, actor=self.people[1])

    def message(self, index: int, actor: int) -> None:
        if item := self.item(index):
            sent = messaging.message_send(
                item=item, actor=self.staff(actor), channel="sms", purpose="received",
                next_update_at=self.later(6), after_hours_reason=REASON,
            )  # fmt: skip
            self.messages.append(sent.pk)

    def undelivered(self, how: str) -> None:
        """The latest message that has not left (or any, for a failure) never reaches the
        patient; automatic replies included."""
        waiting = OutboundMessage.objects.filter(
            item_id__in=self.items, failure_recorded_at__isnull=True
        ).exclude(state__in=(MessageState.CANCELLED, MessageState.FAILED))
        message = waiting.order_by("-pk").first()
        if message is None:
            return
        if how == "cancelled":
            messaging.message_cancel(
                message_id=message.pk, code="consent_withdrawn", reason="Opted out"
            )
        else:
            OutboundMessage.objects.filter(pk=message.pk).update(
                state=MessageState.FAILED, last_error="undelivered"
            )
            messaging.record_failure(message.pk)

    def sweep(self) -> None:
        now = timezone.now()
        for kind in ("promise_due", "promise_escalation", "first_response", "before_appointment",
                     "handoff"):  # fmt: skip
            handle_deadlines(kind, now)


def _setting(practice: Practice, history: dict[str, Any], start: datetime, cast: Any) -> Practice:
    config.reset()
    Practice.objects.filter(pk=practice.pk).update(
        business_hours=HOURS[history["hours"]], closure_question=history["closure_question"]
    )
    if history["holiday"] is not None:
        day = start.date() + timedelta(days=history["holiday"])
        Holiday.objects.create(practice=practice, date=day, name="Closed")
    Category.objects.filter(practice=practice, code="complaint_review").update(
        default_team=history["complaints_to"]
    )
    for n, (who, hours, status, mode, asked, answered) in enumerate(history["visits"]):
        visit_start = start + timedelta(hours=hours)
        asked_at = visit_start - timedelta(hours=asked) if asked is not None else None
        Appointment.objects.create(
            practice=practice, source="fhir", external_id=f"ref-{n}",
            patient=cast["patients"][who], match=Match.MATCHED,
            start=visit_start, status=status, mode=mode, kind="Visit",
            fingerprint="x", imported_at=start, updated_at=start,
            confirmation_asked_at=asked_at,
            confirmed_at=asked_at + timedelta(hours=answered)
            if asked_at is not None and answered is not None else None,
        )  # fmt: skip
    return Practice.objects.get(pk=practice.pk)


def _scopes(monday: date, today: date) -> list[tuple[date, date]]:
    return [
        (monday, monday + timedelta(days=6)),  # the week of the change
        (monday + timedelta(days=7), monday + timedelta(days=13)),  # the week after
        (monday + timedelta(days=3), today),  # the whole history, to today
    ]


def _timeline() -> str:
    """The history, to read a difference by."""
    rows = TimelineEvent.objects.order_by("item_id", "version").values_list(
        "item_id", "at", "code", "actor_id", "changes"
    )
    return "\n".join(
        f"#{pk} {at.astimezone(CHICAGO):%a %d %b %H:%M %Z} {code} by {actor} "
        f"{ {k: v['new'] for k, v in changes.items()} }"
        for pk, at, code, actor, changes in rows
    )


def _compare(practice: Practice, first: date, last: date, context: str) -> None:
    scope = m.Scope.of([practice], first, last)
    ours = m.compute(scope)
    theirs = Reference(practice, first, last, timezone.now()).compute()
    for name, figure in theirs.items():
        got = ours[name]
        assert got == figure, f"{name} {first}..{last} ({context})\n{_timeline()}"


@given(history=HISTORY)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",
    # A failing history is printed whole; shrinking one (minutes per run) is asked for.
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("CLOSELOOP_REFERENCE_SHRINK") else []),
    # Each example writes its rows inside a savepoint it rolls back (below): the fixtures'
    # practice, people and patients are all it shares with the others.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_metric_equals_the_reference_on_random_histories(
    riverside: Practice, cast: Any, history: dict[str, Any]
) -> None:
    start, monday = HISTORIES[history["when"]]
    with transaction.atomic(), time_machine.travel(start, tick=False) as clock:
        practice = _setting(riverside, history, start, cast)
        play = Play(practice, cast)
        for minutes, operation in history["steps"]:
            clock.shift(timedelta(minutes=minutes))
            play.run(operation)
        clock.shift(timedelta(hours=2))
        codes = set(TimelineEvent.objects.values_list("code", flat=True))
        for code in sorted(SEEN & codes):
            event(f"history has {code}")  # --hypothesis-show-statistics
        for name, model in ROWS.items():
            if model.objects.exists():
                event(f"history has {name}")
        today = timezone.localdate(timezone=CHICAGO)
        for first, last in _scopes(monday, today):
            _compare(practice, first, last, history["when"])
        transaction.set_rollback(True)
    config.reset()


# --- what the random histories found, and the after-hours rule through intake -------------------


def test_confirming_receipt_of_a_resolved_item_is_refused_not_a_silent_reopening(
    clock, make_item, assistant
) -> None:
    """Found by the reference: "Confirm receipt" on a resolved item moved it back to
    acknowledged with no reopening on the timeline and its resolution time kept, so it was
    open and resolved at once (the open-items rebuild, the resolution times and the load all
    read it differently). Reopening is its own action."""
    item = make_item(channel=Channel.PHONE)
    item = lifecycle.item_acknowledge(
        item=item,
        actor=assistant,
        how=ReceiptHow.CALL,
        next_update_at=timezone.now() + timedelta(hours=1),
    )
    item = planned(item, assistant, after=timedelta(hours=1), checking="it", next_step="Call back")
    item = told(item, assistant)
    item = lifecycle.item_resolve(item=item, actor=assistant, outcome="Done")
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.item_acknowledge(
            item=item, actor=assistant, how=ReceiptHow.CALL,
            next_update_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
    assert refused.value.code == "item_not_open"
    item.refresh_from_db()
    assert item.status == "resolved" and item.resolved_at is not None


def test_an_after_hours_voicemail_filed_by_intake_is_answered_by_the_morning_call(
    clock, riverside, patient, assistant
) -> None:
    """The automatic "we got your message" to a voicemail left at 19:00 on a Friday is counted
    beside the first response, never as it; the first response is Monday's 08:45 call (45
    business minutes, 61 h 45 min on the clock) — by both implementations. (The same rule on
    a hand-made item: tests/test_metrics.py::
    test_an_after_hours_automatic_reply_does_not_count_as_the_first_response.)"""
    clock.move_to(datetime(2026, 11, 20, 19, 0, tzinfo=CHICAGO))
    item = file_item(
        practice=riverside, actor=None,
        contact=Contact(
            channel=Channel.VOICEMAIL, summary="Please call me about my appointment",
            patient=patient,
        ),
        category=Category.objects.get(practice=riverside, code="scheduling"),
        auto_acknowledge=True,
    ).item  # fmt: skip
    assert item.auto_replied_at is not None and item.first_response_at is None
    week = m.Scope.of([riverside], date(2026, 11, 16), date(2026, 11, 23))
    for figure in (
        m.first_response(week),
        Reference(riverside, week.start, week.end, timezone.now()).first_response(),
    ):
        assert (figure["count"], figure["unanswered"], figure["automatic_replies"]) == (0, 1, 1)
    clock.move_to(datetime(2026, 11, 23, 8, 45, tzinfo=CHICAGO))
    lifecycle.item_log_contact(
        item=item, actor=assistant, direction=Direction.OUTBOUND, channel=Channel.PHONE,
        outcome=ContactOutcome.REACHED, next_update_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    ours = m.first_response(week)
    theirs = Reference(riverside, week.start, week.end, timezone.now()).first_response()
    assert ours == theirs
    assert (ours["count"], ours["median"], ours["automatic_replies"]) == (1, 45, 1)
    assert ours["wall_clock"]["median"] == 61 * 60 + 45


def test_reopening_an_item_that_is_open_is_refused(clock, make_item, assistant) -> None:
    """Found by the reference: "Reopen" on a new item wrote a reopening (and moved it to
    acknowledged, as if someone had answered): the open-items rebuild counted it open twice and
    the repeat-contact figure counted a reopening that never was."""
    item = make_item()
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.item_reopen(item=item, actor=assistant, reason="The patient called again.")
    assert refused.value.code == "item_not_resolved"
    item.refresh_from_db()
    assert item.status == "new" and not item.events.filter(code="item.reopened").exists()


def test_an_item_merged_away_was_open_until_its_merge(
    clock, make_item, assistant, riverside
) -> None:
    """Found by the reference: the open-items rebuild counted only resolutions as closing, so
    an item closed by a merge (the one way an open item closes unresolved) vanished from every
    day before its merge."""
    first, second = make_item(), make_item()  # Tuesday 17 November
    clock.move_to(datetime(2026, 11, 18, 10, 0, tzinfo=CHICAGO))
    lifecycle.item_merge(item=second, actor=assistant, into=first)
    clock.move_to(datetime(2026, 11, 19, 10, 0, tzinfo=CHICAGO))
    days = m.open_per_day(m.Scope.of([riverside], date(2026, 11, 16), date(2026, 11, 19)))
    assert [d["open"] for d in days] == [0, 2, 1, 1]


def test_an_item_merged_reopened_and_merged_again_is_closed_by_its_second_merge(
    clock, make_item, assistant, riverside
) -> None:
    """Found by the reference (random histories, session 3): a reopened merged item kept
    ``merged_into``, so its second merge changed nothing there and its event did not say
    "merged into": the open count walked back from the end of the range counted it open for
    ever, and a reopened item's texts and status link were refused as a merged item's."""
    first, second = make_item(), make_item()  # Tuesday 17 November
    clock.move_to(datetime(2026, 11, 18, 10, 0, tzinfo=CHICAGO))
    lifecycle.item_merge(item=second, actor=assistant, into=first)
    clock.move_to(datetime(2026, 11, 18, 11, 0, tzinfo=CHICAGO))
    second.refresh_from_db()
    lifecycle.item_reopen(item=second, actor=assistant, reason="Not the same request after all.")
    second.refresh_from_db()
    assert second.merged_into_id is None
    clock.move_to(datetime(2026, 11, 19, 10, 0, tzinfo=CHICAGO))
    first.refresh_from_db()
    lifecycle.item_merge(item=second, actor=assistant, into=first)
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    clock.move_to(datetime(2026, 11, 20, 10, 0, tzinfo=CHICAGO))
    scope = m.Scope.of([riverside], date(2026, 11, 16), date(2026, 11, 19))
    days = m.open_per_day(scope)
    assert [d["open"] for d in days] == [0, 2, 2, 1]
    assert [d["open"] for d in days] == [
        d["open"]
        for d in Reference(riverside, scope.start, scope.end, timezone.now()).compute()[
            "open_per_day"
        ]
    ]


def test_a_duplicate_merged_away_does_not_keep_a_visit_at_risk(
    clock, make_item, assistant, patient, riverside
) -> None:
    """Found beside the reference: a message merged into the patient's other item is closed,
    but the risk rule read only resolutions, so the never-answered duplicate kept every later
    visit of the patient "at risk" for ever."""
    kept, duplicate = make_item(), make_item()  # two voicemails, Tuesday 10:00
    lifecycle.item_acknowledge(
        item=kept, actor=assistant, how=ReceiptHow.CALL,
        next_update_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    lifecycle.item_merge(item=duplicate, actor=assistant, into=kept)
    visit = timezone.now() + timedelta(hours=3)
    Appointment.objects.create(
        practice=riverside, source="fhir", external_id="merged", patient=patient,
        match=Match.MATCHED, start=visit, status=AppointmentStatus.BOOKED, kind="Visit",
        fingerprint="x", imported_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    clock.move_to(visit + timedelta(hours=1))
    day = timezone.localdate(timezone=CHICAGO)
    risk = m.missed_appointment_risk(m.Scope.of([riverside], day, day))
    assert (risk["appointments"], risk["at_risk"]) == (1, 0)
    assert Reference(riverside, day, day, timezone.now()).risk()["at_risk"] == 0


def test_a_complaint_a_supervisor_took_and_handed_back_still_needed_a_supervisor(
    clock, make_item, assistant, supervisor, riverside
) -> None:
    """Found beside the reference: "escalated" read the complaint's team as it is now, so a
    front-line complaint a supervisor took over and then handed back to the desk read as one
    the front line recovered alone."""
    Category.objects.filter(practice=riverside, code="complaint_review").update(
        default_team=Team.SUPPORT
    )
    item = make_item("complaint_review", channel=Channel.PHONE)
    assert item.intake_team == Team.SUPPORT
    item = lifecycle.item_assign(
        item=item, actor=supervisor, owner=supervisor, team=Team.SUPERVISOR
    )
    lifecycle.item_assign(item=item, actor=supervisor, owner=assistant, team=Team.SUPPORT)
    day = timezone.localdate(timezone=CHICAGO)
    week = m.Scope.of([riverside], day, day)
    expected = {"total": 1, "to_supervisors": 0, "front_line": 1, "escalated": 1, "share": 1.0}
    assert Reference(riverside, day, day, timezone.now()).complaints() == expected
    assert m.complaint_escalations(week) == expected


def test_a_no_to_the_closure_question_on_an_item_already_reopened_is_recorded(
    clock, make_item, assistant, riverside
) -> None:
    """ "No" reopens the item; when the patient had already called again (reopened), the answer
    is still recorded (reopening an open item is refused now)."""
    Practice.objects.filter(pk=riverside.pk).update(closure_question=True)
    item = make_item(channel=Channel.PHONE)
    item = planned(item, assistant, after=timedelta(hours=1), checking="it", next_step="Call back")
    item = told(item, assistant)
    item = lifecycle.item_resolve(
        item=item, actor=assistant, outcome="Done", patient_confirmed=True
    )
    check = closing_question.ask_after_resolution(item, actor=assistant)
    assert check is not None
    lifecycle.item_reopen(item=item, actor=assistant, reason="The patient called again.")
    closing_question.record_answer(check, "no", "Nobody called me back.", how="sms")
    check.refresh_from_db()
    assert check.answer == "no" and check.answered_at is not None
    day = timezone.localdate(timezone=CHICAGO)
    assert m.patient_confirmed(m.Scope.of([riverside], day, day))["no"] == 1
