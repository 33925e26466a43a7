"""Routing and assignment: rules, skills, languages, duty, load, ties, caps, concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections

from closeloop.api.models import ApiToken
from closeloop.practices.choices import Role, Skill, Team
from closeloop.practices.models import ChannelRoute, StaffProfile
from closeloop.practices.services import staff_create
from closeloop.support_queue import lifecycle
from closeloop.support_queue.alerts import send_alert_deliveries
from closeloop.support_queue.models import (
    AlertDelivery,
    AlertKind,
    Channel,
    EventCode,
    StaffAlert,
    SupportItem,
)
from closeloop.triage.routing import auto_assign, route_for
from tests.conftest import bearer, category

pytestmark = pytest.mark.django_db


def person(org: Any, riverside: Any, username: str, **kw: Any) -> Any:
    kw.setdefault("roles", [Role.SUPPORT])
    kw.setdefault("skills", [Skill.SCHEDULING])
    return staff_create(
        organization=org,
        username=username,
        password=None,
        practices=[riverside],
        email=f"{username}@example.com",
        **kw,
    )


def load(user: Any, riverside: Any, n: int, code: str = "scheduling") -> None:
    for _ in range(n):
        item = lifecycle.item_create(
            practice=riverside, category=category(riverside, code), channel=Channel.PHONE,
            actor=None, summary="x", callback_number="312-555-0100",
        )  # fmt: skip
        lifecycle.item_assign(item=item, actor=None, owner=user, team=item.team)


def new_item(riverside: Any, code: str = "scheduling", **kw: Any) -> SupportItem:
    kw.setdefault("callback_number", "312-555-0101")
    return lifecycle.item_create(
        practice=riverside,
        category=category(riverside, code),
        channel=kw.pop("channel", Channel.VOICEMAIL),
        actor=None,
        summary=kw.pop("summary", "need help"),
        **kw,
    )


def test_least_loaded_eligible_person_gets_the_item_with_an_explanation(
    clock, org, riverside
) -> None:
    busy = person(org, riverside, "busy")
    free = person(org, riverside, "free")
    load(busy, riverside, 2)
    load(free, riverside, 1)
    item = auto_assign(item=new_item(riverside))
    assert item.owner == free
    event = item.events.filter(code=EventCode.ASSIGNED).last()
    assert event.text == "routed to support: category scheduling; assigned to free: 1 open items"


def test_ties_go_round_robin(clock, org, riverside) -> None:
    ana, ben = person(org, riverside, "ana"), person(org, riverside, "ben")
    owners = []
    for _ in range(4):
        item = auto_assign(item=new_item(riverside))
        owners.append(item.owner.username)
        lifecycle.item_assign(item=item, actor=None, owner=None, team=item.team)  # keep loads equal
        clock.shift(timedelta(seconds=1))
    assert owners == ["ana", "ben", "ana", "ben"]
    assert {ana.username, ben.username} == set(owners)


def test_skill_language_and_duty_decide_eligibility(clock, org, riverside) -> None:
    person(org, riverside, "plain")
    biller = person(org, riverside, "biller", skills=[Skill.BILLING])
    person(org, riverside, "biller_off_duty", skills=[Skill.BILLING])
    StaffProfile.objects.filter(user__username="biller_off_duty").update(available=False)
    spanish = person(
        org, riverside, "spanish", languages=["en", "es"], first_name="Sofía", last_name="Ruiz"
    )
    off = person(org, riverside, "off", languages=["en", "es"])
    StaffProfile.objects.filter(user=off).update(available=False)
    assert auto_assign(item=new_item(riverside, "billing")).owner == biller
    item = auto_assign(item=new_item(riverside, language="es"))
    assert item.owner == spanish
    # People by name, languages by name: never a login or a code.
    text = item.events.filter(code=EventCode.ASSIGNED).last().text
    assert "assigned to Sofía Ruiz: speaks Spanish" in text


def test_nobody_who_speaks_the_language_assigns_it_with_interpreter_needed(
    clock, org, riverside
) -> None:
    english_only = person(org, riverside, "english_only")
    item = auto_assign(item=new_item(riverside, language="vi"))
    assert item.owner == english_only and item.interpreter_needed
    assert (
        "interpreter needed: Vietnamese" in item.events.filter(code=EventCode.ASSIGNED).last().text
    )


def test_nobody_eligible_leaves_it_in_the_team_queue(clock, org, riverside) -> None:
    off = person(org, riverside, "off_duty")
    StaffProfile.objects.filter(user=off).update(available=False)
    item = auto_assign(item=new_item(riverside))
    assert item.owner is None and item.team == Team.SUPPORT
    assert "left in the team queue" in item.events.filter(code=EventCode.ASSIGNED).last().text


def test_caps_on_open_items_and_open_complaints(clock, org, riverside) -> None:
    capped = person(org, riverside, "capped", roles=[Role.SUPERVISOR], skills=[Skill.COMPLAINTS])
    spare = person(org, riverside, "spare", roles=[Role.SUPERVISOR], skills=[Skill.COMPLAINTS])
    StaffProfile.objects.filter(user=capped).update(max_open_complaints=1)
    StaffProfile.objects.filter(user=spare).update(max_open_items=2)
    load(capped, riverside, 1, "complaint_review")
    load(spare, riverside, 2, "complaint_review")
    item = auto_assign(item=new_item(riverside, "complaint_review"))
    assert item.owner is None  # capped: 1 complaint of 1; spare: 2 items of 2
    assert "at their cap" in item.events.filter(code=EventCode.ASSIGNED).last().text


def test_routes(clock, org, riverside) -> None:
    assert route_for(new_item(riverside, "clinical_message")).team == Team.CLINICAL
    assert route_for(new_item(riverside, "complaint_review")).team == Team.SUPERVISOR
    assert route_for(new_item(riverside, "billing")).skill == Skill.BILLING
    ChannelRoute.objects.create(practice=riverside, channel=Channel.SMS, team=Team.FRONT_DESK)
    ChannelRoute.objects.create(
        practice=riverside,
        channel=Channel.SMS,
        category=category(riverside, "billing"),
        team=Team.SUPPORT,
        skill=Skill.INSURANCE,
    )
    assert route_for(new_item(riverside, "scheduling", channel=Channel.SMS)).team == Team.FRONT_DESK
    billing_sms = route_for(new_item(riverside, "billing", channel=Channel.SMS))
    assert (billing_sms.team, billing_sms.skill) == (Team.SUPPORT, Skill.INSURANCE)
    red = new_item(riverside, "scheduling", red_flag=True)
    assert route_for(red).team == Team.CLINICAL and red.team == Team.CLINICAL


# --- red flags at intake -----------------------------------------------------------------------


@pytest.fixture
def on_call_nurse(org, riverside):
    return person(org, riverside, "oncall", roles=[Role.CLINICAL], skills=[Skill.TRIAGE])


def test_red_flag_text_message_goes_to_clinical_staff_at_once(
    client, clock, riverside, on_call_nurse, assistant, nurse
) -> None:
    from tests.test_intake import TWILIO_TOKEN, sms, twilio_post

    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    StaffProfile.objects.filter(user=nurse).update(available=False)
    twilio_post(
        client,
        "/hooks/twilio/riverside/sms/",
        sms("SMRF", "+17735550188", "my chest feels tight and my arm hurts"),
    )
    item = SupportItem.objects.get()
    assert (item.red_flag, item.urgency, item.team, item.category.code) == (
        True,
        "emergency",
        Team.CLINICAL,
        "clinical_message",
    )
    assert item.owner == on_call_nurse
    alerts = StaffAlert.objects.filter(kind=AlertKind.RED_FLAG)
    assert [a.user for a in alerts] == [on_call_nurse]  # the off-duty nurse is not paged
    suggestion = item.events.get(code=EventCode.CREATED).changes["suggestion"]["new"]
    assert suggestion["red_flag"] is True and "chest_pain" in suggestion["reasons"][0]

    delivery_ids = list(AlertDelivery.objects.filter(alert__in=alerts).values_list("pk", flat=True))
    assert send_alert_deliveries.call(delivery_ids) == 1
    assert send_alert_deliveries.call(delivery_ids) == 0  # a retried task never emails twice
    (message,) = mail.outbox
    assert message.to == ["oncall@example.com"] and f"#{item.pk}" in message.subject
    assert "chest" not in message.body.lower() and "7735550188" not in message.body


def test_a_repeat_contact_with_a_red_flag_escalates_the_open_item(
    client, clock, riverside, patient, assistant, on_call_nurse
) -> None:
    from tests.test_intake import TWILIO_TOKEN, sms, twilio_post

    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    twilio_post(
        client,
        "/hooks/twilio/riverside/sms/",
        sms("SMA", patient.phone, "can I move my appointment"),
    )
    item = SupportItem.objects.get()
    assert not item.red_flag
    twilio_post(
        client, "/hooks/twilio/riverside/sms/", sms("SMB", patient.phone, "also now I cant breathe")
    )
    item.refresh_from_db()
    assert (item.red_flag, item.team, item.owner, item.repeat_contact_count) == (
        True,
        Team.CLINICAL,
        on_call_nurse,
        1,
    )
    assert item.events.filter(code=EventCode.RED_FLAG).exists()


def test_logging_a_red_flag_call_shows_the_script_and_routes_to_clinical(
    client, clock, riverside, patient, assistant, on_call_nurse
) -> None:
    client.force_login(assistant)
    suggestion = client.get(
        "/log/suggest/", {"summary": "my husband says his chest hurts", "practice": riverside.pk}
    )
    body = suggestion.content.decode()
    assert "hang up and call 911" in body and 'hx-swap-oob="true"' in body
    # Labels, not internal codes.
    assert "urgent symptoms, chest pain:" in body and "Emergency" in body
    assert "chest_pain" not in body and "clinical_message" not in body
    client.post("/log/", {
        "practice": riverside.pk, "caller": "existing", "patient": patient.pk, "channel": "phone",
        "category": "", "summary": "my husband says his chest hurts", "language": "en",
    })  # fmt: skip
    item = SupportItem.objects.get()
    assert item.red_flag and item.owner == on_call_nurse
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "Urgent symptoms reported." in page and "hang up and call 911" in page


def test_suggested_category_prefills_and_a_change_is_recorded(
    client, clock, riverside, patient, assistant
) -> None:
    client.force_login(assistant)
    body = client.get(
        "/log/suggest/", {"summary": "question about a charge on my bill", "practice": riverside.pk}
    ).content.decode()
    billing = category(riverside, "billing")
    assert f'value="{billing.pk}" selected' in body
    client.post("/log/", {
        "practice": riverside.pk, "caller": "existing", "patient": patient.pk, "channel": "phone",
        "category": category(riverside, "insurance_info").pk, "language": "en",
        "summary": "question about a charge on my bill", "next_update_at": "2026-11-17T14:00",
    })  # fmt: skip
    created = SupportItem.objects.get().events.get(code=EventCode.CREATED)
    assert created.changes["category"]["new"] == "insurance_info"
    assert created.changes["suggestion"]["new"]["category"] == "billing"


def test_categorize_records_old_and_new_codes(client, clock, make_item, assistant) -> None:
    item = make_item("other")
    client.force_login(assistant)
    response = client.post(
        f"/items/{item.pk}/categorize/",
        {
            "categorize-category": "billing",
            "categorize-urgency": "routine",
            "categorize-language": "es",
        },
    )
    assert response.status_code == 302
    event = item.events.get(code=EventCode.CATEGORIZED)
    assert event.changes["category"] == {"old": "other", "new": "billing"}
    assert event.changes["language"] == {"old": "en", "new": "es"}


def test_api_without_a_category_uses_triage(client, clock, assistant) -> None:
    raw = ApiToken.issue(user=assistant)[1]
    response = client.post(
        "/api/v1/items",
        {
            "practice": "riverside",
            "channel": "portal",
            "summary": "Necesito cambiar mi cita",
            "callback_number": "312-555-0111",
        },
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201
    assert (response.json()["category"], response.json()["language"]) == ("scheduling", "es")


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_never_exceed_a_cap(org, riverside) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL; SQLite serialises all writers anyway")
    people = [person(org, riverside, f"p{n}") for n in range(2)]
    StaffProfile.objects.filter(user__in=people).update(max_open_items=3)
    items = [new_item(riverside) for _ in range(12)]
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def work(chunk: list[SupportItem]) -> None:
        try:
            barrier.wait()
            for item in chunk:
                auto_assign(item=item)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(items[n::6],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    counts = {p.username: SupportItem.objects.filter(owner=p).count() for p in people}
    assert counts == {"p0": 3, "p1": 3}
    assert SupportItem.objects.filter(owner__isnull=True).count() == 6


def test_language_is_preferred_only_among_people_under_their_cap(clock, org, riverside) -> None:
    """Load before language: the bilingual colleague takes Spanish patients until their cap,
    then an English-only colleague under theirs takes them with "interpreter needed" — nobody
    is over their cap while an eligible colleague is under it (issue 31 #2)."""
    bilingual = person(org, riverside, "bilingual", languages=["en", "es"])
    english = person(org, riverside, "english")
    StaffProfile.objects.filter(user__in=[bilingual, english]).update(max_open_items=3)
    items = [auto_assign(item=new_item(riverside, language="es")) for _ in range(6)]
    assert [i.owner.username for i in items] == ["bilingual"] * 3 + ["english"] * 3
    assert [i.interpreter_needed for i in items] == [False] * 3 + [True] * 3
    assigned = items[-1].events.filter(code=EventCode.ASSIGNED).last()
    assert "interpreter needed: Spanish" in assigned.text
    # Full: both at their cap, the next waits in the team queue (nobody is pushed past it).
    assert auto_assign(item=new_item(riverside, language="es")).owner is None


def test_urgent_symptoms_prefer_the_language_only_among_responders_under_their_cap(
    clock, org, riverside, monkeypatch
) -> None:
    """Urgent symptoms go to a responder whatever their load, but a bilingual clinician over
    their cap does not take every Spanish emergency while a colleague is under theirs."""
    from closeloop.triage import routing
    from closeloop.triage.emergency import Responders

    bilingual = person(org, riverside, "drbilingual", roles=[Role.CLINICAL],
                       skills=[Skill.TRIAGE], languages=["en", "es"])  # fmt: skip
    english = person(org, riverside, "drenglish", roles=[Role.CLINICAL], skills=[Skill.TRIAGE])
    StaffProfile.objects.filter(user__in=[bilingual, english]).update(max_open_items=2)
    load(bilingual, riverside, 2, "clinical_message")
    found = Responders([bilingual, english], "On duty", paged=False)
    monkeypatch.setattr(routing, "responders", lambda practice, at=None: found)
    item = new_item(riverside, "clinical_message", language="es")
    item.red_flag = True
    owner, why = routing.emergency_owner(item, list(StaffProfile.objects.select_related("user")))
    assert owner == english and "interpreter needed: Spanish" in why
    # Both at their cap: the one who speaks the language, whatever their load.
    load(english, riverside, 2, "clinical_message")
    owner, why = routing.emergency_owner(item, list(StaffProfile.objects.select_related("user")))
    assert owner == bilingual
