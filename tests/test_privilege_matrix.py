"""Who may do what among the administrative pages, as one table found by discovery.

Every Settings and administrative URL (from the URL resolver: every view of the settings and
security modules, the Settings pages elsewhere, the admin site) is requested as each persona —
the organization admin, the admin of one practice, the admin of both, a person serving both
practices, the front desk — against each target: for acts on a person, themselves, a colleague
of one practice, a colleague of both, an organization admin; for a practice's pages, Riverside
and Lakeside. Each answer must be the one written in ``EXPECTED``, and a refused request (403,
404, 405, 409, 422) must change nothing. A URL without an entry fails the test, and so does an API
operation on staff or settings (there is none).

The rule behind the table (``closeloop.security.scope``, SECURITY.md): a practice admin acts on
a person only when they run every practice the person serves and the person holds no admin
role; the organization admin does the rest; nobody resets, unlocks or deactivates themselves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.outreach.models import OutreachPlan
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Role
from closeloop.practices.models import ChannelRoute, Holiday, OnCallShift, Practice
from closeloop.practices.services import staff_create
from closeloop.security.models import CredentialReset
from closeloop.team.models import PlaybookEntry
from closeloop.webhooks.models import WebhookEndpoint
from tests.conftest import category, doubtful_video_visit, locked_out, named_routes

pytestmark = pytest.mark.django_db

PERSONAS = ("org_admin", "admin_of_one", "admin_of_both", "two_practices", "front_desk")
PEOPLE = ("self", "one", "both", "org_admin", "operator")
PRACTICES = ("riverside", "lakeside")

#: The Settings pages' answer by practice: (Riverside, Lakeside). The organization admin
#: configures every practice; a practice admin their own; nobody else has Settings (404).
OWN_PRACTICES = {
    "org_admin": (200, 200), "admin_of_one": (200, 404), "admin_of_both": (200, 200),
    "two_practices": (404, 404), "front_desk": (404, 404),
}  # fmt: skip


def practices_answer(ok: int, refused: int = 404) -> dict[str, tuple[int, ...]]:
    return {
        persona: tuple(ok if code == 200 else refused for code in answers)
        for persona, answers in OWN_PRACTICES.items()
    }


def everyone(**answers: int) -> dict[str, tuple[int, ...]]:
    return {persona: (answers[persona],) for persona in PERSONAS}


ADMINS_ONLY = everyone(
    org_admin=200, admin_of_one=200, admin_of_both=200, two_practices=404, front_desk=404
)
#: Acts on a person's account: (self, a colleague of one practice, of both, an org admin,
#: an installation operator — a Django superuser who also has a Riverside staff profile).
#: The org admin: anyone but themselves (editing their own profile is fine) and operators. The
#: admin of Riverside: the Riverside-only colleague only. The admin of both: both colleagues,
#: not the org admin. Nobody acts on an operator's account here. Without Settings: 404.
NOT_ON_ONESELF = {
    "org_admin": ("refused", "ok", "ok", "ok", "refused"),
    "admin_of_one": ("refused", "ok", "refused", "refused", "refused"),
    "admin_of_both": ("refused", "ok", "ok", "refused", "refused"),
    "two_practices": ("none", "none", "none", "none", "none"),
    "front_desk": ("none", "none", "none", "none", "none"),
}


def on_people(ok: int, *, self_ok: bool = False) -> dict[str, tuple[int, ...]]:
    codes = {"ok": ok, "refused": 403, "none": 404}
    grid = {}
    for persona, row in NOT_ON_ONESELF.items():
        answers = [codes[a] for a in row]
        if self_ok and persona == "org_admin":
            answers[0] = ok
        grid[persona] = tuple(answers)
    return grid


#: (URL name, method) -> what it is about -> persona -> answers (one per target).
EXPECTED: dict[tuple[str, str], tuple[str, dict[str, tuple[int, ...]]]] = {
    ("settings", "get"): ("nothing", ADMINS_ONLY),
    ("settings_staff", "get"): ("nothing", ADMINS_ONLY),
    ("settings_staff_new", "get"): ("nothing", ADMINS_ONLY),
    ("settings_staff_new", "post"): ("nothing", ADMINS_ONLY),  # (an empty form: errors)
    ("settings_staff_edit", "get"): ("person", on_people(200, self_ok=True)),
    ("settings_staff_edit", "post"): ("person", on_people(302, self_ok=True)),
    ("settings_staff_password", "post"): ("person", on_people(200)),
    ("settings_staff_reset_mfa", "post"): ("person", on_people(302)),
    ("settings_staff_unlock", "post"): ("person", on_people(302)),
    ("settings_staff_deactivate", "get"): ("person", on_people(200)),
    ("settings_staff_deactivate", "post"): ("person", on_people(302)),
    # Reactivation is the organization admin's alone; everyone here is active, so the one
    # allowed to ask is told there is nothing to reactivate (409, tests/test_account_walk.py
    # reactivates a deactivated person).
    ("settings_staff_reactivate", "post"): (
        "person",
        {
            "org_admin": (403, 409, 409, 409, 403),
            "admin_of_one": (403, 403, 403, 403, 403),
            "admin_of_both": (403, 403, 403, 403, 403),
            "two_practices": (404, 404, 404, 404, 404),
            "front_desk": (404, 404, 404, 404, 404),
        },
    ),
    ("settings_practice", "get"): ("practice", practices_answer(200)),
    # Each section saves on its own (here the contact section, posted empty: errors).
    ("settings_practice_section", "get"): ("practice", practices_answer(200)),
    ("settings_practice_section", "post"): ("practice", practices_answer(422)),
    ("settings_holiday_add", "post"): ("practice", practices_answer(422)),
    ("settings_holiday_delete", "post"): ("practice", practices_answer(302)),
    ("settings_oncall_add", "post"): ("practice", practices_answer(422)),
    ("settings_oncall_delete", "post"): ("practice", practices_answer(302)),
    ("settings_route_add", "post"): ("practice", practices_answer(422)),
    ("settings_route_delete", "post"): ("practice", practices_answer(302)),
    ("settings_webhook_add", "post"): ("practice", practices_answer(422)),
    ("settings_webhook_delete", "post"): ("practice", practices_answer(302)),
    ("settings_categories", "get"): ("practice", practices_answer(200)),
    ("settings_category", "get"): ("practice", practices_answer(200)),
    ("settings_category", "post"): ("practice", practices_answer(422)),
    ("settings_script_preview", "post"): ("practice", practices_answer(200)),
    ("settings_templates", "get"): ("practice", practices_answer(200)),
    ("settings_template", "get"): ("practice", practices_answer(200)),
    ("settings_template", "post"): ("practice", practices_answer(422)),
    ("settings_template_preview", "post"): ("practice", practices_answer(200)),
    ("settings_outreach", "get"): ("practice", practices_answer(200)),
    ("settings_outreach", "post"): ("practice", practices_answer(422)),
    ("settings_outreach_plan", "get"): ("practice", practices_answer(200)),
    ("settings_outreach_plan", "post"): ("practice", practices_answer(422)),
    ("settings_outreach_delete", "post"): ("practice", practices_answer(302)),
    ("settings_playbook", "get"): ("practice", practices_answer(200)),
    ("settings_playbook", "post"): ("practice", practices_answer(422)),
    ("settings_playbook_entry", "post"): ("practice", practices_answer(302)),
    # Emergency access: supervisors (none here) and org admins grant, to a colleague, never
    # to themselves, to an operator account nor to someone who already serves the practice
    # (the colleague of both: 422); admins see the grants; a practice admin grants nothing.
    ("emergency_access", "get"): ("nothing", ADMINS_ONLY),
    ("emergency_access", "post"): (
        "person",
        {
            "org_admin": (422, 302, 422, 302, 422),
            "admin_of_one": (422, 422, 422, 422, 422),
            "admin_of_both": (422, 422, 422, 422, 422),
            "two_practices": (404, 404, 404, 404, 404),
            "front_desk": (404, 404, 404, 404, 404),
        },
    ),
    # The audit log and a patient's records: by the practices one serves (the organization
    # admin here serves Riverside only), not by the practices one configures.
    ("audit", "get"): ("nothing", ADMINS_ONLY),
    ("patient_audit", "get"): (
        "practice",
        {
            "org_admin": (200, 404),
            "admin_of_one": (200, 404),
            "admin_of_both": (200, 200),
            "two_practices": (404, 404),
            "front_desk": (404, 404),
        },
    ),  # fmt: skip
    ("patient_export", "post"): (
        "practice",
        {
            "org_admin": (200, 404),
            "admin_of_one": (200, 404),
            "admin_of_both": (200, 200),
            "two_practices": (404, 404),
            "front_desk": (404, 404),
        },
    ),  # fmt: skip
}
#: The admin site is for installation administrators (superusers) only: every persona is sent
#: to its sign-in page.
ADMIN_SITE = everyone(
    org_admin=302, admin_of_one=302, admin_of_both=302, two_practices=302, front_desk=302
)
#: The admin site's own sign-in and sign-out pages (open to anyone).
ADMIN_SIGN_IN = {"admin:login", "admin:logout"}
#: Views of the settings and security modules that are one's own account, not administration.
SELF_SERVICE = {"mfa_setup", "mfa_verify", "account", "password_set_own"}
ADMINISTRATIVE_MODULES = ("closeloop.web.settings_views", "closeloop.web.security_views")


def administrative_routes() -> dict[str, list[str]]:
    """Every administrative URL name with its parameters, found in the URL conf: the Settings
    pages, the views of the settings and security modules (but one's own account), and the
    admin site's pages without parameters."""
    found: dict[str, list[str]] = {}
    for name, params, module in named_routes():
        if name.startswith("admin:"):
            if not params and name not in ADMIN_SIGN_IN:
                found[name] = params
        elif (
            name.startswith("settings") or module.startswith(ADMINISTRATIVE_MODULES)
        ) and name not in SELF_SERVICE:
            found[name] = params
    return found


def person(org: Any, username: str, roles: list[str], practices: list[Any]) -> Any:
    return staff_create(
        organization=org, username=username, password="pw", roles=roles, practices=practices,
        first_name=username.capitalize(), email=f"{username}@example.com",
    )  # fmt: skip


def objects_of(practice: Practice, clinician: Any) -> dict[str, Any]:
    start = timezone.now()
    return {
        "practice": practice,
        "patient": patient_create(practice=practice, first_name="Pat", last_name="Ient"),
        "holiday": Holiday.objects.create(practice=practice, date=start.date(), name="Closed"),
        "oncall": OnCallShift.objects.create(
            practice=practice, clinician=clinician, starts_at=start,
            ends_at=start + timedelta(hours=8),
        ),
        "route": ChannelRoute.objects.create(practice=practice, channel="sms", team="support"),
        "webhook": WebhookEndpoint.objects.create(practice=practice, url="https://example.com/h"),
        "category": category(practice, "billing"),
        "playbook": PlaybookEntry.objects.create(
            practice=practice, section="fax", title="Fax", body="555-0199"
        ),
        "outreach": OutreachPlan.objects.create(practice=practice, kind="Follow-up"),
    }  # fmt: skip


@pytest.fixture
def world(org, riverside, lakeside, assistant) -> dict[str, Any]:
    both = [riverside, lakeside]
    personas = {
        "org_admin": person(org, "oadmin", [Role.ORG_ADMIN], [riverside]),
        "admin_of_one": person(org, "padmin", [Role.PRACTICE_ADMIN], [riverside]),
        "admin_of_both": person(org, "badmin", [Role.PRACTICE_ADMIN], both),
        "two_practices": person(org, "maria", [Role.SUPPORT, Role.CLINICAL], both),
        "front_desk": person(org, "desk", [Role.FRONT_DESK], [riverside]),
    }
    assistant.first_name, assistant.email = "Ana", "assistant@example.com"
    assistant.save()
    people = {
        "one": assistant,
        "both": person(org, "sam", [Role.SUPERVISOR], both),
        "org_admin": person(org, "director", [Role.ORG_ADMIN], [riverside]),
        "operator": person(org, "root", [Role.SUPPORT], [riverside]),
    }
    people["operator"].is_superuser = people["operator"].is_staff = True
    people["operator"].save()
    for target in (*personas.values(), *people.values()):
        # Each has an authenticator to reset and a lockout to lift: the acts fit the account,
        # so the matrix answers who may do them.
        TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
        locked_out(target)
    clinician = personas["two_practices"]
    return {
        "personas": personas,
        "people": people,
        "practices": {p.slug: objects_of(p, clinician) for p in both},
    }


def url_for(name: str, params: list[str], objects: dict[str, Any], target: Any) -> str:
    kwargs: dict[str, Any] = {}
    for param in params:
        if param == "slug":
            kwargs[param] = objects["practice"].slug
        elif param == "language":
            kwargs[param] = "en"
        elif param == "section":
            kwargs[param] = "contact"
        elif param == "pk" and name.startswith("settings_staff"):
            kwargs[param] = target.pk
        elif param == "pk":
            kind = next(
                (k for k in ("holiday", "oncall", "route", "webhook", "playbook", "patient",
                             "outreach")
                 if k in name),
                "category",
            )  # fmt: skip
            kwargs[param] = objects[kind].pk
        else:
            pytest.fail(f"URL {name}: say which value its {param!r} takes in this test")
    url = reverse(name, kwargs=kwargs)
    if name == "settings_template":
        url += "?purpose=received&language=es"
    return url


def post_data(name: str, target: Any, objects: dict[str, Any]) -> dict[str, Any]:
    if name == "settings_staff_edit" and target is not None:
        profile = target.staff
        return {
            "first_name": target.first_name, "last_name": target.last_name or "X",
            "email": target.email, "roles": profile.roles, "skills": profile.skills,
            "languages": profile.languages,
            "practices": list(profile.practices.values_list("pk", flat=True)),
            "max_open_items": profile.max_open_items,
            "max_open_complaints": profile.max_open_complaints,
        }  # fmt: skip
    if name == "emergency_access":
        return {
            "user": target.pk, "practice": objects["practice"].pk, "hours": "2",
            "reason": "Covering the queue while their VA is out sick",
        }  # fmt: skip
    if name == "settings_playbook_entry":
        return {"delete": "1"}
    return {}


def snapshot(world: dict[str, Any]) -> list[Any]:
    people = [*world["personas"].values(), *world["people"].values()]
    users = get_user_model().objects.filter(pk__in=[p.pk for p in people]).order_by("pk")
    rows: list[Any] = [
        (u.pk, u.password, u.is_active, u.first_name, u.email, sorted(u.staff.roles),
         sorted(p.pk for p in u.staff.practices.all()))
        for u in users.select_related("staff").prefetch_related("staff__practices")
    ]  # fmt: skip
    rows.append(sorted(TOTPDevice.objects.values_list("user_id", flat=True)))
    rows.append(CredentialReset.objects.count())
    for objects in world["practices"].values():
        for key in ("holiday", "oncall", "route", "webhook", "playbook"):
            obj = type(objects[key]).objects.filter(pk=objects[key].pk).values().first()
            rows.append(obj)
    return rows


def answer(client: Any, world: dict[str, Any], url: str, method: str, data: dict[str, Any]):
    """The status of one request, and whether it changed anything; rolled back after."""
    with transaction.atomic():
        before = snapshot(world)
        response = getattr(client, method)(url, data)
        changed = snapshot(world) != before
        transaction.set_rollback(True)
    return response.status_code, changed


def test_every_administrative_url_has_an_entry_in_the_matrix() -> None:
    routes = administrative_routes()
    admin_site = {name for name in routes if name.startswith("admin:")}
    assert len(admin_site) > 10
    named = {name for name, _ in EXPECTED}
    missing = sorted(set(routes) - admin_site - named)
    assert not missing, f"add these administrative URLs to EXPECTED: {missing}"
    stale = sorted(named - set(routes))
    assert not stale, f"these EXPECTED entries name no URL: {stale}"


def test_no_api_operation_acts_on_staff_or_settings(client) -> None:
    """The API has no administrative operation; one added must be added to this matrix."""
    schema = client.get("/api/v1/openapi.json").json()
    administrative = [
        path
        for path in schema["paths"]
        if any(word in path for word in ("staff", "settings", "user", "account", "admin"))
    ]
    assert administrative == []


@pytest.mark.parametrize("name,method", sorted(EXPECTED))
def test_the_privilege_matrix(client, world, name, method) -> None:
    routes = administrative_routes()
    about, grid = EXPECTED[(name, method)]
    got: dict[str, tuple[int, ...]] = {}
    changes = []
    for persona in PERSONAS:
        user = world["personas"][persona]
        client.force_login(user)
        row = []
        if about == "person":
            cases = [
                (world["personas"][persona] if t == "self" else world["people"][t], "riverside")
                for t in PEOPLE
            ]
            if name == "emergency_access":
                cases = [(target, "lakeside") for target, _ in cases]
        elif about == "practice":
            cases = [(None, slug) for slug in PRACTICES]
        else:
            cases = [(None, "riverside")]
        for target, slug in cases:
            objects = world["practices"][slug]
            url = url_for(name, routes[name], objects, target)
            data = post_data(name, target, objects) if method == "post" else {}
            status, changed = answer(client, world, url, method, data)
            row.append(status)
            if status in (403, 404, 405, 409, 422) and changed:
                changes.append(f"{method.upper()} {url} as {persona}: {status} yet changed")
        got[persona] = tuple(row)
        client.logout()
    assert got == grid
    assert changes == []


def test_the_admin_site_is_for_installation_administrators_only(client, world) -> None:
    routes = administrative_routes()
    for persona in PERSONAS:
        client.force_login(world["personas"][persona])
        for name in (n for n in routes if n.startswith("admin:")):
            response = client.get(reverse(name))
            assert response.status_code == ADMIN_SITE[persona][0], (name, persona)
            assert response["Location"].startswith("/admin/login/")
        client.logout()


#: The on-call rota, read only, by practice (Riverside, Lakeside): everyone who works for the
#: practice, whatever their role (the organization admin here serves Riverside only); another
#: practice's is a 404. Its changes stay in Settings (the rows above).
ROTA = {
    "org_admin": (200, 404), "admin_of_one": (200, 404), "admin_of_both": (200, 200),
    "two_practices": (200, 200), "front_desk": (200, 404),
}  # fmt: skip


def test_the_on_call_rota_is_for_everyone_who_works_for_the_practice(client, world) -> None:
    got = {}
    for persona in PERSONAS:
        client.force_login(world["personas"][persona])
        got[persona] = tuple(
            client.get(reverse("on_call_practice", args=[slug])).status_code for slug in PRACTICES
        )
        assert client.get(reverse("on_call")).status_code == 200
        assert client.post(reverse("on_call")).status_code == 405
    assert got == ROTA


# --- the appointments page's buttons and their API operations ------------------------------------

#: Each visit action (``actions.visits.VISIT_ACTIONS``), by practice (Riverside, Lakeside): anyone
#: who serves the visit's practice, whatever their role, by the page (302) and the API (200)
#: alike; another practice's visit is a 404 by both, and changes nothing.
VISIT_ACTION_ANSWERS = {
    "org_admin": ("ok", "404"), "admin_of_one": ("ok", "404"), "admin_of_both": ("ok", "ok"),
    "two_practices": ("ok", "ok"), "front_desk": ("ok", "404"),
}  # fmt: skip


def visit_action_request(name: str, visit: Any, candidate: Any) -> tuple[str, dict, dict]:
    """(page URL, page form, API body) of the visit action ``name`` on ``visit``."""
    from closeloop.appointments.services import CHECK_STEPS

    if name == "confirm":
        return reverse("appointment_confirm", args=[visit.pk]), {}, {}
    if name in CHECK_STEPS:
        return reverse("appointment_check", args=[visit.pk, name]), {}, {}
    if name == "choose_patient":
        url = reverse("appointment_patient", args=[visit.pk])
        return url, {"patient": candidate.pk}, {"patient_id": candidate.pk}
    pytest.fail(f"visit action {name}: say how the page and the API ask for it in this test")


def test_visit_actions_are_for_everyone_who_serves_the_practice_by_both_doors(
    client, world
) -> None:
    import json

    from django.forms.models import model_to_dict

    from closeloop.actions.visits import VISIT_ACTIONS
    from closeloop.api.models import ApiToken

    visits = {
        slug: (doubtful_video_visit(objects["practice"], objects["patient"]), objects["patient"])
        for slug, objects in world["practices"].items()
    }
    got: dict[tuple[str, str], tuple[str, ...]] = {}
    changes = []
    for name in VISIT_ACTIONS:
        for persona in PERSONAS:
            user = world["personas"][persona]
            client.force_login(user)
            token = ApiToken.issue(user=user)[1]
            row = []
            for slug in PRACTICES:
                visit, candidate = visits[slug]
                url, form, body = visit_action_request(name, visit, candidate)
                api = f"/api/v1/visits/{visit.pk}/{VISIT_ACTIONS[name].slug}"
                answers = []
                for door in ("page", "api"):
                    with transaction.atomic():
                        before = model_to_dict(type(visit).objects.get(pk=visit.pk))
                        if door == "page":
                            status = client.post(url, form).status_code
                        else:
                            status = client.post(
                                api, json.dumps(body), content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {token}",
                            ).status_code  # fmt: skip
                        after = model_to_dict(type(visit).objects.get(pk=visit.pk))
                        transaction.set_rollback(True)
                    answers.append(status)
                    if status == 404 and after != before:
                        changes.append(f"{door} {name} as {persona} on {slug}: 404 yet changed")
                    if status != 404 and after == before:
                        changes.append(f"{door} {name} as {persona} on {slug}: changed nothing")
                ok = {(302, 200): "ok", (404, 404): "404"}
                row.append(ok.get((answers[0], answers[1]), f"page {answers[0]}, api {answers[1]}"))
            got[(name, persona)] = tuple(row)
            client.logout()
    expected = {
        (name, persona): VISIT_ACTION_ANSWERS[persona]
        for name in VISIT_ACTIONS
        for persona in PERSONAS
    }
    assert got == expected
    assert changes == []
