"""The demo organization: two practices, six staff logins, synthetic patients and history.

Every item is produced through the lifecycle services with the clock moved back to when each
step happened, so timelines, first-response times and broken promises are real. It is written
as history (``core.history``): its texts, emails and alerts are recorded, never sent — the
worker running beside the demo must not send weeks-old messages today. Data is synthetic
(Faker) and phone numbers use the 555-01XX range reserved for fiction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from closeloop.core.history import writing_history
from closeloop.demo.appointments import link_fixed_telehealth_items, seed_appointments
from closeloop.demo.content import checking, kind_of, next_step, outcome, summaries
from closeloop.demo.outreach import seed_outreach
from closeloop.demo.patient_files import card_photo, missed_calls
from closeloop.demo.playbook import create_playbooks
from closeloop.lib.business_hours import BusinessCalendar
from closeloop.messaging import closing_question
from closeloop.messaging.after_resolution import follow_resolution
from closeloop.messaging.services import message_send
from closeloop.patients.models import Patient
from closeloop.patients.services import patient_create
from closeloop.practices import config
from closeloop.practices.choices import Role, Skill, Team
from closeloop.practices.models import (
    Category,
    Holiday,
    OnCallShift,
    Organization,
    Practice,
    StaffProfile,
)
from closeloop.practices.services import practice_create, staff_create
from closeloop.practices.tenancy import request_scope
from closeloop.support_queue import eligibility, lifecycle
from closeloop.support_queue.deadlines import item_claim_deadline
from closeloop.support_queue.models import (
    Channel,
    ContactOutcome,
    Direction,
    ReceiptHow,
    StaffAlert,
    Status,
    SupportItem,
    WaitingOn,
)
from closeloop.triage.routing import handback_team

DEMO_PASSWORD = "closeloop-demo"  # noqa: S105  (published on purpose: demo data only)
ORG_SLUG = "demo"

# Channels through which each category usually arrives, most common first.
CHANNELS: dict[str, list[str]] = {
    "scheduling": [Channel.PHONE, Channel.VOICEMAIL, Channel.PORTAL, Channel.SMS, Channel.WEB_FORM],
    "new_patient_intake": [Channel.WEB_FORM, Channel.PHONE, Channel.EMAIL, Channel.PORTAL],
    "insurance_info": [Channel.PHONE, Channel.PORTAL, Channel.EMAIL, Channel.IN_PERSON],
    "referral_document_status": [
        Channel.PHONE,
        Channel.VOICEMAIL,
        Channel.PORTAL,
        Channel.INTERNAL,
    ],
    "telehealth_access": [Channel.PHONE, Channel.SMS, Channel.EMAIL],
    "clinical_message": [Channel.PORTAL, Channel.VOICEMAIL, Channel.PHONE],
    "complaint_review": [Channel.PHONE, Channel.EMAIL, Channel.IN_PERSON, Channel.WEB_FORM],
    "language_access": [Channel.PHONE, Channel.IN_PERSON, Channel.VOICEMAIL],
    "billing": [Channel.PHONE, Channel.PORTAL, Channel.EMAIL],
}
CATEGORY_WEIGHTS: dict[str, int] = {
    "scheduling": 28,
    "new_patient_intake": 9,
    "insurance_info": 10,
    "referral_document_status": 14,
    "telehealth_access": 8,
    "clinical_message": 13,
    "complaint_review": 4,
    "language_access": 5,
    "billing": 9,
}
#: Channels where someone at the practice talks to the patient as they get in touch.
LIVE = (Channel.PHONE, Channel.IN_PERSON)
US_HOLIDAYS = [
    (date(2026, 9, 7), "Labor Day"),
    (date(2026, 11, 26), "Thanksgiving"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2027, 1, 1), "New Year's Day"),
    (date(2027, 1, 18), "Martin Luther King Jr. Day"),
    (date(2027, 5, 31), "Memorial Day"),
    (date(2027, 7, 5), "Independence Day (observed)"),
]
AREA_CODES = {"riverside": ["312", "773", "630", "847", "708"], "lakeside": ["212", "646", "718"]}


_CALLER_NAMES = Faker("en_US")
_CALLER_NAMES.seed_instance(7)


@dataclass
class DemoWorld:
    organization: Organization
    practices: list[Practice]
    staff: dict[str, Any]


def demo_exists() -> bool:
    return Organization.objects.filter(slug=ORG_SLUG).exists()


def create_world() -> DemoWorld:
    with transaction.atomic():
        # Two-factor sign-in off so a newcomer gets straight in; the login page says so.
        org = Organization.objects.create(
            name="Demo Support Co.", slug=ORG_SLUG, is_demo=True, require_mfa=False
        )
        riverside = practice_create(
            organization=org,
            name="Riverside Family Medicine",
            slug="riverside",
            timezone="America/Chicago",
            business_hours={d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
            phone="+13125550100",
            review_link="https://example.com/review/riverside",
        )
        lakeside = practice_create(
            organization=org,
            name="Lakeside Dental",
            slug="lakeside",
            timezone="America/New_York",
            business_hours={
                **{
                    d: [["08:00", "12:00"], ["13:00", "17:00"]]
                    for d in ("mon", "tue", "wed", "thu")
                },
                "fri": [["08:00", "14:00"]],
            },
            phone="+12125550100",
            review_link="https://example.com/review/lakeside",
        )
        # Both ask for a review after a resolution the patient confirmed.
        # …and show patients their request's status, and ask after a confirmed resolution.
        Practice.objects.filter(pk__in=[riverside.pk, lakeside.pk]).update(
            auto_review_requests=True, status_links=True, closure_question=True
        )
        for practice in (riverside, lakeside):
            practice.auto_review_requests = practice.status_links = True
            practice.closure_question = True
        for practice in (riverside, lakeside):
            Holiday.objects.bulk_create(
                Holiday(practice=practice, date=day, name=name) for day, name in US_HOLIDAYS
            )
            config.changed(practice.pk)
        both = [riverside, lakeside]
        people = [
            (
                "admin",
                "Alex",
                "Admin",
                [Role.ORG_ADMIN, Role.PRACTICE_ADMIN, Role.SUPERVISOR],
                [],
                ["en"],
                both,
            ),
            (
                "supervisor",
                "Sam",
                "Supervisor",
                [Role.SUPERVISOR],
                [Skill.COMPLAINTS],
                ["en"],
                both,
            ),
            (
                "frontdesk",
                "Fran",
                "Desk",
                [Role.FRONT_DESK, Role.SUPPORT],
                [Skill.SCHEDULING, Skill.INSURANCE],
                ["en"],
                [riverside],
            ),
            (
                "maria",
                "María",
                "García",
                [Role.SUPPORT],
                [
                    Skill.SCHEDULING,
                    Skill.INTAKE,
                    Skill.INSURANCE,
                    Skill.REFERRALS,
                    Skill.TELEHEALTH,
                ],
                ["en", "es"],
                both,
            ),
            ("nurse", "Nora", "Nurse", [Role.CLINICAL], [Skill.TRIAGE], ["en"], both),
            ("drreyes", "Omar", "Reyes", [Role.CLINICAL], [Skill.TRIAGE], ["en", "es"], both),
            (
                "billing",
                "Bill",
                "Ing",
                [Role.SUPPORT],
                [Skill.BILLING, Skill.INSURANCE],
                ["en"],
                [lakeside],
            ),
        ]
        staff = {
            username: staff_create(
                organization=org,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                roles=roles,
                skills=skills,
                languages=languages,
                practices=served,
            )
            for username, first, last, roles, skills, languages, served in people
        }
        # Fictional (555-01xx) mobiles for on-call pages.
        for username, mobile in (("nurse", "+13125550181"), ("drreyes", "+13125550182")):
            StaffProfile.objects.filter(user=staff[username]).update(mobile=mobile)
    return DemoWorld(organization=org, practices=both, staff=staff)


def create_on_call_rota(world: DemoWorld, start: datetime, end: datetime) -> int:
    """Nights, weekends and holidays covered: each closing to the next opening, the nurse and
    Dr. Reyes taking alternate weeks."""
    clinicians = [world.staff["nurse"], world.staff["drreyes"]]
    shifts = []
    for practice in world.practices:
        calendar = practice.calendar()
        closing = calendar.next_opening(start)
        while closing < end:
            intervals = calendar.day_intervals(closing.astimezone(calendar.tz).date())
            closing = intervals[-1][1] if intervals else closing
            opening = calendar.next_opening(closing)
            week = closing.isocalendar().week
            shifts.append(
                OnCallShift(
                    practice=practice,
                    clinician=clinicians[week % 2],
                    starts_at=closing,
                    ends_at=opening,
                )
            )
            closing = opening
    OnCallShift.objects.bulk_create(shifts)
    return len(shifts)


def _phone(rng: random.Random, practice: Practice, used: set[str]) -> str:
    while True:
        number = f"+1{rng.choice(AREA_CODES[practice.slug])}5550{rng.randint(100, 199)}"
        if number not in used:
            used.add(number)
            return number


def create_patients(world: DemoWorld, count: int, rng: random.Random) -> list[Patient]:
    fakers = {"en": Faker("en_US"), "es": Faker("es_MX")}
    for fake in fakers.values():
        fake.seed_instance(rng.randint(0, 2**31))
    used: set[str] = set()
    patients = []
    with transaction.atomic():
        for n in range(count):
            practice = world.practices[n % len(world.practices)]
            language = "es" if rng.random() < 0.3 else "en"
            fake = fakers[language]
            patients.append(
                patient_create(
                    practice=practice,
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                    date_of_birth=fake.date_of_birth(minimum_age=1, maximum_age=92),
                    phone=_phone(rng, practice, used) if len(used) < 700 else "",
                    email=fake.email(),
                    preferred_language=language if rng.random() < 0.85 else "en",
                    mrn=f"{practice.slug[:2].upper()}{100000 + n}",
                )
            )
    return patients


class _Timeline:
    """Moves the clock through an item's history; stops at the present."""

    def __init__(
        self, start: datetime, now: datetime, calendar: BusinessCalendar, rng: random.Random
    ):
        self.at = start
        self.now = now
        self.calendar = calendar
        self.rng = rng

    def after(self, low_minutes: int, high_minutes: int) -> bool:
        """Advance by business minutes; False when that step would be in the future."""
        minutes = self.rng.randint(low_minutes, high_minutes)
        self.at = self.calendar.add(self.at, timedelta(minutes=minutes))
        return self.at < self.now

    def run(self, step: Callable[[], SupportItem]) -> SupportItem:
        with time_machine.travel(self.at, tick=False):
            return step()


