"""Settings inside the workspace (``/settings/``): staff, practice, categories and scripts,
message templates — for practice and organization admins, scoped to the practices they
administer (another practice's settings are a 404) and, for acts on a person, by the admin
scope rule (``closeloop.security.scope``: a refused act is a 403 saying why). Every change is
audited: the models' saves through the audit signals, the account actions (temporary
password, two-factor reset, unlock, deactivation: ``closeloop.team.accounts``) explicitly. The
Django admin remains for installation administrators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from closeloop.core.languages import SOURCE, language_choices, patient_languages, words
from closeloop.core.types import User
from closeloop.lib import placeholders
from closeloop.messaging.models import MessagePurpose, MessageTemplate
from closeloop.messaging.sendable import text_problems
from closeloop.messaging.services import clinical_content, facts, fill, shipped_template
from closeloop.practices.default_scripts import thanks, tidy, who
from closeloop.practices.models import (
    Category,
    CategoryScript,
    Practice,
    StaffProfile,
)
from closeloop.practices.selectors import staff_profile
from closeloop.security import credentials
from closeloop.security.models import CredentialKind
from closeloop.security.scope import (
    AdminAct,
    admin_refusal,
    admin_scope,
    administered_practices,
    is_org_admin,
    manageable_people,
)
from closeloop.support_queue.item_writes import LifecycleError
from closeloop.support_queue.models import SupportItem
from closeloop.team import accounts
from closeloop.team.accounts import temporary_password
from closeloop.web.http import acting_user
from closeloop.web.settings_forms import (
    SCRIPT_PARTS,
    CategoryForm,
    ScriptsForm,
    StaffForm,
    TemplateForm,
)

SAMPLE_FIRST_NAME = "Ana"
#: The next step the previews show, in the language being previewed.
SAMPLE_NEXT_STEP = words(
    "a sample next step in Settings' previews", "Dr. Kim calls you on Thursday at 9:30"
)


# --- who may configure what ------------------------------------------------------------------
# The rule itself lives in the security layer (``closeloop.security.scope``); these helpers
# only turn its answers into pages: no Settings at all is a 404, a refused act on a person a 403
# that says why.


def _practices_or_404(request: HttpRequest) -> Any:
    practices = administered_practices(request.user)
    if not practices.exists():
        raise Http404("Settings are for practice and organization admins")
    return practices.order_by("name")


def _practice(request: HttpRequest, slug: str) -> Practice:
    practice = _practices_or_404(request).filter(slug=slug).first()
    if practice is None:
        raise Http404("No such practice among yours")
    return practice


def _person(request: HttpRequest, pk: int, act: AdminAct) -> Any:
    """The person ``pk`` if the admin may do ``act`` to them: 404 when the admin does not see
    them at all (they serve none of the admin's practices), 403 with the reason otherwise."""
    _practices_or_404(request)
    person = manageable_people(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such person among your practices' staff")
    refused = admin_refusal(request.user, person, act)
    if refused is not None:
        raise PermissionDenied(refused)
    return person


def _common(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"practices": _practices_or_404(request), **extra}


# --- index and staff ---------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "settings/index.html", _common(request))


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Everyone who serves one of the admin's practices; those beyond the admin's scope are
    listed without actions, with the reason."""
    context = _common(request)
    scope = admin_scope(request.user)
    rows = [
        (person, scope.refusal(person, AdminAct.EDIT)) for person in manageable_people(request.user)
    ]
    return render(request, "settings/staff_list.html", {**context, "rows": rows})


def _staff_form(request: HttpRequest, data: Any = None, editing: Any = None) -> StaffForm:
    initial = {}
    if editing is not None:
        profile = editing.staff
        initial = {
            "first_name": editing.first_name, "last_name": editing.last_name,
            "email": editing.email, "roles": profile.roles, "skills": profile.skills,
            "languages": profile.languages,
            "practices": list(profile.practices.values_list("pk", flat=True)),
            "max_open_items": profile.max_open_items,
            "max_open_complaints": profile.max_open_complaints,
            "available": profile.available, "mobile": profile.mobile,
        }  # fmt: skip
    return StaffForm(
        data,
        practices=_practices_or_404(request),
        may_grant_admin=is_org_admin(request.user),
        editing=editing,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    form = _staff_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        admin_profile = staff_profile(request.user)
        if admin_profile is None:  # _practices_or_404 already needs one
            raise Http404("No staff profile")
        password = temporary_password()
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=data["username"], email=data["email"], password=password,
                first_name=data["first_name"], last_name=data["last_name"],
            )  # fmt: skip
            profile = StaffProfile(user=user, organization_id=admin_profile.organization_id)
            _apply(profile, data)
            # Someone else chose it: they choose their own at their first sign-in.
            credentials.reset_recorded(
                user=user, by=acting_user(request), kind=CredentialKind.PASSWORD
            )
        messages.success(request, f"Added {_name(user)}.")
        return render(
            request,
            "settings/staff_created.html",
            _common(request, person=user, password=password),
        )
    return render(request, "settings/staff_form.html", _common(request, form=form))


def _apply(profile: StaffProfile, data: dict[str, Any]) -> None:
    profile.roles = list(data["roles"])
    profile.skills = list(data["skills"])
    profile.languages = list(data["languages"])
    profile.max_open_items = data["max_open_items"]
    profile.max_open_complaints = data["max_open_complaints"]
    profile.available = data["available"]
    profile.mobile = data["mobile"]
    profile.full_clean(exclude=["user", "organization"])
    profile.save()
    profile.practices.set(data["practices"])


def _name(person: User) -> str:
    return str(person.get_full_name() or person.get_username())


def _staff_page(
    request: HttpRequest, person: User, form: StaffForm | None = None, status: int = 200
) -> HttpResponse:
    """A person's page: their details, and the sign-in acts the admin may do now."""
    open_items = SupportItem.objects.filter(owner=person).open()
    return render(
        request,
        "settings/staff_form.html",
        _common(
            request,
            form=form or _staff_form(request, None, person),
            person=person,
            open_items=open_items.count(),
            acts=accounts.open_acts(actor=acting_user(request), person=person),
            account=accounts.account_facts(person),
        ),
        status=status,
    )


def _unfit(request: HttpRequest, person: User, refused: accounts.AccountStateError) -> HttpResponse:
    """The act does not fit the account now (nothing to unlock, deactivated...): the
    person's page again with the reason, 409, nothing done."""
    messages.error(request, refused.message)
    return _staff_page(request, person, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # In scope, every practice the person serves is one the admin runs (the form lists them
    # all), and an admin's own account is an organization admin's to change.
    person = _person(request, pk, AdminAct.EDIT)
    form = _staff_form(request, request.POST if request.method == "POST" else None, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            person.first_name, person.last_name = data["first_name"], data["last_name"]
            person.save(update_fields=["first_name", "last_name"])
            accounts.account_email_change(
                actor=acting_user(request), person=person, email=data["email"]
            )
            _apply(person.staff, data)
        changed = [str(form.fields[name].label or name).lower() for name in form.changed_data]
        if changed:
            messages.success(request, f"Saved {_name(person)}: {', '.join(changed)} changed.")
        else:
            messages.info(request, f"Nothing changed for {_name(person)}.")
        return redirect("settings_staff")
    return _staff_page(request, person, form, status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A temporary password, shown once, for a first sign-in or a forgotten one."""
    person = _person(request, pk, AdminAct.PASSWORD)
    try:
        password = accounts.account_temporary_password(actor=acting_user(request), person=person)
    except accounts.AccountStateError as refused:
        return _unfit(request, person, refused)
    messages.success(
        request,
        f"Temporary password made for {_name(person)}. They and the organization admins "
        "were told by email (without the password).",
    )
    return render(
        request, "settings/staff_created.html", _common(request, person=person, password=password)
    )


@login_required
@require_POST
def staff_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove the person's authenticator and recovery codes: they enrol again at sign-in
    where two-factor sign-in is required of them."""
    person = _person(request, pk, AdminAct.RESET_MFA)
    try:
        accounts.account_reset_mfa(actor=acting_user(request), person=person)
    except accounts.AccountStateError as refused:
        return _unfit(request, person, refused)
    then = (
        "They set up an authenticator again at their next sign-in."
        if credentials.mfa_required(person)
        else "Two-factor sign-in is not required here: they may set it up again on their "
        "account page."
    )
    messages.success(request, f"Two-factor sign-in reset for {_name(person)}. {then}")
    return redirect("settings_staff_edit", pk=person.pk)


@login_required
@require_POST
def staff_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a lockout after repeated failed sign-ins (only a locked account)."""
    person = _person(request, pk, AdminAct.UNLOCK)
    try:
        accounts.account_unlock(actor=acting_user(request), person=person)
    except accounts.AccountStateError as refused:
        return _unfit(request, person, refused)
    messages.success(request, f"{_name(person)}'s sign-in is unlocked: they can sign in again.")
    return redirect("settings_staff_edit", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Their open items first: each goes back to its team's queue (routed again); then the
    person can no longer sign in. The page lists only the items the admin may see."""
    person = _person(request, pk, AdminAct.DEACTIVATE)
    actor = acting_user(request)
    error = ""
    try:
        if request.method == "POST":
            try:
                moved = accounts.account_deactivate(actor=actor, person=person)
            except LifecycleError as refused:
                error = refused.message
            else:
                messages.success(
                    request,
                    f"{_name(person)} is deactivated and can no longer sign in; {moved} open "
                    f"item{'' if moved == 1 else 's'} went back to their teams' queues.",
                )
                return redirect("settings_staff")
        preview = accounts.deactivation_preview(actor=actor, person=person)
    except accounts.AccountStateError as refused:
        return _unfit(request, person, refused)
    return render(
        request,
        "settings/staff_deactivate.html",
        _common(request, person=person, items=preview.shown, elsewhere=preview.elsewhere,
                error=error),
        status=409 if error else 200,
    )  # fmt: skip


@login_required
@require_POST
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """A deactivated person may sign in again (organization admins only)."""
    person = _person(request, pk, AdminAct.REACTIVATE)
    try:
        accounts.account_reactivate(actor=acting_user(request), person=person)
    except accounts.AccountStateError as refused:
        return _unfit(request, person, refused)
    messages.success(
        request,
        f"{_name(person)} is reactivated: they can sign in again with their own password. "
        "Their former items stay with whoever has them now.",
    )
    return redirect("settings_staff_edit", pk=person.pk)


# --- categories and scripts -----------------------------------------------------------------


@login_required
def categories(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    rows = Category.objects.filter(practice=practice).order_by("position", "name")
    return render(
        request, "settings/categories.html", _common(request, practice=practice, categories=rows)
    )


def _sample_item(practice: Practice, category: Category | None, language: str) -> SupportItem:
    """The sample patient Settings previews write to (unsaved): Ana, asking about
    ``category``, promised the practice's next business morning + 2 hours."""
    calendar = practice.calendar()
    when = calendar.next_opening(timezone.now() + timedelta(days=1)) + timedelta(hours=2)
    return SupportItem(
        practice=practice,
        category=category,
        language=language,
        caller_name=SAMPLE_FIRST_NAME,
        next_step=SAMPLE_NEXT_STEP.said_in(language),
        promised_update_at=when,
    )


def _sample(practice: Practice, category: Category, language: str) -> dict[str, str]:
    """The facts a preview fills scripts with: the messaging layer's facts about the sample
    patient, a real owner from the category's team and the thanks for a call."""
    owner = next(
        (
            u
            for u in get_user_model()
            .objects.filter(staff__practices=practice, is_active=True)
            .select_related("staff")
            .order_by("first_name")
            if u.staff.on_team(category.default_team)
        ),
        None,
    )
    return {
        **facts(_sample_item(practice, category, language)),
        "thanks": thanks("phone", language),
        "owner": owner.first_name if owner and owner.first_name else who(category.code, language),
    }


def _preview(texts: dict[str, str], facts: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (part.capitalize(), tidy(placeholders.fill(texts.get(part, ""), facts)))
        for part in SCRIPT_PARTS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    practice = _practice(request, slug)
    category = Category.objects.filter(practice=practice, pk=pk).first()
    if category is None:
        raise Http404("No such category")
    post = request.POST if request.method == "POST" else None
    scripts = {s.language: s for s in CategoryScript.objects.filter(category=category)}
    script_forms = {
        language: ScriptsForm(
            post,
            language=language,
            practice_name=practice.name,
            initial={
                f"{language}_patient_name": category.name_for_patients(language),
                **{
                    f"{language}_{part}": getattr(scripts[language], part)
                    for part in SCRIPT_PARTS
                    if language in scripts
                },
            },
        )
        for language in patient_languages()
    }
    form = CategoryForm(post, instance=category)
    if post is not None and form.is_valid() and all(f.is_valid() for f in script_forms.values()):
        with transaction.atomic():
            category = form.save(commit=False)
            category.patient_names = {
                **category.patient_names,
                **{language: f.patient_name() for language, f in script_forms.items()},
            }
            category.save()
            for language, script_form in script_forms.items():
                CategoryScript.objects.update_or_create(
                    category=category, language=language, defaults=script_form.parts()
                )
        return redirect("settings_categories", slug=slug)
    previews = {
        language: _preview(
            {part: f[f"{language}_{part}"].value() or "" for part in SCRIPT_PARTS},
            _sample(practice, category, language),
        )
        for language, f in script_forms.items()
    }
    return render(
        request,
        "settings/category.html",
        _common(
            request,
            practice=practice,
            category=category,
            form=form,
            script_forms=script_forms,
            previews=previews,
        ),  # fmt: skip
        status=422 if post is not None else 200,
    )


@login_required
@require_POST
def script_preview(request: HttpRequest, slug: str, pk: int, language: str) -> HttpResponse:
    """The live preview of one language's scripts as they are typed (htmx)."""
    practice = _practice(request, slug)
    category = Category.objects.filter(practice=practice, pk=pk).first()
    if category is None or language not in patient_languages():
        raise Http404("No such category or language")
    texts = {part: request.POST.get(f"{language}_{part}", "") for part in SCRIPT_PARTS}
    return render(
        request,
        "settings/category.html#preview",
        {"language": language, "preview": _preview(texts, _sample(practice, category, language))},
    )


# --- message templates ----------------------------------------------------------------------


def _template_rows(practice: Practice) -> list[dict[str, Any]]:
    own = {
        (t.purpose, t.language): t
        for t in MessageTemplate.objects.filter(practice=practice, category__isnull=True)
    }
    rows = []
    for purpose, label in MessagePurpose.choices:
        if purpose == MessagePurpose.FREE:
            continue
        for language, language_label in language_choices():
            template = own.get((purpose, language)) or shipped_template(
                practice.pk, purpose, language
            )
            rows.append(
                {"purpose": purpose, "label": label, "language": language,
                 "language_label": language_label, "template": template,
                 "own": (purpose, language) in own}
            )  # fmt: skip
    return rows


@login_required
def templates(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    return render(
        request,
        "settings/templates.html",
        _common(request, practice=practice, rows=_template_rows(practice)),
    )


#: What a visit message (outreach) says about the visit, in previews: a sample video visit.
SAMPLE_VISIT_LINKS = {
    "visit_link": "https://video.example.org/join",
    "device_test_link": "https://video.example.org/test",
}


def _template_preview(practice: Practice, subject: str, body: str, language: str) -> dict[str, str]:
    """The template as the messaging layer fills it (``fill``, ``facts``) for the sample
    patient, and whether the result carries clinical details."""
    category = Category.objects.filter(practice=practice).order_by("position").first()
    values = facts(_sample_item(practice, category, language))
    values |= {"visit_time": values["update_time"], **SAMPLE_VISIT_LINKS}
    subject, rendered = fill(subject, body, values)
    return {
        "subject": subject,
        "body": rendered,
        "clinical": clinical_content(rendered.replace(practice.name, "")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    purpose = request.GET.get("purpose") or request.POST.get("purpose", "")
    language = request.GET.get("language") or request.POST.get("language", "")
    if purpose not in MessagePurpose.values or language not in patient_languages():
        raise Http404("Choose a purpose and a language")
    current = MessageTemplate.objects.filter(
        practice=practice, purpose=purpose, language=language, category__isnull=True
    ).first() or shipped_template(practice.pk, purpose, language)
    initial = {
        "purpose": purpose,
        "language": language,
        "subject": current.subject if current else "",
        "body": current.body if current else "",
    }
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = MessageTemplate.objects.filter(
            practice=practice, purpose=purpose, language=language, category__isnull=True
        ).first() or MessageTemplate(practice=practice, purpose=purpose, language=language)
        template.subject, template.body = data["subject"], data["body"]
        try:
            template.full_clean()  # the model's rules (what each purpose must state)
        except ValidationError as refused:
            for name, messages in refused.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        # A template that could never be sent is not saved (its words and why, by the field).
        for name, what in (("subject", "the subject"), ("body", "the message")):
            # A field the model's rules refused has left cleaned_data already.
            for problem in text_problems(data.get(name, ""), language, what, practice.name):
                form.add_error(name, problem)
        if form.is_valid():
            template.save()
            return redirect("settings_templates", slug=slug)
    subject = form["subject"].value() or ""
    body = form["body"].value() or ""
    return render(
        request,
        "settings/template.html",
        _common(
            request,
            practice=practice,
            form=form,
            purpose_label=MessagePurpose(purpose).label,
            language=language,
            preview=_template_preview(practice, subject, body, language),
        ),  # fmt: skip
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def template_preview(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    language = request.POST.get("language", SOURCE)
    if language not in patient_languages():
        # Read as a catalog's file name otherwise (a long one answered 500).
        known = ", ".join(patient_languages())
        return HttpResponse(f"Preview in a patient language: {known}.", status=400)
    preview = _template_preview(
        practice, request.POST.get("subject", ""), request.POST.get("body", ""), language
    )
    return render(request, "settings/template.html#preview", {"preview": preview})
