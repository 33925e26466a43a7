"""A second, independent implementation of the fourteen recovery metrics, for
``tests/test_metrics_reference.py``.

It shares nothing with ``closeloop.metrics`` nor with the business-hours code in
``closeloop.lib``: it reads rows with plain ``.values()`` (timeline events, the items' facts
fixed at intake, appointments, review requests, recovery checks) and computes every figure in
plain Python. What happened to an item — its first human contact, its resolutions and
reopenings, its owner, team, category, escalations, the visit it is linked to — is replayed
from its timeline, not read from the columns the application stamps as it goes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from closeloop.appointments.models import Appointment
from closeloop.messaging.models import RecoveryCheck, ReviewRequest
from closeloop.practices.models import Category, Holiday, Practice
from closeloop.support_queue.models import SupportItem, TimelineEvent

# The codes and values as the docs name them (strings, not the application's constants).
OPEN = {"new", "acknowledged", "in_progress", "waiting"}
AUTOMATIC = "automatic"
SUPERVISORS = "supervisor"
COMPLAINT = "complaint_review"
REFERRAL = "referral_document_status"
TELEHEALTH = "telehealth_access"
RISK_CATEGORIES = {"new_patient_intake", "insurance_info", REFERRAL, TELEHEALTH}
MESSAGE_CHANNELS = {"voicemail", "sms", "email", "portal", "web_form"}
NOT_JUDGED = {"cancelled", "entered-in-error"}
#: A confirmation request unanswered this long before the visit leaves it not confirmed.
NO_ANSWER_HOURS = 20
NOSHOW = "noshow"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A practice with no hours configured is open these (the documented default).
DEFAULT_HOURS = {day: [["08:00", "17:00"]] for day in WEEKDAYS[:5]}
TOP = 5


# --- business time, written from the definition: open minutes between two instants -----------


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    weekly: dict[int, list[tuple[time, time | None]]]
    holidays: frozenset[date]

    @classmethod
    def of(cls, practice: dict[str, Any], holidays: list[date]) -> Hours:
        weekly: dict[int, list[tuple[time, time | None]]] = {}
        for name, spans in (practice["business_hours"] or DEFAULT_HOURS).items():
            weekly[WEEKDAYS.index(name)] = [
                (_clock(opens), None if closes == "24:00" else _clock(closes))
                for opens, closes in spans
            ]
        return cls(ZoneInfo(practice["timezone"]), weekly, frozenset(holidays))

    def open_spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening hours as UTC instants (a wall-clock time the clocks skip is read
        with the offset before the change: ``fold=0``)."""
        if day in self.holidays:
            return []
        spans = []
        for opens, closes in self.weekly.get(day.weekday(), []):
            start = datetime.combine(day, opens).replace(tzinfo=self.zone)
            end = (
                datetime.combine(day + timedelta(days=1), time()).replace(tzinfo=self.zone)
                if closes is None
                else datetime.combine(day, closes).replace(tzinfo=self.zone)
            )
            spans.append((start.astimezone(UTC), end.astimezone(UTC)))
        return spans

    def minutes(self, start: datetime, end: datetime) -> int:
        """Whole business minutes from ``start`` to ``end``."""
        if end <= start:
            return 0
        total = timedelta()
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        while day <= end.astimezone(self.zone).date():
            for opens, closes in self.open_spans(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def clock_minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


# --- one item's story, replayed from its timeline ----------------------------------------------


@dataclass
class Story:
    pk: int
    practice: int
    first_contact: datetime
    language: str
    patient: int | None
    channel: str = ""
    created_by: int | None = None
    category: str = ""
    intake_team: str = ""
    owner: int | None = None
    appointment: int | None = None
    #: (moment, status) from the creation on.
    statuses: list[tuple[datetime, str]] = field(default_factory=list)
    resolved: datetime | None = None
    closed: datetime | None = None
    #: Receipts by a person: (when, the message it was, if a message).
    receipts: list[tuple[datetime, int | None]] = field(default_factory=list)
    undelivered: set[int] = field(default_factory=set)
    automatic_reply: bool = False
    escalated: bool = False
    supervisor_callback: bool = False
    moved_to_supervisors: bool = False

    @property
    def first_response(self) -> datetime | None:
        delivered = [at for at, message in self.receipts if message not in self.undelivered]
        return min(delivered, default=None)

    def status_at(self, moment: datetime) -> str | None:
        """The status just before ``moment`` (None: not created yet)."""
        now = None
        for at, status in self.statuses:
            if at >= moment:
                break
            now = status
        return now

    @property
    def is_open(self) -> bool:
        return self.statuses[-1][1] in OPEN


def _new(changes: dict[str, Any], key: str) -> Any:
    return changes[key]["new"]


def stories(practice_ids: list[int]) -> dict[int, Story]:
    found: dict[int, Story] = {}
    # Facts fixed when the item was filed, which its timeline does not repeat: when the
    # patient first got in touch (a voicemail filed in the morning was left at night) and the
    # team it was filed to (routing at intake included). Language and patient as they are now.
    for row in SupportItem.objects.filter(practice__in=practice_ids).values(
        "pk", "practice_id", "first_contact_at", "language", "patient_id", "intake_team"
    ):
        found[row["pk"]] = Story(
            row["pk"],
            row["practice_id"],
            row["first_contact_at"],
            row["language"],
            row["patient_id"],
            intake_team=row["intake_team"],
        )
    events = TimelineEvent.objects.filter(practice__in=practice_ids).values(
        "id", "item_id", "at", "code", "actor_id", "changes", "version"
    )
    for event in sorted(events, key=lambda e: (e["item_id"], e["version"], e["id"])):
        story, changes, at = found[event["item_id"]], event["changes"], event["at"]
        code = event["code"]
        if code == "item.created":
            story.created_by = event["actor_id"]
            story.channel = _new(changes, "channel")
            story.category = _new(changes, "category")
        if "team" in changes and _new(changes, "team") == SUPERVISORS:
            story.moved_to_supervisors = True
        if "status" in changes:
            story.statuses.append((at, _new(changes, "status")))
        if "category" in changes:
            story.category = _new(changes, "category")
        if "owner" in changes:
            story.owner = _new(changes, "owner")
        if "appointment" in changes:
            story.appointment = _new(changes, "appointment")
        if code == "item.resolved":
            story.resolved, story.closed = at, None
        if code == "item.closed" or (code == "item.merged" and "merged_into" in changes):
            story.closed = at
        if code == "item.reopened":
            story.resolved = story.closed = None
        if "receipt" in changes:
            receipt = _new(changes, "receipt")
            message = changes.get("message", {}).get("new", {}).get("id")
            story.receipts.append((datetime.fromisoformat(receipt["at"]), message))
        if code in ("item.message_failed", "item.message_cancelled"):
            story.undelivered.add(_new(changes, "message")["id"])
        if "auto_replied_at" in changes:
            story.automatic_reply = _new(changes, "auto_replied_at") is not None
        if changes.get("escalated", {}).get("new") is True:
            story.escalated = True
        if changes.get("supervisor_callback_at", {}).get("new"):
            story.supervisor_callback = True
    return found


# --- the figures ---------------------------------------------------------------------------------


def spread(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "average": None, "median": None, "p90": None}
    ordered = sorted(values)
    n = len(ordered)
    return {
        "count": n,
        "average": round(sum(ordered) / n, 1),
        "median": ordered[math.ceil(n / 2) - 1],
        "p90": ordered[math.ceil(9 * n / 10) - 1],
    }


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def who(user: dict[str, Any] | None) -> str:
    if user is None:
        return "unassigned"
    return f"{user['first_name']} {user['last_name']}".strip() or user["username"]


@dataclass
class Reference:
    practice: Practice
    start: date
    end: date
    now: datetime

    def __post_init__(self) -> None:
        row = Practice.objects.filter(pk=self.practice.pk).values()[0]
        holidays = [h["date"] for h in Holiday.objects.filter(practice=self.practice).values()]
        self.hours = Hours.of(row, holidays)
        self.zone = self.hours.zone
        self.since = datetime.combine(self.start, time()).replace(tzinfo=self.zone)
        self.until = datetime.combine(self.end + timedelta(days=1), time()).replace(
            tzinfo=self.zone
        )
        self.items = stories([self.practice.pk])
        self.events = [
            e
            for e in TimelineEvent.objects.filter(practice=self.practice).values(
                "item_id", "at", "code", "actor_id"
            )
            if self.since <= e["at"] < self.until
        ]
        self.users = {u["id"]: u for u in get_user_model().objects.values()}

    def during(self, moment: datetime | None) -> bool:
        return moment is not None and self.since <= moment < self.until

    @property
    def contacted(self) -> list[Story]:
        return [s for s in self.items.values() if self.during(s.first_contact)]

    @property
    def resolved(self) -> list[Story]:
        return [s for s in self.items.values() if self.during(s.resolved)]

    def events_of(self, code: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["code"] == code]

    # 1
    def first_response(self, items: list[Story] | None = None) -> dict[str, Any]:
        items = self.contacted if items is None else items
        answered = [s for s in items if s.first_response is not None]
        result = spread([self.hours.minutes(s.first_contact, s.first_response) for s in answered])  # type: ignore[arg-type]
        result["unanswered"] = len(items) - len(answered)
        result["automatic_replies"] = sum(s.automatic_reply for s in items)
        result["wall_clock"] = spread(
            [clock_minutes(s.first_contact, s.first_response) for s in answered]  # type: ignore[arg-type]
        )
        return result

    # 2
    def open_per_day(self) -> list[dict[str, Any]]:
        days = []
        day = self.start
        while day <= self.end:
            closing = datetime.combine(day + timedelta(days=1), time()).replace(tzinfo=self.zone)
            count = sum(s.status_at(closing) in OPEN for s in self.items.values())
            days.append({"date": day, "open": count})
            day += timedelta(days=1)
        return days

    # 3
    def repeat_contacts(self) -> dict[str, Any]:
        repeats = self.events_of("item.repeat_contact")
        by_item: dict[int, int] = {}
        by_patient: dict[int, int] = {}
        for e in repeats:
            by_item[e["item_id"]] = by_item.get(e["item_id"], 0) + 1
            patient = self.items[e["item_id"]].patient
            if patient is not None:
                by_patient[patient] = by_patient.get(patient, 0) + 1
        items = len(self.contacted)
        return {
            "count": len(repeats),
            "reopened": len(self.events_of("item.reopened")),
            "items": items,
            "rate_per_item": share(len(repeats), items),
            "top_items": [
                {"item": k, "repeats": n}
                for k, n in sorted(by_item.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
            ],
            "top_patients": [
                {"patient": k, "repeats": n}
                for k, n in sorted(by_patient.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
            ],
        }

    # 4
    def referral_turnaround(self) -> dict[str, Any]:
        until = min(self.until, self.now)
        referrals = [s for s in self.items.values() if s.category == REFERRAL]
        waits = [
            (clock_minutes(s.first_contact, s.resolved), False)  # type: ignore[arg-type]
            for s in referrals
            if self.during(s.resolved)
        ]
        ages = [
            (int((until - s.first_contact).total_seconds() // 60), True)
            for s in referrals
            if s.first_contact < until
            and (s.resolved is None or s.resolved >= self.until)
            and (s.closed is None or s.closed >= self.until)
        ]
        both = sorted(waits + ages)
        n = len(both)
        median = both[math.ceil(n / 2) - 1] if n else (None, False)
        p90 = both[math.ceil(9 * n / 10) - 1] if n else (None, False)
        return {
            "count": n,
            "resolved": len(waits),
            "open": len(ages),
            "median": median[0],
            "median_at_least": median[1],
            "p90": p90[0],
            "p90_at_least": p90[1],
            "oldest_open": max((age for age, _ in ages), default=None),
        }

    def appointments(self) -> list[dict[str, Any]]:
        return [
            a
            for a in Appointment.objects.filter(practice=self.practice).values()
            if self.since <= a["start"] < self.until
        ]

    # 5
    def telehealth(self) -> dict[str, Any]:
        visits = {a["id"]: a["start"] for a in self.appointments()}
        linked = [
            s for s in self.items.values() if s.category == TELEHEALTH and s.appointment in visits
        ]
        before = [
            s
            for s in linked
            if s.resolved is not None and s.resolved <= visits[s.appointment]  # type: ignore[index]
        ]
        return {
            "linked": len(linked),
            "resolved_before": len(before),
            "share": share(len(before), len(linked)),
        }

    # 6
    def complaints(self) -> dict[str, Any]:
        complaints = [s for s in self.contacted if s.category == COMPLAINT]
        from_start = [s for s in complaints if s.intake_team == SUPERVISORS]
        front_line = [s for s in complaints if s.intake_team != SUPERVISORS]
        escalated = [
            s for s in front_line if s.escalated or s.supervisor_callback or s.moved_to_supervisors
        ]
        return {
            "total": len(complaints),
            "to_supervisors": len(from_start),
            "front_line": len(front_line),
            "escalated": len(escalated),
            "share": share(len(escalated), len(front_line)),
        }

    # 7
    def review_requests(self) -> dict[str, Any]:
        decisions: dict[str, int] = {}
        for r in ReviewRequest.objects.filter(practice=self.practice).values():
            if self.during(r["created_at"]):
                decisions[r["decision"]] = decisions.get(r["decision"], 0) + 1
        withheld = {k: v for k, v in sorted(decisions.items()) if k != "sent"}
        return {
            "sent": decisions.get("sent", 0),
            "withheld": sum(withheld.values()),
            "withheld_by_reason": withheld,
        }

    # 8
    def risk(self) -> dict[str, Any]:
        judged = [a for a in self.appointments() if a["status"] not in NOT_JUDGED]

        def risky(s: Story, moment: datetime) -> bool:
            # As the item stands now (docs/metrics.md, 8): not resolved or closed by the visit.
            open_then = (
                s.first_contact <= moment
                and (s.resolved is None or s.resolved > moment)
                and (s.closed is None or s.closed > moment)
            )
            answer = s.first_response
            unanswered = s.channel in MESSAGE_CHANNELS and (answer is None or answer > moment)
            return open_then and (s.category in RISK_CATEGORIES or unanswered)

        def unconfirmed(a: dict[str, Any]) -> bool:
            asked, confirmed = a["confirmation_asked_at"], a["confirmed_at"]
            late = asked is not None and a["start"] - asked >= timedelta(hours=NO_ANSWER_HOURS)
            return late and (confirmed is None or confirmed > a["start"])

        at_risk = [
            a
            for a in judged
            if unconfirmed(a)
            or (
                a["patient_id"] is not None
                and any(
                    risky(s, a["start"])
                    for s in self.items.values()
                    if s.patient == a["patient_id"]
                )
            )
        ]
        missed = [a for a in at_risk if a["status"] == NOSHOW]
        return {
            "appointments": len(judged),
            "at_risk": len(at_risk),
            "missed": len(missed),
            "missed_total": sum(a["status"] == NOSHOW for a in judged),
            "missed_share": share(len(missed), len(at_risk)),
        }

    # 9
    def broken_promises(self) -> dict[str, Any]:
        broken = self.events_of("item.promise_broken")
        by_owner: dict[str, int] = {}
        by_category: dict[str, int] = {}
        names = {
            row["code"]: row["name"]
            for row in Category.objects.filter(practice=self.practice).values()
        }
        for e in broken:
            story = self.items[e["item_id"]]
            owner = who(self.users.get(story.owner)) if story.owner else "unassigned"
            by_owner[owner] = by_owner.get(owner, 0) + 1
            name = names[story.category]
            by_category[name] = by_category.get(name, 0) + 1
        # One practice here: each category row names it, the most broken first, then by name.
        rows = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
        categories = [
            {"category": name, "practice": self.practice.name, "count": n} for name, n in rows
        ]
        return {
            "count": len(broken),
            "by_owner": by_owner,
            "by_category": by_category,
            "categories": categories,
        }

    # 10
    def language_access(self) -> dict[str, Any]:
        def wait(items: list[Story]) -> dict[str, Any]:
            figure = self.first_response(items)
            return {k: figure[k] for k in ("count", "average", "median", "p90")}

        english = wait([s for s in self.contacted if s.language == "en"])
        other = wait([s for s in self.contacted if s.language != "en"])
        gap = (
            other["median"] - english["median"]
            if other["median"] is not None and english["median"] is not None
            else None
        )
        return {"english": english, "other": other, "gap_median": gap}

    # 11
    def load(self) -> list[dict[str, Any]]:
        people: dict[int, dict[str, Any]] = {}

        def person(pk: int) -> dict[str, Any]:
            user = self.users[pk]
            return people.setdefault(
                pk,
                {
                    "user_id": pk,
                    "username": user["username"],
                    "name": who(user),
                    "open": 0,
                    "resolved": 0,
                    "complaints_handled": 0,
                    "open_complaints": 0,
                },
            )

        for s in self.items.values():
            if s.owner is None:
                continue
            if s.is_open:
                person(s.owner)["open"] += 1
                person(s.owner)["open_complaints"] += s.category == COMPLAINT
            if self.during(s.resolved):
                person(s.owner)["resolved"] += 1
                person(s.owner)["complaints_handled"] += s.category == COMPLAINT
        return sorted(people.values(), key=lambda r: (-r["open"], r["username"]))

    # 12
    def resolution_time(self) -> dict[str, Any]:
        done = self.resolved
        return {
            "business": spread([self.hours.minutes(s.first_contact, s.resolved) for s in done]),  # type: ignore[arg-type]
            "wall_clock": spread([clock_minutes(s.first_contact, s.resolved) for s in done]),  # type: ignore[arg-type]
        }

    # 13
    def routing(self) -> dict[str, Any]:
        contacted = {s.pk: s for s in self.contacted}
        routed = {
            e["item_id"]
            for e in self.events_of("item.handed_off")
            if e["item_id"] in contacted
            and e["actor_id"] is not None
            and e["actor_id"] == contacted[e["item_id"]].created_by
        }
        return {
            "items": len(contacted),
            "routed": len(routed),
            "share": share(len(routed), len(contacted)),
        }

    # 14
    def patient_confirmed(self) -> dict[str, Any]:
        checks = [
            c
            for c in RecoveryCheck.objects.filter(practice=self.practice).values()
            if self.during(c["answered_at"])
        ]
        yes = [c for c in checks if c["answer"] == "yes"]
        categories = {
            c["id"]: c["name"] for c in Category.objects.filter(practice=self.practice).values()
        }

        def rows(name_of: Any) -> list[dict[str, Any]]:
            groups: dict[Any, list[dict[str, Any]]] = {}
            for c in checks:
                groups.setdefault(name_of(c), []).append(c)
            found = []
            for name, group in groups.items():
                n, said_yes = len(group), sum(c["answer"] == "yes" for c in group)
                found.append(
                    {"name": name, "answered": n, "yes": said_yes, "share": share(said_yes, n)}
                )
            return sorted(found, key=lambda r: str(r["name"]))

        def person(c: dict[str, Any]) -> str:
            user = self.users.get(c["owner_id"])
            if user is None:
                return "Unassigned"
            return f"{user['first_name']} {user['last_name']}".strip() or user["username"]

        return {
            "answered": len(checks),
            "yes": len(yes),
            "no": len(checks) - len(yes),
            "share": share(len(yes), len(checks)),
            "by_category": [
                {**row, "practice": self.practice.name}
                for row in rows(lambda c: categories[c["category_id"]] or "—")
            ],
            "by_team": rows(lambda c: c["team"] or "—"),
            "by_person": rows(person),
        }

    def compute(self) -> dict[str, Any]:
        return {
            "first_response": self.first_response(),
            "open_per_day": self.open_per_day(),
            "repeat_contacts": self.repeat_contacts(),
            "referral_turnaround": self.referral_turnaround(),
            "telehealth_before_appointment": self.telehealth(),
            "complaint_escalations": self.complaints(),
            "review_requests": self.review_requests(),
            "missed_appointment_risk": self.risk(),
            "broken_promises": self.broken_promises(),
            "language_access": self.language_access(),
            "load_per_person": self.load(),
            "resolution_time": self.resolution_time(),
            "first_contact_routing": self.routing(),
            "patient_confirmed": self.patient_confirmed(),
        }