def _preferred_owners(
    world: DemoWorld, category: Category, practice: Practice, language: str, rng: random.Random
) -> list[Any]:
    staff = world.staff
    if category.default_team == Team.CLINICAL:
        return [staff["nurse"]]
    if category.default_team == Team.SUPERVISOR:
        return [staff["supervisor"]]
    if language == "es" or category.code == "language_access":
        return [staff["maria"]]
    if category.code == "billing" and practice.slug == "lakeside":
        return [staff["billing"]]
    choices = (
        [staff["maria"], staff["frontdesk"]]
        if practice.slug == "riverside"
        else [staff["maria"], staff["billing"]]
    )
    rng.shuffle(choices)
    return choices


def _owner_for(
    world: DemoWorld, item: SupportItem, rng: random.Random, moments: Sequence[datetime] = ()
) -> Any:
    """Who takes the item: the colleague who usually does this work, unless the one rule
    of every door (``support_queue.eligibility``: cap, team, practice, away) refuses them at
    one of ``moments`` (their load and absence then; none given: now); then the first
    colleague it accepts (an interpreter where they do not speak the language), so nobody is
    over their cap while a colleague could take the item. None: everyone who could is at
    their cap, and the item waits in the team's queue for a while."""
    preferred = _preferred_owners(world, item.category, item.practice, item.language, rng)
    team = handback_team(item)

    def accepted(person: Any) -> bool:
        for moment in moments:
            with time_machine.travel(moment, tick=False):
                if eligibility.receiver_refusal(person, item, team=team) is not None:
                    return False
        return bool(moments) or eligibility.receiver_refusal(person, item, team=team) is None

    return next((p for p in [*preferred, *world.staff.values()] if accepted(p)), None)


