"""Every door that hands an item to someone judges the receiver by one rule
(``support_queue.eligibility``) and refuses with the same sentence: the item page's and the API's
assign, bulk reassign, the shift handoff and absence cover. A patient whose language the
receiver does not speak is not a refusal: the item says "interpreter needed"."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from closeloop.practices.choices import Role
from closeloop.practices.models import StaffProfile
from closeloop.practices.services import staff_create
from closeloop.support_queue import eligibility, lifecycle
from closeloop.support_queue.models import SupportItem
from closeloop.team import absence, accounts, bulk, shifts
from tests.conftest import api_auth, client_as, planned

RECEIVERS = ("capped", "away", "elsewhere")

EXPECTED = {
    "capped": "Carla Capped is at their cap of 1 open items.",
    "away": "Ada Away is away: choose someone else.",
    "elsewhere": "Bill Elsewhere does not serve this practice.",
}


@pytest.fixture
def people(org, riverside, lakeside, assistant, make_item) -> dict[str, Any]:
    """Three support colleagues nobody may hand Riverside's work to, each for one reason."""

    def colleague(username: str, first: str, last: str, practice: Any) -> Any:
        return staff_create(
            organization=org,
            username=username,
            password="pw",
            first_name=first,
            last_name=last,
            roles=[Role.SUPPORT],
            practices=[practice],
        )

    capped = colleague("ccapped", "Carla", "Capped", riverside)
    StaffProfile.objects.filter(user=capped).update(max_open_items=1)
    capped.staff.refresh_from_db()
    planned(make_item(summary="Carla's one item"), assistant, owner=capped)
    away = colleague("aaway", "Ada", "Away", riverside)
    elsewhere = colleague("bill", "Bill", "Elsewhere", lakeside)
    return {"capped": capped, "away": away, "elsewhere": elsewhere}


def _make_away(people: dict[str, Any]) -> None:
    StaffProfile.objects.filter(user=people["away"]).update(
        away_since=timezone.now(), available=False
    )
    people["away"].staff.refresh_from_db()


def _item(make_item: Any, assistant: Any) -> SupportItem:
    return planned(make_item(summary="Needs a new time"), assistant)


@pytest.mark.parametrize("who", RECEIVERS)
def test_the_one_rule_gives_the_reason(clock, people, make_item, assistant, who) -> None:
    _make_away(people)
    item = _item(make_item, assistant)
    refused = eligibility.receiver_refusal(people[who], item)
    assert refused is not None and refused.message == EXPECTED[who]


@pytest.mark.parametrize("who", RECEIVERS)
def test_the_item_page_refuses_each_receiver_with_the_reason(
    clock, people, make_item, assistant, who
) -> None:
    _make_away(people)
    item = _item(make_item, assistant)
    page = client_as(assistant).post(
        f"/items/{item.pk}/assign/",
        {"assign-team": "support", "assign-owner": people[who].pk, "assign-reason": "Take it"},
    )
    assert EXPECTED[who] in page.content.decode()
    item.refresh_from_db()
    assert item.owner == assistant


@pytest.mark.parametrize("who", RECEIVERS)
def test_the_api_refuses_each_receiver_with_the_reason(
    client, clock, people, make_item, assistant, who
) -> None:
    _make_away(people)
    item = _item(make_item, assistant)
    answer = client.post(
        f"/api/v1/items/{item.pk}/assign",
        {"team": "support", "owner_id": people[who].pk},
        content_type="application/json",
        **api_auth(assistant),
    )
    assert 400 <= answer.status_code < 500, answer.content
    assert EXPECTED[who] in answer.content.decode()
    item.refresh_from_db()
    assert item.owner == assistant


@pytest.mark.parametrize("who", RECEIVERS)
def test_bulk_reassign_refuses_each_receiver_with_the_reason(
    clock, people, make_item, assistant, supervisor, who
) -> None:
    _make_away(people)
    item = _item(make_item, assistant)
    result = bulk.bulk_run(
        actor=supervisor, item_ids=[item.pk], action="assign", data={"owner": people[who]}
    )
    assert result.refused == [(item.pk, EXPECTED[who])]


@pytest.mark.parametrize("who", RECEIVERS)
def test_the_shift_handoff_refuses_each_receiver_with_the_reason(
    clock, people, make_item, assistant, who
) -> None:
    _make_away(people)
    item = _item(make_item, assistant)
    result = shifts.hand_over(actor=assistant, handovers=[shifts.Handover(item.pk, people[who])])
    assert result.refused == [(item.pk, EXPECTED[who])]


@pytest.mark.parametrize("who", ["capped", "away"])
def test_absence_cover_refused_for_an_item_gives_the_reason(
    clock, people, make_item, assistant, who
) -> None:
    """The cover was fine when the absence was planned; by its start they cannot take it."""
    item = _item(make_item, assistant)
    planned_absence = absence.absence_create(
        actor=assistant,
        user=assistant,
        starts_at=timezone.now() + timezone.timedelta(minutes=30),
        ends_at=timezone.now() + timezone.timedelta(days=2),
        cover=people[who] if who == "capped" else people["away"],
    )
    _make_away(people)
    clock.shift(timezone.timedelta(minutes=31))
    started = absence.absence_start(planned_absence)
    assert started is not None
    assert started.refused == {item.pk: EXPECTED[who]}
    assert started.for_supervisors == [item]


