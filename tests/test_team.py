"""One team across practices and shifts (issue 21): no two people on one item, shift handoffs,
cover for absence, requests to a named colleague, the playbook, views and bulk actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closeloop.support_queue import lifecycle, presence
from closeloop.support_queue.models import EventCode, SupportItem, TimelineEvent
from tests.conftest import api_auth, client_as, planned

pytestmark = pytest.mark.django_db


# --- no two people on one item -----------------------------------------------------------------


def test_every_timeline_event_moves_the_version_on(clock, make_item, assistant) -> None:
    item = make_item()
    assert item.version == 1
    item = planned(item, assistant)
    assert item.version == 3  # assigned, then planned
    versions = list(TimelineEvent.objects.filter(item=item).values_list("version", flat=True))
    assert versions == [1, 2, 3]


def test_a_second_session_saving_over_a_change_is_refused_with_the_change_and_keeps_the_text(
    clock, make_item, assistant, supervisor
) -> None:
    item = planned(make_item(), assistant)
    first, second = client_as(assistant), client_as(supervisor)
    page = second.get(f"/items/{item.pk}/").content.decode()
    assert f'name="version" value="{item.version}"' in page
    loaded = item.version
    # The first person adds a note while the second is typing theirs.
    done = first.post(f"/items/{item.pk}/note/", {"version": loaded, "note-text": "Called the lab"})
    assert done.status_code == 302
    refused = second.post(
        f"/items/{item.pk}/note/", {"version": loaded, "note-text": "My own careful note"}
    )
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "changed after you opened it" in body
    assert "Assistant" in body or "assistant" in body  # who changed it
    assert "My own careful note" in body  # what was typed is kept
    notes = TimelineEvent.objects.filter(item=item, code=EventCode.NOTE)
    assert [n.text for n in notes] == ["Called the lab"]
    # Saved again from the refreshed form (it carries the new version): accepted.
    item.refresh_from_db()
    assert f'name="version" value="{item.version}"' in body
    again = second.post(
        f"/items/{item.pk}/note/", {"version": item.version, "note-text": "My own careful note"}
    )
    assert again.status_code == 302
    assert notes.all().count() == 2


def test_the_api_refuses_a_stale_if_match_with_412_and_the_current_etag(
    client, clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    auth = api_auth(assistant)
    read = client.get(f"/api/v1/items/{item.pk}", **auth)
    etag = read["ETag"]
    assert etag == f'"{item.version}"' and read.json()["version"] == item.version
    lifecycle.item_add_note(item=item, actor=assistant, text="Meanwhile, on the page")
    stale = client.post(
        f"/api/v1/items/{item.pk}/note",
        {"text": "From the integration"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "changed_since_loaded" and error["version"] == item.version + 1
    assert error["changes"] and error["changes"][0].startswith("item.note")
    assert stale["ETag"] == f'"{item.version + 1}"'
    fresh = client.post(
        f"/api/v1/items/{item.pk}/note",
        {"text": "From the integration"},
        content_type="application/json",
        HTTP_IF_MATCH=stale["ETag"],
        **auth,
    )
    assert fresh.status_code == 200 and fresh["ETag"] == f'"{item.version + 2}"'
    # Without If-Match the action applies to the item as it is (older clients keep working);
    # a malformed one is a 422 naming the header.
    assert (
        client.post(
            f"/api/v1/items/{item.pk}/note", {"text": "x"}, content_type="application/json", **auth
        ).status_code
        == 200
    )
    bad = client.post(
        f"/api/v1/items/{item.pk}/note",
        {"text": "x"},
        content_type="application/json",
        HTTP_IF_MATCH="yesterday",
        **auth,
    )
    assert bad.status_code == 422 and "If-Match" in bad.content.decode()


def test_the_item_page_shows_who_else_has_it_open(clock, make_item, assistant, supervisor) -> None:
    item = make_item()
    first, second = client_as(assistant), client_as(supervisor)
    assert "Also open" not in first.get(f"/items/{item.pk}/presence/?v=1").content.decode()
    second.get(f"/items/{item.pk}/presence/?v=1")
    shown = first.get(f"/items/{item.pk}/presence/?v=1").content.decode()
    assert "Also open now" in shown and "supervisor" in shown
    # A page closed (not heard from) for longer than the window is gone.
    clock.shift(timedelta(seconds=presence.PRESENCE_SECONDS + 1))
    assert "Also open" not in first.get(f"/items/{item.pk}/presence/?v=1").content.decode()
    # It also says when the item changed since the page was loaded.
    lifecycle.item_add_note(item=item, actor=supervisor, text="x")
    assert (
        "changed since you opened it"
        in first.get(f"/items/{item.pk}/presence/?v=1").content.decode()
    )


def test_presence_of_another_practices_item_is_404(client, clock, lakeside_item, assistant) -> None:
    client.force_login(assistant)
    assert client.get(f"/items/{lakeside_item.pk}/presence/").status_code == 404
    assert not SupportItem.objects.filter(presence__user=assistant).exists()


def test_stale_presence_rows_are_forgotten(clock, make_item, assistant) -> None:
    item = make_item()
    presence.seen(item, assistant)
    assert presence.forget_stale(timezone.now()) == 0
    assert presence.forget_stale(timezone.now() + presence.FORGET_AFTER * 2) == 1


# --- shift handoff -----------------------------------------------------------------------------


def _colleague(org: Any, riverside: Any, username: str, **kw: Any) -> Any:
    from closeloop.practices.choices import Role, Skill
    from closeloop.practices.services import staff_create

    return staff_create(
        organization=org, username=username, password="pw", roles=[Role.SUPPORT],
        practices=[riverside], languages=["en", "es"], first_name=username.title(),
        skills=[Skill.SCHEDULING], email=f"{username}@example.com", **kw,
    )  # fmt: skip


def test_a_shift_handoff_moves_items_promises_and_sends_one_alert(
    clock, org, riverside, make_item, assistant
) -> None:
    from closeloop.support_queue.models import AlertDelivery, AlertKind, StaffAlert
    from closeloop.team import shifts

    mateo = _colleague(org, riverside, "mateo")
    soon = planned(make_item(), assistant, after=timedelta(hours=3), acknowledge=True)
    later = planned(
        make_item(summary="Later"), assistant, after=timedelta(days=3), acknowledge=True
    )
    rows = shifts.shift_items(assistant)
    assert [r.item.pk for r in rows] == [soon.pk, later.pk]
    assert rows[0].due_before_return and not rows[1].due_before_return
    assert rows[0].suggested == mateo  # on duty, on the team, speaks the language, least loaded
    promise = soon.promised_update_at
    result = shifts.hand_over(
        actor=assistant,
        handovers=[
            shifts.Handover(soon.pk, mateo, "Lab results expected at 3"),
            shifts.Handover(later.pk, None),
        ],
        note_for_all="End of my shift.",
        go_off_duty=True,
    )
    assert not result.refused
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.owner == mateo and soon.promised_update_at == promise  # the promise moves along
    assert soon.handoff_due_at is not None
    assert later.owner is None  # back to the team queue, its promise kept
    assert later.promised_update_at is not None
    event = TimelineEvent.objects.filter(item=soon, code=EventCode.HANDED_OFF).last()
    assert event.text == "End of my shift. Lab results expected at 3"
    alerts = StaffAlert.objects.filter(user=mateo)
    assert alerts.count() == 1 and alerts.get().kind == AlertKind.SHIFT_HANDOFF
    assert AlertDelivery.objects.filter(alert__user=mateo).count() == 1
    assistant.staff.refresh_from_db()
    assert not assistant.staff.available


def test_a_handoff_refused_for_one_item_reports_it_and_moves_the_rest(
    clock, org, riverside, make_item, assistant, nurse
) -> None:
    from closeloop.team import shifts

    mateo = _colleague(org, riverside, "mateo")
    one = planned(make_item(), assistant)
    two = planned(make_item(summary="Two"), assistant)
    result = shifts.hand_over(
        actor=assistant,
        handovers=[shifts.Handover(one.pk, nurse), shifts.Handover(two.pk, mateo)],
    )
    assert [item.pk for item in result.moved] == [two.pk]
    assert result.refused[0][0] == one.pk and "not on the" in result.refused[0][1]
    one.refresh_from_db()
    assert one.owner == assistant


def test_the_shift_page_hands_over_what_was_chosen(
    clock, org, riverside, make_item, assistant
) -> None:
    mateo = _colleague(org, riverside, "mateo")
    item = planned(make_item(), assistant)
    client = client_as(assistant)
    page = client.get("/shift/").content.decode()
    assert f"#{item.pk}" in page and "Mateo" in page
    done = client.post(
        "/shift/handover/",
        {"item": [item.pk], f"to-{item.pk}": mateo.pk, f"note-{item.pk}": "Call the pharmacy",
         "note_all": "", "off_duty": "on"},
    )  # fmt: skip
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.owner == mateo


def test_supervisors_see_who_is_on_duty_and_what_each_holds(
    clock, org, riverside, make_item, assistant, supervisor
) -> None:
    planned(make_item(), assistant)
    page = client_as(supervisor).get("/team/").content.decode()
    assert "assistant" in page and "On duty" in page
    assert client_as(assistant).get("/team/").status_code == 403


# --- cover for absence -------------------------------------------------------------------------


def test_an_away_person_gets_nothing_new_and_their_due_items_reach_the_cover(
    clock, org, riverside, make_item, assistant, supervisor
) -> None:
    from closeloop.intake.services import file_item  # noqa: F401  (routing through intake)
    from closeloop.support_queue.models import AlertKind, StaffAlert
    from closeloop.team import absence
    from closeloop.triage.routing import auto_assign

    mateo = _colleague(org, riverside, "mateo")
    due = planned(make_item(), assistant, after=timedelta(hours=5))
    away = absence.absence_create(
        actor=assistant, user=assistant, starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=3), cover=mateo, note="Holiday",
    )  # fmt: skip
    due.refresh_from_db()
    assert due.owner == mateo
    assert StaffAlert.objects.filter(user=mateo, kind=AlertKind.COVER).count() == 1
    # Nothing new for the away person: routing and manual handoffs skip them.
    fresh = auto_assign(item=make_item(summary="New one"))
    assert fresh.owner != assistant
    assistant.staff.refresh_from_db()
    with pytest.raises(lifecycle.LifecycleError, match="away"):
        lifecycle.item_assign(item=fresh, actor=supervisor, owner=assistant, team=fresh.team)
    # Back: new work again, and what was covered is listed.
    covered = absence.absence_return(away)
    assert [row["item"].pk for row in covered] == [due.pk]
    assistant.staff.refresh_from_db()
    assert assistant.staff.available and not assistant.staff.is_away


def test_with_no_cover_the_supervisors_are_asked_to_reassign(
    clock, org, riverside, make_item, assistant, supervisor
) -> None:
    from closeloop.support_queue.models import AlertKind, StaffAlert
    from closeloop.team import absence

    due = planned(make_item(), assistant, after=timedelta(hours=5))
    absence.absence_create(
        actor=supervisor, user=assistant, starts_at=timezone.now(), ends_at=None, cover=None
    )
    assert StaffAlert.objects.filter(user=supervisor, item=due, kind=AlertKind.OWNER_AWAY).exists()


def test_an_absence_starting_later_is_started_by_the_sweep_once(
    clock, org, riverside, make_item, assistant
) -> None:
    from closeloop.periodic.sweep import sweep
    from closeloop.team import absence

    mateo = _colleague(org, riverside, "mateo")
    due = planned(make_item(), assistant, after=timedelta(days=2))
    absence.absence_create(
        actor=assistant, user=assistant, starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=5), cover=mateo,
    )  # fmt: skip
    due.refresh_from_db()
    assert due.owner == assistant  # not yet
    clock.shift(timedelta(days=1, minutes=1))
    sweep()
    sweep()
    due.refresh_from_db()
    assert due.owner == mateo
    assert TimelineEvent.objects.filter(item=due, code=EventCode.HANDED_OFF).count() == 1
    clock.shift(timedelta(days=4))
    sweep()
    assistant.staff.refresh_from_db()
    assert not assistant.staff.is_away


def test_only_the_person_or_their_supervisor_marks_them_away(
    clock, org, riverside, assistant, billing
) -> None:
    from closeloop.team import absence

    with pytest.raises(absence.AbsenceError):
        absence.absence_create(
            actor=billing, user=assistant, starts_at=timezone.now(), ends_at=None, cover=None
        )


# --- requests to a named colleague -------------------------------------------------------------


def test_a_request_to_the_nurse_comes_due_escalates_and_its_answer_reaches_the_asker(
    clock, make_item, assistant, nurse, supervisor
) -> None:
    from closeloop.periodic.sweep import sweep
    from closeloop.support_queue import colleague_requests
    from closeloop.support_queue.models import AlertKind, ColleagueRequest, StaffAlert

    item = planned(make_item(), assistant)
    item = colleague_requests.request_ask(
        item=item, actor=assistant, colleague=nurse,
        text="Can you confirm the refill was sent?", due_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    assert StaffAlert.objects.filter(user=nurse, kind=AlertKind.REQUEST).count() == 1
    # It is in the nurse's queue, under "Asked of me".
    page = client_as(nurse).get("/?tab=requests").content.decode()
    assert f"#{item.pk}" in page or f"/items/{item.pk}/" in page
    clock.shift(timedelta(hours=1, minutes=1))
    sweep()
    assert StaffAlert.objects.filter(user=nurse, kind=AlertKind.REQUEST_DUE).count() == 1
    clock.shift(timedelta(hours=2))
    sweep()
    sweep()
    assert StaffAlert.objects.filter(user=supervisor, kind=AlertKind.REQUEST_ESCALATED).count() == 1
    assert TimelineEvent.objects.filter(item=item, code=EventCode.REQUEST_ESCALATED).count() == 1
    colleague_requests.request_answer(item=item, actor=nurse, answer="Sent to the pharmacy at 9:12")
    request = ColleagueRequest.objects.get()
    assert request.answered_at is not None
    assert StaffAlert.objects.filter(user=assistant, kind=AlertKind.REQUEST_ANSWERED).exists()
    assert "Asked of me" in client_as(nurse).get("/").content.decode()


def test_clinical_requests_go_only_to_clinical_staff(
    clock, make_item, assistant, nurse, billing
) -> None:
    from closeloop.support_queue import colleague_requests

    clinical = make_item(code="clinical_message")
    with pytest.raises(lifecycle.LifecycleError, match="clinical staff only"):
        colleague_requests.request_ask(
            item=clinical, actor=nurse, colleague=billing, text="Check this",
            due_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
    with pytest.raises(lifecycle.LifecycleError, match="Nobody is waiting"):
        colleague_requests.request_answer(item=clinical, actor=nurse, answer="?")


def test_the_api_asks_and_answers_like_the_page(client, clock, make_item, assistant, nurse) -> None:
    item = planned(make_item(), assistant)
    auth = api_auth(assistant)
    asked = client.post(
        f"/api/v1/items/{item.pk}/ask",
        {"colleague_id": nurse.pk, "text": "Refill sent?", "due_at": "2026-11-17T18:00:00Z"},
        content_type="application/json",
        **auth,
    )
    assert asked.status_code == 200, asked.content
    nurse_auth = api_auth(nurse)
    answered = client.post(
        f"/api/v1/items/{item.pk}/answer-request",
        {"answer": "Yes, at 9:12"},
        content_type="application/json",
        **nurse_auth,
    )
    assert answered.status_code == 200, answered.content


def test_a_mention_in_a_note_alerts_the_colleague_who_may_read_it(
    clock, make_item, assistant, nurse, outsider
) -> None:
    from closeloop.support_queue.models import AlertKind, StaffAlert

    item = make_item()
    lifecycle.item_add_note(item=item, actor=assistant, text="@nurse and @outsider please look")
    assert StaffAlert.objects.filter(user=nurse, kind=AlertKind.MENTION).count() == 1
    # Lakeside's outsider does not serve this practice: not alerted.
    assert not StaffAlert.objects.filter(user=outsider).exists()


# --- the playbook ------------------------------------------------------------------------------


def _practice_admin(org: Any, riverside: Any) -> Any:
    from closeloop.practices.choices import Role
    from closeloop.practices.services import staff_create

    return staff_create(
        organization=org, username="padmin", password="pw", roles=[Role.PRACTICE_ADMIN],
        practices=[riverside],
    )  # fmt: skip


def test_the_playbook_search_finds_the_fax_number_for_those_who_serve_the_practice(
    clock, org, riverside, lakeside, make_item, assistant, outsider
) -> None:
    from closeloop.team import playbook

    admin = _practice_admin(org, riverside)
    client = client_as(admin)
    fax = "Main fax (312) 555-0199; referrals fax (312) 555-0198"
    added = client.post(
        "/settings/riverside/playbook/", {"section": "fax", "title": "Fax numbers", "body": fax}
    )
    assert added.status_code == 302
    playbook.entry_save(
        actor=outsider,
        practice=lakeside,
        section="fax",
        title="Fax",
        body="Lakeside fax 212-555-0177",
    )
    item = make_item()
    found = client_as(assistant).get("/playbook/search/", {"q": "fax", "practice": "riverside"})
    body = found.content.decode()
    assert "(312) 555-0199" in body and "212-555-0177" not in body
    # Beside the item and in the log form.
    assert "playbook_search" not in client_as(assistant).get(f"/items/{item.pk}/").content.decode()
    assert "/playbook/search/" in client_as(assistant).get(f"/items/{item.pk}/").content.decode()
    assert "/playbook/search/" in client_as(assistant).get("/log/").content.decode()
    # Another practice's playbook is a 404 for those who do not serve it.
    assert client_as(assistant).get("/practices/lakeside/playbook/").status_code == 404
    assert (
        "(312) 555-0199"
        in client_as(assistant).get("/practices/riverside/playbook/?q=fax").content.decode()
    )


def test_playbook_changes_are_versioned_and_only_admins_edit(
    clock, org, riverside, assistant
) -> None:
    from closeloop.team.models import PlaybookEntry, PlaybookRevision

    admin = _practice_admin(org, riverside)
    client = client_as(admin)
    client.post(
        "/settings/riverside/playbook/",
        {"section": "providers", "title": "Dr. Kim", "body": "Mondays and Thursdays"},
    )
    entry = PlaybookEntry.objects.get()
    client.post(
        f"/settings/riverside/playbook/{entry.pk}/",
        {f"e{entry.pk}-section": "providers", f"e{entry.pk}-title": "Dr. Kim",
         f"e{entry.pk}-body": "Mondays, Wednesdays and Thursdays"},
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.version == 2 and "Wednesdays" in entry.body
    revision = PlaybookRevision.objects.get()
    assert revision.body == "Mondays and Thursdays" and revision.version == 1
    assert "Mondays and Thursdays" in client.get("/settings/riverside/playbook/").content.decode()
    assert client_as(assistant).get("/settings/riverside/playbook/").status_code == 404
    assert (
        client_as(assistant)
        .post(f"/settings/riverside/playbook/{entry.pk}/", {"delete": "1"})
        .status_code
        == 404
    )
    assert PlaybookEntry.objects.exists()


# --- views and bulk actions --------------------------------------------------------------------


def test_a_saved_view_is_personal_or_shared_with_the_team(
    clock, make_item, assistant, supervisor, outsider
) -> None:
    client = client_as(assistant)
    client.post("/views/save/", {"name": "My voicemails", "tab": "open", "channel": "voicemail"})
    client.post(
        "/views/save/",
        {"name": "Team billing", "tab": "open", "category": "billing", "shared": "on"},
    )
    mine = client.get("/?tab=open").content.decode()
    assert "My voicemails" in mine and "Team billing" in mine
    theirs = client_as(supervisor).get("/?tab=open").content.decode()
    assert "Team billing" in theirs and "My voicemails" not in theirs
    assert "tab=open&amp;channel=voicemail" in mine or "tab=open&channel=voicemail" in mine


def test_a_bulk_reassign_respects_caps_and_reports_refusals(
    clock, org, riverside, make_item, assistant
) -> None:
    from closeloop.practices.models import StaffProfile
    from closeloop.team.bulk import bulk_run

    mateo = _colleague(org, riverside, "mateo")
    StaffProfile.objects.filter(user=mateo).update(max_open_items=2)
    mateo.refresh_from_db()
    items = [planned(make_item(summary=f"n{n}"), assistant) for n in range(3)]
    clinical = make_item(code="clinical_message")
    result = bulk_run(
        actor=assistant,
        item_ids=[i.pk for i in items] + [clinical.pk],
        action="assign",
        data={"owner": mateo, "reason": "Mateo takes these"},
    )
    assert result.done == [items[0].pk, items[1].pk]
    refused = dict(result.refused)
    assert "cap of 2" in refused[items[2].pk]
    assert "clinical staff" in refused[clinical.pk].lower()
    assert SupportItem.objects.filter(owner=mateo).count() == 2
    for item in items[:2]:
        assert TimelineEvent.objects.filter(item=item, code=EventCode.HANDED_OFF).exists()


def test_the_bulk_page_notes_escalates_and_merges_through_the_same_rules(
    clock, make_item, assistant, supervisor
) -> None:
    one, two = make_item(summary="One"), make_item(summary="Two")
    client = client_as(assistant)
    page = client.get("/bulk/?tab=open").content.decode()
    assert f'value="{one.pk}"' in page and f'value="{two.pk}"' in page
    client.post("/bulk/", {"action": "note", "item": [one.pk, two.pk], "reason": "Checked both"})
    assert TimelineEvent.objects.filter(code=EventCode.NOTE, text="Checked both").count() == 2
    client.post("/bulk/", {"action": "merge", "item": [one.pk, two.pk]})
    two.refresh_from_db()
    assert two.merged_into_id == one.pk
    done = client.post(
        "/bulk/", {"action": "escalate", "item": [one.pk], "reason": "Waited too long"}
    )
    assert done.status_code == 302
    one.refresh_from_db()
    assert one.escalated


def test_no_team_page_reaches_another_practice(
    clock, make_item, lakeside_item, assistant, supervisor, outsider
) -> None:
    from closeloop.team.bulk import bulk_run

    result = bulk_run(
        actor=assistant, item_ids=[lakeside_item.pk], action="note", data={"text": "x"}
    )
    assert result.done == [] and result.refused[0][0] == lakeside_item.pk
    assert not TimelineEvent.objects.filter(item=lakeside_item, code=EventCode.NOTE).exists()
    page = client_as(assistant).get("/bulk/?tab=open").content.decode()
    assert f'id="tick-{lakeside_item.pk}"' not in page
    team = client_as(supervisor).get("/team/").content.decode()
    assert "outsider" not in team
    assert client_as(assistant).get("/playbook/search/?q=fax&practice=lakeside").status_code == 200


def test_presence_polling_is_background_and_does_not_keep_a_session_alive(
    clock, make_item, assistant
) -> None:
    item = make_item()
    client = client_as(assistant)
    page = client.get(f"/items/{item.pk}/").content.decode()
    presence_tag = next(line for line in page.splitlines() if 'id="presence"' in line)
    assert "X-Closeloop-Background" in presence_tag
    clock.shift(timedelta(minutes=14))
    client.get(f"/items/{item.pk}/presence/?v=1", HTTP_X_CLOSELOOP_BACKGROUND="1")
    clock.shift(timedelta(minutes=2))
    assert client.get(f"/items/{item.pk}/")["Location"] == "/login/?idle=1"