def _contact_time(
    rng: random.Random, now: datetime, days: tuple[float, float], tz: Any
) -> datetime:
    """A plausible first-contact moment ``days`` (newest, oldest) ago: mostly office hours,
    some evenings (voicemail)."""
    day = (now - timedelta(days=rng.uniform(*days))).astimezone(tz)
    if day.weekday() >= 5 and rng.random() < 0.8:
        day -= timedelta(days=day.weekday() - 4)
    hour = rng.choice([7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 13, 14, 14, 15, 15, 16, 16, 18, 20])
    moment = day.replace(hour=hour, minute=rng.randint(0, 59), second=0, microsecond=0)
    return min(moment, now - timedelta(minutes=rng.randint(1, 90)))


def _text_closure(item: SupportItem, owner: Any) -> SupportItem:
    """The loop closed by text: the closure template states the next step staff recorded
    (recorded as history, like every message of the demo's past)."""
    message_send(item=item, actor=owner, channel="sms", purpose="closure")
    item.refresh_from_db()
    return item


def _call(item: SupportItem, who: Any, **kw: Any) -> SupportItem:
    return lifecycle.item_log_contact(
        item=item, actor=who, direction=Direction.OUTBOUND, channel=Channel.PHONE, **kw
    )


class _History:
    """One item walked through the lifecycle as far as its age allows, each step at the time
    it happened (the clock stops at the present: the rest of the story has not happened)."""

    def __init__(self, world: DemoWorld, item: SupportItem, clock: _Timeline, rng: random.Random):
        self.world, self.item, self.clock, self.rng = world, item, clock, rng
        self.calendar = clock.calendar
        self.interval = item.category.update_interval
        #: Today's stories, written after the history: who takes the item is judged at the
        #: handover and also now (the load as it stands), else a later item of the history
        #: still open would leave its owner over their cap.
        self.judged_at: datetime | None = None

    def step(self, low: int, high: int, action: Callable[[], SupportItem]) -> bool:
        if not self.clock.after(low, high):
            return False
        self.item = self.clock.run(action)
        return True

    def take(self, low: int, high: int, actor: Any = None, *, routed: bool = False) -> Any:
        """The item gets its owner ``low``-``high`` business minutes from now: whoever the one
        rule lets take it at that moment (``_owner_for``), routed to them on arrival
        (``routed``), handed over by ``actor`` (a handoff the owner accepts) or taken by the
        owner. Everyone who could take it at their cap: it
        waits in the team's queue and someone takes it once they have room. None when the
        story reaches the present first (the item is still in the queue)."""
        if not self.clock.after(low, high):
            return None
        for _ in range(12):
            # Judged at the handover (the load ``item_assign`` counts then) and, for today's
            # stories, as the load stands now (written after the history, so its later items
            # still open count too).
            moments = [self.clock.at, *([self.judged_at] if self.judged_at else [])]
            owner = _owner_for(self.world, self.item, self.rng, moments)
            if owner is not None:
                return self._hand_to(owner, actor, routed=routed)
            if not self.clock.after(30, 120):
                return None
        return None

    def _hand_to(self, owner: Any, actor: Any, *, routed: bool) -> Any:
        team = handback_team(self.item)
        if routed:
            self.item = self.clock.run(lambda: lifecycle.item_assign(
                item=self.item, actor=None, owner=owner, team=team, reason="Routed on arrival."
            ))  # fmt: skip
            return owner
        if actor is None or actor == owner:
            self.item = self.clock.run(lambda: lifecycle.item_assign(
                item=self.item, actor=owner, owner=owner, team=team
            ))  # fmt: skip
            return owner
        self.item = self.clock.run(lambda: lifecycle.item_assign(
            item=self.item, actor=actor, owner=owner, team=team,
            reason="Handed to the right colleague with the patient's question.",
        ))  # fmt: skip
        if not self.step(5, 50, lambda: lifecycle.item_accept(item=self.item, actor=owner)):
            return None
        return owner

    def plan(self, owner: Any) -> bool:
        """The owner records what they are checking, the next step and when the patient hears
        next (what working an item needs)."""
        item = self.item
        kind, code, language = kind_of(item.practice), item.category.code, item.language
        return self.step(0, 10, lambda: lifecycle.item_set_update_window(
            item=self.item, actor=owner, checking=checking(kind, code, language),
            next_step=next_step(kind, code, language), update_at=self.promise(),
        ))  # fmt: skip

    def promise(self, multiple: float = 1.0) -> datetime:
        """The update time a person would promise now: the category's interval, in business
        time from this moment (what the page suggests)."""
        return self.calendar.suggest_update_time(self.clock.at, self.interval * multiple)

    def sweep_until(self, moment: datetime) -> None:
        """What the worker's sweep recorded before ``moment``: a promise that passed."""
        item = self.item
        if item.promised_update_at and item.promised_update_at < moment:
            passed = item.promised_update_at + timedelta(minutes=1)
            with time_machine.travel(passed, tick=False):
                item_claim_deadline(item_id=item.pk, kind="promise_due", now=passed)
            item.refresh_from_db()