def test_absence_cover_who_does_not_serve_the_practice_is_refused_with_the_reason(
    clock, people, assistant
) -> None:
    with pytest.raises(absence.AbsenceError) as refused:
        absence.absence_create(
            actor=assistant,
            user=assistant,
            starts_at=timezone.now(),
            ends_at=None,
            cover=people["elsewhere"],
        )
    assert refused.value.message == EXPECTED["elsewhere"]


def test_deactivation_hands_back_to_the_team_routing_gives_as_a_shift_does(
    clock, org, riverside, make_item, assistant, nurse
) -> None:
    from closeloop.triage.routing import handback_team

    admin = staff_create(
        organization=org,
        username="admin",
        password="pw",
        roles=[Role.ORG_ADMIN],
        practices=[riverside],
    )
    StaffProfile.objects.filter(user=assistant).update(roles=[Role.SUPPORT, Role.FRONT_DESK])
    assistant.staff.refresh_from_db()
    item = _item(make_item, assistant)
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team="front_desk")
    accounts.account_deactivate(actor=admin, person=assistant)
    item.refresh_from_db()
    assert item.owner is None and item.team == handback_team(item) == "support"


def test_pickers_list_the_eligible_and_say_why_the_others_are_not(
    clock, people, make_item, assistant
) -> None:
    _make_away(people)
    item = _item(make_item, assistant)
    found = {r.user.username: r for r in eligibility.receivers(item)}
    assert found["assistant"].refusal is None
    assert found["ccapped"].refusal.message == EXPECTED["capped"]
    assert found["aaway"].refusal.message == EXPECTED["away"]
    assert "bill" not in found  # does not serve Riverside: not offered at all
    page = client_as(assistant).get(f"/items/{item.pk}/").content.decode()
    assert "Carla Capped — is at their cap of 1 open items." in page
    assert "Ada Away — is away: choose someone else." in page


def test_a_spanish_patients_clinical_item_with_an_english_only_clinician_needs_an_interpreter(
    clock, riverside, make_item, assistant, nurse
) -> None:
    item = make_item("clinical_message", language="es")
    item = lifecycle.item_assign(item=item, actor=nurse, owner=nurse, team="clinical")
    assert item.owner == nurse and item.interpreter_needed
    page = client_as(nurse).get(f"/items/{item.pk}/").content.decode()
    assert "Interpreter needed" in page
    queue = client_as(nurse).get("/?tab=open").content.decode()
    assert "Interpreter needed" in queue


def test_the_shift_and_bulk_pickers_disable_whom_the_rule_refuses_with_the_reason(
    clock, people, make_item, assistant, supervisor
) -> None:
    _make_away(people)
    _item(make_item, assistant)
    shift = client_as(assistant).get("/shift/").content.decode()
    assert "Carla Capped — is at their cap of 1 open items." in shift
    assert "Ada Away — is away: choose someone else." in shift
    assert "Bill Elsewhere" not in shift  # serves only Lakeside, which the assistant does not
    bulk_page = client_as(supervisor).get("/bulk/?tab=open").content.decode()
    assert "disabled>Carla Capped — is at their cap of 1 open items." in bulk_page
    assert "disabled>Ada Away — is away: choose someone else." in bulk_page


def test_the_weekly_review_shows_each_persons_load_against_their_cap(
    clock, people, make_item, assistant, supervisor
) -> None:
    from django.urls import reverse

    page = client_as(supervisor).get(
        reverse("weekly_review"), {"practice": "riverside", "week": "2026-11-16"}
    )
    html = page.content.decode()
    assert "Load against cap" in html
    assert '<th scope="row">Carla Capped</th><td>1</td><td>1</td>' in html
    assert "Bill Elsewhere" not in html  # serves only Lakeside


def test_the_team_pages_cover_picker_disables_whoever_is_away(
    clock, people, make_item, assistant, supervisor
) -> None:
    _make_away(people)
    page = client_as(supervisor).get("/team/").content.decode()
    assert "disabled>Ada Away — is away</option>" in page


def test_history_is_judged_by_the_load_of_its_own_moment(clock, people, make_item) -> None:
    """Writing history (a backfill, the demo's past weeks): the cap counts what the person held
    open at that moment, not today's items — else every past item would wait unassigned
    behind this week's work (the demo left 860 of its older items new)."""
    from datetime import timedelta

    import time_machine

    from closeloop.core.history import writing_history

    capped = people["capped"]
    item = make_item(summary="Today's item for the refusal")
    assert eligibility.receiver_refusal(capped, item) is not None  # at the cap today
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        past = make_item(summary="A question from last month")
        with writing_history():
            assert eligibility.receiver_refusal(capped, past) is None
            loads = eligibility.open_loads([capped.pk])
    assert loads.get(capped.pk, (0, 0)) == (0, 0)
