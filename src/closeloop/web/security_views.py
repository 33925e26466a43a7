"""Two-factor enrolment and sign-in, the account page, emergency access, the audit search,
"who has seen this patient", and a patient's data export."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.middleware import is_verified

from closeloop.lib import dates
from closeloop.lib.ids import is_digits, parse_id
from closeloop.practices.choices import Role
from closeloop.practices.local_time import for_staff, zone
from closeloop.practices.models import EmergencyAccess, Practice
from closeloop.practices.selectors import home_practice, staff_profile
from closeloop.security import audit, breakglass, credentials, mfa
from closeloop.security.models import AuditAction, AuditEvent
from closeloop.security.permissions import Perm, has_perm
from closeloop.web.csvutil import as_download, csv_response
from closeloop.web.get_or_404 import get_patient_or_404
from closeloop.web.http import acting_user
from closeloop.web.patient_export import patient_export

AUDIT_PAGE = 100


def _require(request: HttpRequest, perm: Perm) -> None:
    if not has_perm(request.user, perm):
        raise Http404("Not available to your role")


# --- two-factor sign-in --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if mfa.confirmed_totp(user) is not None and not is_verified(user):
        # Replacing an authenticator needs a verified session (from the account page).
        return redirect("mfa_verify")
    device = mfa.pending_totp(user)
    error = ""
    if request.method == "POST":
        confirmed = mfa.confirm_totp(user, request.POST.get("token", ""))
        if confirmed is None:
            error = "That code did not match. Check the phone's clock and try the current code."
        else:
            totp, codes = confirmed
            otp_login(request, totp)
            audit.record(AuditAction.MFA, user, detail={"event": "enrolled"})
            return render(request, "security/recovery_codes.html", {"codes": codes})
    qr = segno.make(device.config_url, error="m")
    context = {
        "qr": qr.svg_data_uri(scale=5, border=2),
        "secret": _base32(device),
        "error": error,
    }
    return render(request, "security/mfa_setup.html", context, status=422 if error else 200)


def _base32(device: Any) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user_has_device(user):
        return redirect("mfa_setup")
    error = ""
    if request.method == "POST":
        device = mfa.verify(user, request.POST.get("token", ""))
        if device is None:
            error = "That code did not work. Use the current code from the app, or a recovery code."
            audit.record(AuditAction.MFA, user, detail={"event": "failed"})
        else:
            otp_login(request, device)
            audit.record(AuditAction.MFA, user, detail={"event": "verified", "device": device.name})
            target = request.GET.get("next", "")
            if target.startswith("/") and not target.startswith("//"):
                return redirect(target)
            return redirect("queue")
    return render(
        request, "security/mfa_verify.html", {"error": error}, status=422 if error else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    codes: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "recovery_codes":
        if mfa.confirmed_totp(user) is None:
            return redirect("mfa_setup")
        codes = mfa.new_recovery_codes(user)
        audit.record(AuditAction.MFA, user, detail={"event": "recovery_codes_replaced"})
    profile = staff_profile(user)
    return render(
        request,
        "security/account.html",
        {
            "has_totp": mfa.confirmed_totp(user) is not None,
            "codes": codes,
            "organization": profile.organization if profile else None,
            "grants": EmergencyAccess.objects.active().filter(user=user).select_related("practice"),
        },
    )


class OwnPasswordForm(SetPasswordForm):
    """Django's own form (the password validators of the account page), and not the
    temporary password again."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        password = data.get("new_password1")
        if password and self.user.check_password(password):
            self.add_error("new_password1", "Choose a password of your own, not the temporary one.")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def password_set_own(request: HttpRequest) -> HttpResponse:
    """At sign-in after an admin gave a temporary password: the person chooses their own."""
    user = acting_user(request)
    reset = credentials.newest_password_reset(user)
    if reset is None:
        return redirect("queue")
    form = OwnPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        credentials.own_password_set(user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "Your password is set. Only you know it now.")
        return redirect("queue")
    practice = home_practice(user)
    return render(
        request,
        "security/password_set_own.html",
        {
            "form": form,
            "reset": reset,
            "reset_at": for_staff(practice, reset.at) if practice else reset.at.isoformat(),
        },
        status=422 if request.method == "POST" else 200,
    )


