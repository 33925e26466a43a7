"""Recording the audit trail: who read or changed what, from where, through which channel.

* Writes are recorded for every change to the domain models, whatever made it (pages, API,
  admin site, worker, commands), from model signals: the fields that changed, never values.
* Reads of patient data are recorded by the views and API operations that show it
  (``record_view``): item and patient pages, API reads, exports.
* The request context (user, address, user agent, channel) comes from ``AuditMiddleware``
  (pages), the API's authentication (API) and ``audit_channel`` (worker, commands).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save
from django.http import HttpRequest
from django.utils import timezone

from closeloop.core.types import User
from closeloop.security import chain
from closeloop.security.models import AuditAction, AuditEvent, Channel


@dataclass(frozen=True)
class AuditContext:
    channel: str = Channel.WORKER
    user: User | None = None
    ip: str | None = None
    user_agent: str = ""
    path: str = ""


class RequestValues(TypedDict, total=False):
    """Where a request came from, for ``audit_channel`` (sign-in signals)."""

    ip: str | None
    user_agent: str
    path: str


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "closeloop_audit", default=None
)
#: Outside a request (the worker, commands): the system, through the worker channel.
_SYSTEM = AuditContext()


def current() -> AuditContext:
    return _context.get() or _SYSTEM


@contextmanager
def audit_channel(channel: str, **values: Unpack[RequestValues]) -> Iterator[None]:
    token = _context.set(replace(current(), channel=channel, **values))
    try:
        yield
    finally:
        _context.reset(token)


def bind(context: AuditContext) -> contextvars.Token[AuditContext | None]:
    return _context.set(context)


def unbind(token: contextvars.Token[AuditContext | None]) -> None:
    _context.reset(token)


def set_user(user: User) -> None:
    """The API authenticates inside the request: the audit context learns who it was."""
    _context.set(replace(current(), user=user))


def client_ip(request: HttpRequest) -> str | None:
    # Behind the documented proxy, REMOTE_ADDR is the proxy; the proxy must set
    # X-Forwarded-For, and only its last hop (added by our proxy) is trusted.
    from django.conf import settings

    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def context_for_request(request: HttpRequest, channel: str) -> AuditContext:
    # A signed-in person (Django's lazy user, loaded here); a visitor or a hook: nobody.
    user = getattr(request, "user", None)
    return AuditContext(
        channel=channel,
        user=user if isinstance(user, User) and user.is_authenticated else None,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        path=request.path[:300],
    )


def _who(context: AuditContext) -> tuple[User | None, str]:
    user = context.user
    if user is None or not user.is_authenticated:
        return None, ""
    return user, user.get_username()


def record(
    action: str,
    obj: Model | None = None,
    *,
    object_type: str = "",
    object_id: object = "",
    practice_id: int | None = None,
    patient_id: int | None = None,
    fields: Iterable[str] = (),
    detail: Mapping[str, object] | None = None,
    user: User | None = None,
) -> AuditEvent:
    context = current()
    who, username = _who(context) if user is None else (user, user.get_username())
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        practice_id = practice_id if practice_id is not None else _practice_of(obj)
        patient_id = patient_id if patient_id is not None else _patient_of(obj)
    values = {
        "at": timezone.now(),
        "user_id": who.pk if who is not None else None,
        "username": username,
        "channel": context.channel,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "practice_id": practice_id,
        "patient_id": patient_id,
        "fields": sorted(fields),
        "ip": context.ip,
        "user_agent": context.user_agent,
        "path": context.path,
        "detail": detail or {},
    }
    # Keyed now, before it leaves the server: the sealer links only events that carry it.
    return AuditEvent.objects.create(**values, mac=chain.event_mac(values))


def record_view(obj: Model, *, fields: Iterable[str] = (), action: str = AuditAction.VIEW) -> None:
    """A person saw this object's patient data (page, API read, export)."""
    record(action, obj, fields=fields)


def _practice_of(obj: Model) -> int | None:
    label = obj._meta.label_lower
    if label == "practices.practice":
        return obj.pk
    return getattr(obj, "practice_id", None)


def _patient_of(obj: Model) -> int | None:
    if obj._meta.label_lower == "patients.patient":
        return obj.pk
    patient_id = getattr(obj, "patient_id", None)
    if patient_id is None and hasattr(obj, "item_id"):
        item = getattr(obj, "item", None)
        patient_id = getattr(item, "patient_id", None)
    return patient_id


# --- writes, from model signals ----------------------------------------------------------------