@dataclass(frozen=True)
class DrawnContact:
    """What one item of the history starts from: who got in touch, when, how, about what."""

    at: datetime
    practice: Practice
    category: Category
    channel: str
    language: str
    summary: str
    patient: Patient | None


def draw_contacts(
    world: DemoWorld,
    patients: list[Patient],
    rng: random.Random,
    *,
    count: int,
    now: datetime,
    days: tuple[float, float],
) -> list[DrawnContact]:
    """``count`` contacts ``days`` (newest, oldest) ago, in the order they happened: the
    stories are written in that order, so the one rule judges each owner by the load they
    really had at that moment (the items that came before, open or resolved since)."""
    categories = {
        (c.practice_id, c.code): c for c in Category.objects.filter(practice__in=world.practices)
    }
    contacts = []
    for _ in range(count):
        patient = rng.choice(patients) if rng.random() < 0.93 else None
        practice = patient.practice if patient else rng.choice(world.practices)
        code = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        language = patient.preferred_language if patient else ("es" if rng.random() < 0.2 else "en")
        wording = summaries(kind_of(practice), code)
        calendar = practice.calendar()
        at = _contact_time(rng, now, days, calendar.tz)
        channel = rng.choice(CHANNELS[code])
        if channel in LIVE and not calendar.within_hours(at):
            channel = Channel.VOICEMAIL  # nobody answers when the practice is closed
        contacts.append(
            DrawnContact(
                at=at,
                practice=practice,
                category=categories[(practice.pk, code)],
                channel=channel,
                language=language,
                summary=rng.choice(wording[language if language in wording else "en"]),
                patient=patient,
            )
        )
    contacts.sort(key=lambda c: c.at)
    return contacts


