"""One action layer: the same actions, the same permission, on the item page and in the API.

The matrix takes every action of the registry, through the page and through the API, as every
role, on a routine item, a clinical-category item, a red-flag item filed under a non-clinical
category, a complaint and another practice's item, and compares the answer with one table.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from closeloop.actions.registry import ACTIONS
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Role
from closeloop.support_queue import lifecycle
from closeloop.support_queue.lifecycle import LifecycleError
from closeloop.support_queue.models import Channel, Status, SupportItem
from tests.conftest import ROLES, api_auth, category, one_per_role, planned, told

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)

#: The table. For each kind of item: who may act on it (everyone else gets 403); another
#: practice's item is a 404 for everyone (its existence is not revealed).
MAY_ACT: dict[str, frozenset[str] | None] = {
    "routine": EVERYONE,
    "clinical category": frozenset({Role.CLINICAL}),
    "red flag, non-clinical category": frozenset({Role.CLINICAL}),
    "complaint": EVERYONE,
    "another practice's": None,
}
#: Stricter rules for some actions on some kinds: deciding a complaint is a supervisor's.
STRICTER: dict[tuple[str, str], frozenset[str]] = {
    ("resolve", "complaint"): frozenset({Role.SUPERVISOR}),
    ("answer", "complaint"): frozenset({Role.SUPERVISOR}),
    # Accepting a handoff is for the person it was handed to: none of these items has one.
    **{("accept", kind): frozenset() for kind in MAY_ACT},
}
ALLOWED = "allowed"  # passes the access check; the lifecycle may still refuse (409/422)


def expected(role: str, kind: str, action: str) -> int | str:
    who = MAY_ACT[kind]
    if who is None:
        return 404
    who = STRICTER.get((action, kind), who)
    return ALLOWED if role in who else 403


def outcome(status: int) -> int | str:
    return status if status in (403, 404) else ALLOWED


@pytest.fixture
def kinds(clock, riverside, lakeside, patient, assistant, outsider) -> dict[str, SupportItem]:
    def item(practice: Any, code: str, **kw: Any) -> SupportItem:
        return lifecycle.item_create(
            practice=practice,
            category=category(practice, code),
            channel=Channel.PHONE,
            actor=None,
            summary="Needs help",
            **kw,
        )

    other = patient_create(practice=lakeside, first_name="Bo", last_name="Kim", phone="2125550111")
    return {
        "routine": item(riverside, "scheduling", patient=patient),
        "clinical category": item(riverside, "clinical_message", patient=patient),
        "red flag, non-clinical category": item(
            riverside, "scheduling", patient=patient, red_flag=True
        ),
        "complaint": item(riverside, "complaint_review", patient=patient),
        "another practice's": item(lakeside, "billing", patient=other),
    }


@pytest.fixture
def people(org, riverside) -> dict[str, Any]:
    return one_per_role(org, riverside, "matrix")


def api_body(action: str, item: SupportItem) -> dict[str, Any] | None:
    """A well-formed body for each action (the API validates the body's shape first), chosen
    so that taking it never turns the item into another kind."""
    later = "2026-11-18T16:00:00+00:00"
    bodies: dict[str, dict[str, Any]] = {
        "acknowledge": {"how": "call", "next_update_at": later},
        "attempt": {"channel": "phone", "outcome": "no_answer"},
        "note": {"text": "x"},
        "contact": {
            "direction": "outbound",
            "channel": "phone",
            "outcome": "reached",
            "next_update_at": later,
        },
        "update_window": {"checking": "c", "next_step": "n", "update_at": later},
        "assign": {"team": item.team, "owner_id": None},
        "wait": {"waiting_on": "patient"},
        "escalate": {"reason": "r"},
        "resolve": {"outcome": "o"},
        "message": {"channel": "sms", "purpose": "pending_update"},
        "categorize": {"category": item.category.code, "urgency": item.urgency, "language": "en"},
        "link_patient": {"patient_id": 999_999},
        "link_appointment": {"appointment_id": 999_999},
        "merge": {"into_id": 999_999},
        "reopen": {"reason": "r"},
        "answer": {"answer": "Our fax number is 312-555-0100"},
        "ask": {"colleague_id": 999_999, "text": "Can you check?", "due_at": later},
        "answer_request": {"answer": "Done"},
        "revoke_links": {"reason": "Lost phone", "confirm": True},
    }
    if not ACTIONS[action].inputs:
        return None
    return bodies[action]


def test_the_api_obeys_the_table(client, kinds, people) -> None:
    mismatches = []
    for role, user in people.items():
        headers = api_auth(user)
        for kind, item in kinds.items():
            for name, action in ACTIONS.items():
                events = item.events.count()
                body = api_body(name, item)
                response = client.post(
                    f"/api/v1/items/{item.pk}/{action.slug}",
                    body if body is not None else {},
                    content_type="application/json",
                    **headers,
                )
                got, want = outcome(response.status_code), expected(role, kind, name)
                if got != want:
                    mismatches.append(f"API {name} on {kind} as {role}: {got}, expected {want}")
                if want != ALLOWED and item.events.count() != events:
                    mismatches.append(f"API {name} on {kind} as {role} changed the item")
    assert mismatches == []


def test_the_item_page_obeys_the_table(client, kinds, people) -> None:
    mismatches = []
    for role, user in people.items():
        client.force_login(user)
        for kind, item in kinds.items():
            for name in ACTIONS:
                events = item.events.count()
                response = client.post(reverse("item_action", args=[item.pk, name]), {})
                got, want = outcome(response.status_code), expected(role, kind, name)
                if got != want:
                    mismatches.append(f"page {name} on {kind} as {role}: {got}, expected {want}")
                if want != ALLOWED and item.events.count() != events:
                    mismatches.append(f"page {name} on {kind} as {role} changed the item")
    assert mismatches == []


def test_the_table_is_not_vacuous() -> None:
    """Every outcome occurs: the matrix can tell a missing check from a present one."""
    seen = {expected(r, k, a) for r in ROLES for k in MAY_ACT for a in ACTIONS}
    assert seen == {ALLOWED, 403, 404}


# --- the two bugs that started this ----------------------------------------------------------


def test_a_support_token_cannot_add_a_note_to_a_red_flag_item(client, kinds, assistant) -> None:
    item = kinds["red flag, non-clinical category"]
    response = client.post(
        f"/api/v1/items/{item.pk}/note",
        {"text": "Told her to take an aspirin"},
        content_type="application/json",
        **api_auth(assistant),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not item.events.filter(text__contains="aspirin").exists()


def test_a_support_token_cannot_resolve_a_red_flag_item_filed_as_scheduling(
    client, kinds, assistant
) -> None:
    item = kinds["red flag, non-clinical category"]
    token = api_auth(assistant)
    steps = [
        ("update-window", api_body("update_window", item)),
        ("contact", {**(api_body("contact", item) or {}), "gave_next_step": True}),
        ("resolve", {"outcome": "Rebooked"}),
    ]
    for slug, body in steps:
        response = client.post(
            f"/api/v1/items/{item.pk}/{slug}", body, content_type="application/json", **token
        )
        assert response.status_code == 403, slug
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_the_lifecycle_itself_refuses_a_non_clinical_resolution_of_a_red_flag(
    kinds, assistant, nurse
) -> None:
    """Through any door: the resolve rule reads ``is_clinical`` (red flag included)."""
    item = kinds["red flag, non-clinical category"]
    item = told(planned(item, nurse), nurse)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Rebooked")
    assert refused.value.code == "clinical_only"