#: Apps whose models are audited on every write.
AUDITED_APPS = frozenset(
    {
        "practices",
        "patients",
        "appointments",
        "support_queue",
        "messaging",
        "intake",
        "outreach",
        "webhooks",
        "api",
        "security",
        "auth",
        "otp_totp",
        "otp_static",
        "team",
    }
)
#: Models whose rows are themselves records (the timeline, alerts, inbound copies, delivery
#: attempts) or bookkeeping: writing an audit row for each would only duplicate them.
NOT_AUDITED = frozenset(
    {
        "security.auditevent",
        "security.auditchainlink",
        "support_queue.alertdelivery",
        "support_queue.timelineevent",
        "support_queue.staffalert",
        # Who has an item open: refreshed every few seconds, kept an hour, no patient data.
        "support_queue.itempresence",
        "webhooks.deliveryattempt",
        "api.idempotencyrecord",
        "auth.permission",
    }
)
_INITIAL = "_closeloop_audit_initial"


def _audited(sender: type[Model]) -> bool:
    meta = sender._meta
    return meta.app_label in AUDITED_APPS and meta.label_lower not in NOT_AUDITED


def _snapshot(instance: Model) -> dict[str, object]:
    """The loaded values (a deferred field is not loaded here: reading it would query)."""
    loaded = instance.__dict__
    return {
        f.attname: loaded[f.attname] for f in instance._meta.concrete_fields if f.attname in loaded
    }


def _on_init(sender: type[Model], instance: Model, **kwargs: object) -> None:
    """A loaded row's values, to tell on save what changed. Connected only for audited models
    (other models' rows cost nothing), and a plain copy of what was loaded (the fields are
    picked out on save, which few loaded rows ever are)."""
    if instance.pk is not None:
        instance.__dict__[_INITIAL] = instance.__dict__.copy()


def _on_save(
    sender: type[Model],
    instance: Model,
    created: bool,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: object,
) -> None:
    if raw or not _audited(sender):
        return
    now = _snapshot(instance)
    if created:
        changed = [k for k, v in now.items() if v not in (None, "", [], {})]
    else:
        before = instance.__dict__.get(_INITIAL)
        if update_fields:
            changed = [getattr(instance._meta.get_field(f), "attname", f) for f in update_fields]
        elif before is None:
            changed = list(now)
        else:
            changed = [k for k, v in now.items() if before.get(k) != v]
        if not changed:
            return
    instance.__dict__[_INITIAL] = now
    record(AuditAction.CREATE if created else AuditAction.UPDATE, instance, fields=changed)


def _on_delete(sender: type[Model], instance: Model, **kwargs: object) -> None:
    if _audited(sender):
        record(AuditAction.DELETE, instance)


def _on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    with audit_channel(Channel.PAGE, **_request_values(request)):
        record(AuditAction.LOGIN, user, user=user)


def _on_logout(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: object
) -> None:
    if user is not None:
        with audit_channel(Channel.PAGE, **_request_values(request)):
            record(AuditAction.LOGOUT, user, user=user)


def _on_login_failed(
    sender: object,
    credentials: Mapping[str, object],
    request: HttpRequest | None = None,
    **kw: object,
) -> None:
    # The attempted username is an identifier of staff, not of patients; passwords never.
    with audit_channel(Channel.PAGE, **_request_values(request)):
        record(
            AuditAction.LOGIN_FAILED,
            object_type="auth.user",
            detail={"username": str(credentials.get("username", ""))[:150]},
        )


def _request_values(request: HttpRequest | None) -> RequestValues:
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "path": request.path[:300],
    }


# --- append-only in the database, and the one exception (flush) ------------------------------

_maintenance = False


def audit_unlocked() -> int:
    """Called by the SQLite trigger: 1 only while ``flush`` empties the whole database."""
    return 1 if _maintenance else 0


@contextmanager
def maintenance(reason: str = "flush") -> Iterator[None]:
    """Emptying every table (``closeloop flush``, the test suite's resets) is the only time
    the audit table's rows may go: the triggers let this connection through, nothing else.
    It is itself audited first (and the hash chain, ``chain``, restarts visibly after it)."""
    global _maintenance
    with audit_channel(Channel.CLI):
        record(AuditAction.MAINTENANCE, object_type="security.auditevent", detail={"event": reason})
    _maintenance = True
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET closeloop.audit_maintenance = 'on'")
        yield
    finally:
        _maintenance = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET closeloop.audit_maintenance")


def _register_sqlite_function(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "closeloop_audit_unlocked", 0, audit_unlocked, deterministic=False
        )


def connect_signals() -> None:
    for model in apps.get_models(include_auto_created=True):
        if _audited(model):
            post_init.connect(
                _on_init, sender=model, dispatch_uid=f"closeloop_audit_init_{model._meta.label}"
            )
    post_save.connect(_on_save, dispatch_uid="closeloop_audit_save")
    post_delete.connect(_on_delete, dispatch_uid="closeloop_audit_delete")
    user_logged_in.connect(_on_login, dispatch_uid="closeloop_audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="closeloop_audit_logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="closeloop_audit_login_failed")
    connection_created.connect(_register_sqlite_function, dispatch_uid="closeloop_audit_sqlite")