def create_item_history(
    world: DemoWorld, contact: DrawnContact, rng: random.Random, *, now: datetime
) -> SupportItem:
    """One item: received, acknowledged (on the call, or later with a promise), owned (taken,
    or handed off and accepted), planned, worked with renewed promises, attempts that did not
    reach the patient, repeat calls and now and then a promise broken and recovered, then
    closed with the next step given — and now and then reopened when the patient called back
    about the same thing. The clock stops at the present: the rest has not happened yet."""
    staff = world.staff
    patient, practice, code = contact.patient, contact.practice, contact.category.code
    calendar = practice.calendar()
    clock = _Timeline(contact.at, now, calendar, rng)
    live = contact.channel in LIVE
    logger = (
        staff["frontdesk"]
        if practice.slug == "riverside" and rng.random() < 0.5
        else staff["maria"]
    )
    item = clock.run(
        lambda: lifecycle.item_create(
            practice=practice,
            category=contact.category,
            channel=contact.channel,
            actor=logger if live else None,
            summary=contact.summary,
            patient=patient,
            caller_name="" if patient else _CALLER_NAMES.name(),
            callback_number="" if patient else _phone(rng, practice, set()),
            language=contact.language,
            contact_at=clock.at,
        )
    )
    story = _History(world, item, clock, rng)
    if live:
        # On a live call the person who answered confirms receipt at once and says when the
        # patient hears back, then takes it or hands it to the colleague who owns this work.
        if not story.step(0, 2, lambda: lifecycle.item_acknowledge(
            item=story.item, actor=logger, how=ReceiptHow.CALL, next_update_at=story.promise()
        )):  # fmt: skip
            return story.item
        owner = story.take(0, 5, actor=logger if rng.random() < 0.6 else None)
        if owner is None:
            return story.item
    else:
        # Messages and voicemails are routed as they arrive and wait for their owner.
        owner = story.take(0, 0, routed=True)
        if owner is None:
            return story.item
        how = rng.choice([ReceiptHow.CALL, ReceiptHow.TEXT])
        if not story.step(5, 150, lambda: lifecycle.item_acknowledge(
            item=story.item, actor=owner, how=how, next_update_at=story.promise()
        )):  # fmt: skip
            return story.item
    if rng.random() < 0.02 and not story.step(0, 5, lambda: lifecycle.item_escalate(
        item=story.item, actor=owner, reason="Patient asked for a supervisor"
    )):  # fmt: skip
        return story.item
    if not story.plan(owner):
        return story.item
    waits = code == "referral_document_status" or rng.random() < 0.06
    if waits:
        on = (
            WaitingOn.OTHER_OFFICE
            if code == "referral_document_status"
            else rng.choice(WaitingOn.values)
        )
        work = lambda: lifecycle.item_wait(item=story.item, actor=owner, waiting_on=on)  # noqa: E731
    else:
        work = lambda: lifecycle.item_start(item=story.item, actor=owner)  # noqa: E731
    if not story.step(0, 5, work):
        return story.item
    if not _follow_up(story, owner, now, patient):
        return story.item
    return _close_loop(story, owner, code, patient)