# --- emergency access --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Grants on the practices the person serves (their admins see who was let in, by whom
    and why) and, for those who may, the form to open one of them to a colleague."""
    _require(request, Perm.AUDIT)
    profile = staff_profile(request.user)
    if profile is None:  # has_perm already needs one
        raise Http404("No staff profile")
    practices = breakglass.grantable_practices(request.user).order_by("name")
    people = (
        get_user_model()
        .objects.filter(staff__organization_id=profile.organization_id, is_active=True)
        .exclude(pk=acting_user(request).pk)
        .order_by("first_name", "username")
    )
    visible = (
        Practice.objects.filter(organization_id=profile.organization_id)
        if profile.has_role(Role.ORG_ADMIN)
        else profile.practices.all()
    )
    grants = (
        EmergencyAccess.objects.filter(
            Q(practice__in=visible) | Q(granted_by=request.user) | Q(user=request.user)
        )
        .select_related("user", "practice", "granted_by")
        .order_by("-starts_at")[:50]
    )
    error = ""
    if request.method == "POST":
        error = _grant_or_revoke(request, profile.organization_id)
        if not error:
            return redirect("emergency_access")
    return render(
        request,
        "security/emergency_access.html",
        {
            "practices": practices,
            "people": people,
            "grants": grants,
            "now": timezone.now(),
            "error": error,
            "max_hours": breakglass.MAX_HOURS,
            "posted": request.POST,
        },
        status=422 if error else 200,
    )


def _grant_or_revoke(request: HttpRequest, organization_id: int) -> str:
    """Open a practice to a colleague, or end a grant, within the organization; the error to
    show, or "" when done."""
    try:
        if request.POST.get("revoke"):
            access = EmergencyAccess.objects.filter(
                pk=parse_id(request.POST["revoke"]) or 0,
                practice__organization_id=organization_id,
            ).first()
            if access is None:
                raise Http404("No such grant")
            breakglass.revoke(by=acting_user(request), access=access)
        else:
            hours = request.POST.get("hours") or ""
            breakglass.grant(
                by=acting_user(request),
                user=get_user_model().objects.get(
                    pk=parse_id(request.POST.get("user")) or 0,
                    staff__organization_id=organization_id,
                ),
                practice=Practice.objects.get(
                    pk=parse_id(request.POST.get("practice")) or 0,
                    organization_id=organization_id,
                ),
                reason=request.POST.get("reason", ""),
                hours=int(hours) if is_digits(hours) and len(hours) < 4 else 0,
            )
    except (get_user_model().DoesNotExist, Practice.DoesNotExist):
        return "Choose a colleague and a practice from the lists."
    except breakglass.BreakGlassError as exc:
        return exc.message
    return ""


# --- the audit log -------------------------------------------------------------------------------


def _audit_scope(request: HttpRequest) -> QuerySet[AuditEvent]:
    """Audit rows about the practices the admin serves, and their own staff's sign-ins."""
    served = list(Practice.objects.for_user(request.user).values_list("pk", flat=True))
    return AuditEvent.objects.filter(practice_id__in=served)


def _day(text: str, label: str) -> date | None:
    """A filter's day, None when empty; ``ValueError`` naming a malformed or far one."""
    try:
        return dates.parse_day(text) if text else None
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from None


@login_required
@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.AUDIT)
    events = _audit_scope(request)
    params = {
        k: (request.GET.get(k) or "").strip()
        for k in ("user", "action", "object", "patient", "start", "end")
    }
    context: dict[str, Any] = {"params": params, "actions": AuditAction.choices}
    try:
        start, end = _day(params["start"], "From"), _day(params["end"], "To")
    except ValueError as exc:
        # Nothing searched, nothing exported (so nothing recorded): the reason, as a 400.
        empty = Paginator(events.none(), AUDIT_PAGE).get_page(1)
        context |= {"page": empty, "error": str(exc)}
        return render(request, "security/audit.html", context, status=400)
    if params["user"]:
        events = events.filter(username__iexact=params["user"])
    if params["action"] in AuditAction.values:
        events = events.filter(action=params["action"])
    if params["object"]:
        kind, _, pk = params["object"].partition(":")
        events = events.filter(object_type=kind, **({"object_id": pk} if pk else {}))
    patient_id = parse_id(params["patient"])
    if patient_id:
        events = events.filter(patient_id=patient_id)
    zone = timezone.get_current_timezone()
    if start:
        events = events.filter(at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end:
        events = events.filter(
            at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
        )
    if request.GET.get("format") == "csv":
        audit.record(
            AuditAction.EXPORT, object_type="security.auditevent", detail={"filters": params}
        )
        return csv_response("closeloop-audit.csv", _audit_rows(events[:50_000]))
    page = Paginator(events, AUDIT_PAGE).get_page(request.GET.get("page"))
    _with_practices(page.object_list)
    return render(request, "security/audit.html", {**context, "page": page})


def _with_practices(events: Any) -> list[Any]:
    """Each audit row with its practice (``e.practice``, or None), for its local time."""
    rows = list(events)
    practices = Practice.objects.in_bulk({e.practice_id for e in rows if e.practice_id})
    for e in rows:
        e.practice = practices.get(e.practice_id)
    return rows


def _audit_rows(events: Any) -> Any:
    yield [
        "at",
        "user",
        "channel",
        "action",
        "object",
        "practice",
        "patient",
        "fields",
        "ip",
        "user agent",
        "path",
    ]
    zones = dict(Practice.objects.values_list("pk", "timezone"))
    for e in events.iterator(chunk_size=1000):
        # On the clock of the practice the row belongs to, with its offset (else UTC).
        tz = zones.get(e.practice_id)
        when = e.at.astimezone(zone(tz)) if tz else e.at
        yield [
            when.isoformat(), e.username or "system", e.channel, e.action,
            f"{e.object_type}:{e.object_id}", e.practice_id or "", e.patient_id or "",
            " ".join(e.fields), e.ip or "", e.user_agent, e.path,
        ]  # fmt: skip


@login_required
@require_GET
def patient_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has seen (or changed) this patient's data, newest first."""
    _require(request, Perm.AUDIT)
    patient = get_patient_or_404(request, pk)
    events = AuditEvent.objects.filter(patient_id=patient.pk, practice_id=patient.practice_id)
    if request.GET.get("format") == "csv":
        audit.record(AuditAction.EXPORT, patient, detail={"report": "who_has_seen"})
        return csv_response(f"closeloop-patient-{patient.pk}-access.csv", _audit_rows(events))
    audit.record_view(patient, fields=["access_report"])
    page = Paginator(events, AUDIT_PAGE).get_page(request.GET.get("page"))
    _with_practices(page.object_list)
    return render(request, "security/patient_audit.html", {"patient": patient, "page": page})


@login_required
@require_POST
def patient_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient's data as JSON (an access request). POST: it is a disclosure, audited."""
    _require(request, Perm.EXPORT_PATIENT)
    patient = get_patient_or_404(request, pk)
    audit.record(AuditAction.EXPORT, patient, detail={"report": "patient_data_json"})
    body = json.dumps(patient_export(patient), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json")
    return as_download(response, f"patient-{patient.pk}.json")