def _follow_up(story: _History, owner: Any, now: datetime, patient: Patient | None) -> bool:
    """The middle of the story: pending updates that renew the promise (a referral waits on
    another office for weeks), calls that do not reach the patient, a repeat call, and now and
    then a promise that passes with nobody calling. False when the story reaches the present."""
    rng, interval = story.rng, int(story.interval.total_seconds() // 60)
    # A competent team keeps nearly every promise; the few it breaks it recovers (the owner
    # calls, apologises and gives the next step).
    broken = rng.random() < 0.03
    renewals = rng.randint(1, 2) if story.item.status == Status.WAITING else int(rng.random() < 0.1)
    for _ in range(renewals):
        if not story.step(max(20, interval // 2), max(30, interval - 10), lambda: _call(
            story.item, owner, outcome=ContactOutcome.REACHED,
            note="Still waiting; told the patient when we call next.",
            next_update_at=story.promise(),
        )):  # fmt: skip
            return False
    if rng.random() < 0.12:
        for _ in range(rng.randint(1, 3)):
            if not story.step(10, 90, lambda: lifecycle.item_log_attempt(
                item=story.item, actor=owner, channel=Channel.PHONE,
                outcome=rng.choice([ContactOutcome.NO_ANSWER, ContactOutcome.VOICEMAIL_NO_DETAILS]),
            )):  # fmt: skip
                return False
    if rng.random() < 0.07 and not story.step(30, max(60, interval - 20), lambda: (
        lifecycle.item_record_repeat_contact(
            item=story.item, actor=story.world.staff["maria"], channel=Channel.PHONE,
            text="Called again for news.",
        )
    )):  # fmt: skip
        return False
    low, high = (interval + 30, interval + 600) if broken else (20, max(30, interval - 10))
    if not story.clock.after(low, high):
        return False
    if broken:
        story.sweep_until(story.clock.at)
    return True


def _close_loop(story: _History, owner: Any, code: str, patient: Patient | None) -> SupportItem:
    """The patient gets the next step (by phone, or the closure text), then it is resolved —
    a complaint with the supervisor's callback and recovery action — and later closed or,
    now and then, reopened by the patient calling back about the same thing."""
    rng = story.rng
    if patient is not None and patient.phone and rng.random() < 0.3 and code != "complaint_review":
        story.item = story.clock.run(lambda: _text_closure(story.item, owner))
    else:
        story.item = story.clock.run(lambda: _call(
            story.item, owner, outcome=ContactOutcome.REACHED, gave_next_step=True,
            note="Explained the next step; patient agreed.", resolving=True,
        ))  # fmt: skip
    recovery = "Apologised, explained what went wrong, rebooked at a time that suits them."
    if not story.step(1, 20, lambda: lifecycle.item_resolve(
        item=story.item, actor=owner, outcome=outcome(code, story.item.language),
        patient_confirmed=rng.random() < 0.5,
        recovery_action=recovery if code == "complaint_review" else "",
    )):  # fmt: skip
        return story.item
    # Practices ask for a review after a resolution the patient confirmed (the guardrails
    # decide each one: some are sent, some withheld).
    with time_machine.travel(story.clock.at, tick=False):
        check = follow_resolution(story.item, actor=owner).question
    if check is not None and story.clock.after(30, 600):
        # Most patients answer; a few say it was not resolved (the item reopens for its owner).
        answer = rng.choices(["yes", "no", ""], weights=[75, 7, 18])[0]
        if answer:
            with time_machine.travel(story.clock.at, tick=False):
                closing_question.record_answer(
                    check, answer, "" if answer == "yes" else "Nobody called me back.", how="text"
                )
            story.item.refresh_from_db()
            if answer == "no" and not _resolve_again(story, owner, code, "Called back; sorted it."):
                return story.item
    if rng.random() < 0.04:
        # The patient calls back about the same thing: the loop was not closed after all.
        if not story.step(120, 2400, lambda: lifecycle.item_reopen(
            item=story.item, actor=story.world.staff["maria"],
            reason="The patient called again about the same request.",
        )):  # fmt: skip
            return story.item
        if not _resolve_again(story, owner, code, "Sorted it out on the phone."):
            return story.item
    if rng.random() < 0.6:
        story.step(60, 960, lambda: lifecycle.item_close(item=story.item, actor=owner))
    return story.item


def _resolve_again(story: _History, owner: Any, code: str, note: str) -> bool:
    """A reopened item recovered: its owner calls the patient, gives the next step and
    resolves it again. False when the story reaches the present first."""
    recovery = "Apologised, explained what went wrong, rebooked at a time that suits them."
    if not story.step(10, 120, lambda: _call(
        story.item, owner, outcome=ContactOutcome.REACHED, gave_next_step=True, note=note,
        resolving=True,
    )):  # fmt: skip
        return False
    return story.step(1, 10, lambda: lifecycle.item_resolve(
        item=story.item, actor=owner, outcome=outcome(code, story.item.language),
        recovery_action=recovery if code == "complaint_review" else "",
    ))  # fmt: skip


# Today: the realistic friction of a working day, on top of the history. Each story is one
# function (world, now, rng) that writes its item through the lifecycle as it happened; add a
# story to ``TODAY`` in one line.


def _business_before(calendar: BusinessCalendar, moment: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` of business time before ``moment``."""
    wanted = timedelta(minutes=minutes)
    start = moment - wanted
    while calendar.between(start, moment) < wanted:
        start -= timedelta(minutes=30)
    return calendar.next_opening(start)


def _last_open(practice: Practice, now: datetime) -> datetime:
    """The latest moment the practice was open, up to 20 minutes ago (now, in office hours)."""
    calendar = practice.calendar()
    moment = calendar.last_open_moment(now - timedelta(days=10), now - timedelta(minutes=20))
    return moment if moment is not None else now - timedelta(minutes=20)


def _today_item(
    world: DemoWorld,
    *,
    practice: Practice,
    code: str,
    channel: str,
    summary: str,
    at: datetime,
    now: datetime,
    rng: random.Random,
    patient: Patient | None = None,
    logger: Any = None,
) -> _History:
    """Today's story begins: the contact arrives at ``at`` (logged by ``logger`` on a call)."""
    patient = patient or rng.choice(list(Patient.objects.filter(practice=practice, phone__gt="")))
    category = Category.objects.get(practice=practice, code=code)
    clock = _Timeline(at, now, practice.calendar(), rng)
    item = clock.run(lambda: lifecycle.item_create(
        practice=practice, category=category, channel=channel, actor=logger, summary=summary,
        patient=patient, language=patient.preferred_language, contact_at=at,
    ))  # fmt: skip
    story = _History(world, item, clock, rng)
    story.judged_at = now
    return story


def voicemail_waiting(world: DemoWorld, now: datetime, rng: random.Random) -> SupportItem:
    """A voicemail left half an hour ago: in its owner's queue, the callback not made yet."""
    practice = world.practices[0]
    story = _today_item(
        world, practice=practice, code="scheduling", channel=Channel.VOICEMAIL, now=now, rng=rng,
        summary="Voicemail: needs to move Thursday's appointment, asks for a call back.",
        at=now - timedelta(minutes=30),
    )  # fmt: skip
    story.take(0, 0, routed=True)
    return story.item


def referral_pending(world: DemoWorld, now: datetime, rng: random.Random) -> SupportItem:
    """A referral waiting on the specialist's office for two days: the patient was called
    with news each time, and the next call is promised."""
    practice = world.practices[0]
    calendar = practice.calendar()
    last = _last_open(practice, now)
    story = _today_item(
        world, practice=practice, code="referral_document_status", channel=Channel.PHONE,
        now=now, rng=rng, logger=world.staff["frontdesk"], at=_business_before(calendar, last, 960),
        summary="Asks whether the cardiology referral was received by the specialist.",
    )  # fmt: skip
    story.step(0, 2, lambda: lifecycle.item_acknowledge(
        item=story.item, actor=world.staff["frontdesk"], how=ReceiptHow.CALL,
        next_update_at=story.promise(),
    ))  # fmt: skip
    owner = story.take(0, 10, actor=world.staff["frontdesk"])
    if owner is None or not story.plan(owner):
        return story.item
    story.step(0, 10, lambda: lifecycle.item_wait(
        item=story.item, actor=owner, waiting_on=WaitingOn.OTHER_OFFICE
    ))  # fmt: skip
    story.clock.at = _business_before(calendar, last, 30)
    story.item = story.clock.run(lambda: _call(
        story.item, owner, outcome=ContactOutcome.REACHED, next_update_at=story.promise(),
        note="Cardiology has not sent the report yet; they promised it by tomorrow.",
    ))  # fmt: skip
    return story.item


def telehealth_link_failing(world: DemoWorld, now: datetime, rng: random.Random) -> SupportItem:
    """A patient with a video visit in the coming days cannot open the link (the appointments
    import books the visit and links the item to it, so it must be fixed before the visit)."""
    practice = world.practices[1]
    last = _last_open(practice, now)
    story = _today_item(
        world, practice=practice, code="telehealth_access", channel=Channel.EMAIL, now=now,
        rng=rng, at=_business_before(practice.calendar(), last, 45),
        summary="The video visit link says 'meeting not found' on my phone.",
    )  # fmt: skip
    owner = story.take(0, 0, routed=True)
    if owner is None:
        return story.item
    story.step(5, 15, lambda: lifecycle.item_acknowledge(
        item=story.item, actor=owner, how=ReceiptHow.CALL, next_update_at=story.promise(),
    ))  # fmt: skip
    story.plan(owner)
    story.step(0, 5, lambda: lifecycle.item_start(item=story.item, actor=owner))
    return story.item


def hold_time_complaint(world: DemoWorld, now: datetime, rng: random.Random) -> SupportItem:
    """A patient complains of a long wait on hold: the supervisor owns it and has promised a
    call back."""
    practice = world.practices[0]
    last = _last_open(practice, now)
    frontdesk = world.staff["frontdesk"]
    story = _today_item(
        world, practice=practice, code="complaint_review", channel=Channel.PHONE, now=now,
        rng=rng, logger=frontdesk, at=_business_before(practice.calendar(), last, 150),
        summary="Was on hold 25 minutes this morning before the call dropped; unhappy.",
    )  # fmt: skip
    story.step(0, 2, lambda: lifecycle.item_acknowledge(
        item=story.item, actor=frontdesk, how=ReceiptHow.CALL, next_update_at=story.promise(),
    ))  # fmt: skip
    owner = story.take(0, 10, actor=frontdesk)
    if owner is not None:
        story.plan(owner)
    return story.item


#: Today's friction, each one line: (world, now, rng) → the item it wrote.
TODAY: list[Callable[[DemoWorld, datetime, random.Random], SupportItem]] = [
    voicemail_waiting,
    referral_pending,
    telehealth_link_failing,
    hold_time_complaint,
]


#: The part of the history written before the demo serves its first page: every contact of
#: the last week, so the queue, the alerts and the promises falling due are complete at once.
RECENT_DAYS = 7


@dataclass
class HistoryPlan:
    """The older weeks of the history, written after the first page is served (they feed the
    metrics and the weekly review; nearly all of their items are long closed)."""

    items: int
    weeks: int
    now: datetime
    seed_value: int
    #: Older items already written (the demo records it after each committed batch, so a run
    #: stopped half way goes on from there).
    written: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "weeks": self.weeks,
            "now": self.now.isoformat(),
            "seed_value": self.seed_value,
            "written": self.written,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryPlan:
        return cls(
            items=int(data["items"]),
            weeks=int(data["weeks"]),
            now=datetime.fromisoformat(data["now"]),
            seed_value=int(data["seed_value"]),
            written=int(data.get("written", 0)),
        )


def _timed(phase: Callable[[str, float], None] | None, name: str) -> Any:
    @contextmanager
    def timer() -> Iterator[None]:
        started = time.perf_counter()
        yield
        if phase:
            phase(name, time.perf_counter() - started)

    return timer()


def _write_history(
    world: DemoWorld,
    contacts: list[DrawnContact],
    *,
    seed_value: str,
    now: datetime,
    progress: Callable[[int], None] | None,
    batch: int,
    start: int = 0,
) -> None:
    """The stories of ``contacts`` (in the order they happened) from ``start`` on, each with
    its own random stream (a stopped run goes on with the same stories)."""
    # The staff's practices do not change while the history is written: each person's tenant
    # filter is read once, as within one web request. History is recorded, never sent.
    with request_scope(), writing_history():
        for first in range(start, len(contacts), batch):
            last = min(first + batch, len(contacts))
            with transaction.atomic():
                for index in range(first, last):
                    rng = random.Random(f"{seed_value}:{index}")
                    item = create_item_history(world, contacts[index], rng, now=now)
                    read_old_alerts(now, item=item)
            if progress:
                progress(last - first)


def balance_loads(world: DemoWorld) -> int:
    """What a supervisor does at the start of the day: nobody holds more open items than their
    cap while a colleague the one rule accepts is under theirs. An item still open from the
    older weeks (written after this week's, so this week's choices did not count it) goes to
    such a colleague, its newest items first. Returns how many moved."""
    moved = 0
    with request_scope():
        held = (
            SupportItem.objects.open()
            .exclude(owner=None)
            .filter(red_flag=False)
            .select_related("owner__staff", "practice", "category")
            .order_by("-first_contact_at")
        )
        for item in held:
            refused = eligibility.receiver_refusal(item.owner, item)
            if refused is None or refused.code != "over_cap":
                continue
            receiver = _owner_for(world, item, random.Random(item.pk))
            if receiver is None:
                continue
            lifecycle.item_assign(
                item=item, actor=None, owner=receiver, team=handback_team(item),
                reason=f"Balancing the team's load: {refused.message}",
            )  # fmt: skip
            moved += 1
    return moved


def read_old_alerts(now: datetime, *, item: SupportItem | None = None) -> int:
    """A team that works its queue reads its alerts: those older than a day (about ``item``,
    as each story is written: the badge never climbs with weeks-old rows) were read within
    the hour they came. The badge shows today's."""
    alerts = StaffAlert.objects.filter(created_at__lt=now - timedelta(days=1), read_at=None)
    if item is not None:
        alerts = alerts.filter(item=item)
    return alerts.update(read_at=F("created_at") + timedelta(minutes=20))


def seed(
    *,
    patients: int = 300,
    items: int = 1600,
    weeks: int = 8,
    seed_value: int = 20261127,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str, float], None] | None = None,
    older_later: bool = False,
) -> tuple[DemoWorld, HistoryPlan | None]:
    """The demo organization and its history, every step through the lifecycle rules;
    ``phase(name, seconds)`` hears each phase end. With ``older_later`` only the last week is
    written now and the plan for the older weeks is returned (``seed_older_history``)."""
    rng = random.Random(seed_value)
    with _timed(phase, "Practices, staff and patients"):
        world = create_world()
        create_playbooks(world.practices, world.staff["admin"])
        people = create_patients(world, patients, rng)
        now = timezone.now()
        create_on_call_rota(world, now - timedelta(weeks=weeks + 1), now + timedelta(weeks=4))
    days = weeks * 7
    recent = round(items * min(1.0, RECENT_DAYS / days)) if older_later else items
    span = (0.0, float(RECENT_DAYS)) if older_later else (0.0, float(days))
    with _timed(phase, f"History of the last {span[1]:g} days: {recent} items"):
        contacts = draw_contacts(world, people, rng, count=recent, now=now, days=span)
        _write_history(
            world, contacts, seed_value=f"{seed_value}:recent", now=now, progress=progress,
            batch=50,
        )  # fmt: skip
    # History is written in the order it happened: a colleague's load at a moment counts the
    # items that had arrived by then (``eligibility``). So the missed calls at the end of the
    # office's day come before today's stories (each judged now as well) and the card, texted
    # now: filed after them, at their earlier moment, a call took its owner over their cap.
    with _timed(phase, "Today"), request_scope(), writing_history():
        missed_calls(world.practices[0], now)
        for story in TODAY:
            story(world, now, rng)
    # After today's stories: the patients with something open have their visits booked.
    appointments = _timed(phase, "Appointments imported as FHIR bundles")
    with appointments, request_scope(), writing_history():
        card_photo(world.practices[0])
        seed_appointments(rng)
        seed_outreach()
        balance_loads(world)
        read_old_alerts(now)
    if not older_later or recent == items:
        return world, None
    return world, HistoryPlan(items=items - recent, weeks=weeks, now=now, seed_value=seed_value)


def seed_older_history(
    plan: HistoryPlan,
    *,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str, float], None] | None = None,
) -> int:
    """The older weeks of a plan, one item per transaction: the running demo's pages (each
    page view writes its audit row) wait behind one item for their turn to write, not behind
    a batch. Goes on from where a stopped run left off (``plan.written``); ``progress(n)``
    hears each commit. Returns how many items it wrote."""
    organization = Organization.objects.get(slug=ORG_SLUG)
    practices = list(organization.practices.order_by("pk"))
    staff = {
        profile.user.username: profile.user
        for profile in StaffProfile.objects.filter(organization=organization).select_related("user")
    }
    world = DemoWorld(organization=organization, practices=practices, staff=staff)
    people = list(Patient.objects.filter(practice__in=practices).order_by("pk"))
    remaining = max(0, plan.items - plan.written)
    span = (float(RECENT_DAYS), float(plan.weeks * 7))
    with _timed(phase, f"History of the older weeks: {remaining} items"):
        # The same contacts on every run (drawn from the plan's seed), in the order they
        # happened: a stopped run goes on after the ones it wrote.
        rng = random.Random(plan.seed_value + 1)
        contacts = draw_contacts(world, people, rng, count=plan.items, now=plan.now, days=span)
        _write_history(
            world, contacts, seed_value=f"{plan.seed_value}:older", now=plan.now,
            progress=progress, batch=1, start=plan.written,
        )  # fmt: skip
        with writing_history():
            link_fixed_telehealth_items()
        with request_scope(), writing_history():
            balance_loads(world)
            read_old_alerts(timezone.now())
    return remaining
