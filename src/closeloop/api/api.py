"""The REST API at /api/v1/: the same selectors and lifecycle services as the pages."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from closeloop.actions import access
from closeloop.actions.inputs import InputError
from closeloop.actions.registry import VIEW_DETAILS, ItemChanged
from closeloop.actions.visits import VisitActionRefused, VisitNotFound
from closeloop.api import schemas as s
from closeloop.api.actions import build_router, build_visit_router
from closeloop.api.auth import TokenAuth
from closeloop.api.models import IdempotencyRecord
from closeloop.api.serialize import (
    api_user,
    etag,
    etag_of,
    file_out,
    item_or_404,
    item_out,
    patient_out,
    practice_or_404,
)
from closeloop.intake.attachments import file_response, files_for_item
from closeloop.intake.services import Contact, Filed, file_item
from closeloop.lib import filetypes, jsondepth
from closeloop.lib.classify import Suggestion
from closeloop.lib.ids import MAX_ID, parse_id
from closeloop.metrics.measures import report
from closeloop.metrics.scope import ScopeError, scope_from
from closeloop.patients.models import Patient
from closeloop.patients.selectors import patient_search
from closeloop.patients.services import patient_create
from closeloop.practices.models import Category, Practice
from closeloop.security import audit
from closeloop.security.models import AuditAction
from closeloop.security.permissions import (
    sees_clinical_details,
)
from closeloop.support_queue.lifecycle import LifecycleError
from closeloop.support_queue.models import SupportItem
from closeloop.support_queue.selectors import queue_for_user, timeline_for_item
from closeloop.triage import services as triage

#: Request bodies are flat (an object of fields, a list at most); anything nested deeper than
#: this is refused by name before any schema sees it.
MAX_BODY_DEPTH = 32


class _Parser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except RecursionError:  # deeper than the parser itself can go
            raise jsondepth.TooDeep(MAX_BODY_DEPTH) from None
        return jsondepth.check(data, MAX_BODY_DEPTH)


api = NinjaAPI(
    parser=_Parser(),
    title="Closeloop API",
    version="1",
    description="Patient support items, their lifecycle and timeline. Bearer tokens: "
    "`closeloop token create --user USERNAME`.",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
ERRORS: dict[int, Any] = {
    400: s.ErrorOut,
    401: s.ErrorOut,
    403: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    422: s.ErrorOut,
}
MAX_PAGE = 200
#: A stored file's bytes, as its kind (``lib.filetypes``): what a download answers.
FILE_CONTENT = {
    "description": "The file's bytes (a picture inline, a PDF as an attachment).",
    "content": {
        kind: {"schema": {"type": "string", "format": "binary"}}
        for kind in sorted(filetypes.ALLOWED_TYPES)
    },
}

#: Lifecycle refusals that are malformed input rather than a conflict with the item's state.
_INPUT_CODES = {
    "missing_field",
    # Words a patient would read, in another language or speaking of them (messaging.language).
    "wrong_language",
    "third_person",
    "bad_category",
    "bad_patient",
    "bad_channel",
    "bad_team",
    "bad_waiting_on",
    "bad_contact",
    "bad_callback_number",
    "promise_in_past",
    "promise_too_far",
    # A promise outside business hours without the reason that makes it keepable.
    "after_hours_reason_required",
    "contact_in_future",
}


def _error(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, **extra}}, status=status
    )


@api.exception_handler(LifecycleError)
def _lifecycle(request: HttpRequest, exc: LifecycleError) -> HttpResponse:
    if exc.code == "not_permitted":
        return _error(request, 404, "not_found", "Not found.")
    status = 422 if exc.code in _INPUT_CODES else 409
    return _error(request, status, exc.code, exc.message, missing=exc.missing)


@api.exception_handler(ItemChanged)
def _changed(request: HttpRequest, exc: ItemChanged) -> HttpResponse:
    response = _error(
        request,
        412,
        exc.code,
        exc.message,
        version=exc.version,
        changes=[f"{event.code} at {event.at.isoformat()}" for event in exc.events],
    )
    response["ETag"] = etag_of(exc.version)
    return response


@api.exception_handler(access.ItemNotFound)
def _no_item(request: HttpRequest, exc: access.ItemNotFound) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(VisitNotFound)
def _no_visit(request: HttpRequest, exc: VisitNotFound) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(VisitActionRefused)
def _visit_refused(request: HttpRequest, exc: VisitActionRefused) -> HttpResponse:
    return _error(request, 409, exc.code, exc.message)


@api.exception_handler(access.ActionForbidden)
def _forbidden(request: HttpRequest, exc: access.ActionForbidden) -> HttpResponse:
    return _error(request, 403, "forbidden", exc.message)


@api.exception_handler(InputError)
def _bad_reference(request: HttpRequest, exc: InputError) -> HttpResponse:
    return _error(
        request,
        422,
        "invalid_input",
        "The request has invalid fields.",
        fields={exc.field: [exc.message]},
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for problem in exc.errors:
        location = [
            str(part)
            for part in problem.get("loc", ())
            if part not in ("body", "query", "path", "payload")
        ]
        fields.setdefault(".".join(location) or "request", []).append(
            str(problem.get("msg", "invalid"))
        )
    return _error(request, 422, "invalid_input", "The request has invalid fields.", fields=fields)


@api.exception_handler(DjangoValidationError)
def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"request": exc.messages}
    return _error(request, 422, "invalid_input", "The request has invalid fields.", fields=fields)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "unauthorized", "Send a valid token: Authorization: Bearer <token>."
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 409: "conflict"}.get(exc.status_code, "error")
    message = str(exc)
    if isinstance(exc.__cause__, jsondepth.TooDeep):  # ninja's "Cannot parse request body"
        message = f"{message}: the JSON is {exc.__cause__}."
    return _error(request, exc.status_code, code, message)


# --- practices, categories, patients ----------------------------------------------------------


@api.get("/practices", response={200: list[s.PracticeOut], 401: s.ErrorOut}, tags=["practices"])
def list_practices(request: HttpRequest) -> Any:
    return list(Practice.objects.for_user(request.user).order_by("name"))


@api.get("/categories", response={200: list[s.CategoryOut], **ERRORS}, tags=["practices"])
def list_categories(request: HttpRequest, practice: str | None = None) -> Any:
    categories = Category.objects.for_user(request.user).select_related("practice")
    if practice:
        categories = categories.filter(practice__slug=practice)
    return [
        {
            **{f: getattr(c, f) for f in s.CategoryOut.model_fields if f != "practice"},
            "practice": c.practice.slug,
        }
        for c in categories.order_by("practice__slug", "position", "name")
    ]


@api.get("/patients", response={200: list[s.PatientOut], **ERRORS}, tags=["patients"])
def search_patients(request: HttpRequest, q: str, practice: str | None = None) -> Any:
    """Search by phone (whole or last 4 digits), name words, date of birth or MRN."""
    practice_id = practice_or_404(request, practice).pk if practice else None
    found = list(patient_search(request.user, q[:200], practice_id=practice_id))
    audit.record(
        AuditAction.LIST, object_type="patients.patient", detail={"ids": [p.pk for p in found]}
    )
    return [patient_out(p) for p in found]


@api.post("/patients", response={201: s.PatientOut, **ERRORS}, tags=["patients"])
def create_patient(request: HttpRequest, payload: s.PatientIn) -> Any:
    data = payload.dict()
    practice = practice_or_404(request, data.pop("practice"))
    return Status(201, patient_out(patient_create(practice=practice, **data)))


@api.get("/patients/{patient_id}", response={200: s.PatientOut, **ERRORS}, tags=["patients"])
def read_patient(request: HttpRequest, patient_id: int) -> Any:
    if parse_id(patient_id) is None:
        raise Http404
    patient = (
        Patient.objects.for_user(request.user)
        .select_related("practice")
        .filter(pk=patient_id)
        .first()
    )
    if patient is None:
        raise Http404
    audit.record_view(patient, fields=list(s.PatientOut.model_fields))
    return patient_out(patient)


# --- items ------------------------------------------------------------------------------------


class ItemFilters(Schema):
    practice: str | None = None
    status: s.StatusCode | None = None
    category: str | None = None
    owner_id: int | None = Field(None, ge=1, le=2**62)
    due_before: s.Instant | None = None
    updated_since: s.Instant | None = None
    cursor: str | None = None
    limit: int = 50


def _decode_cursor(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HttpError(400, "The cursor is not one this API returned.") from None
    if not 0 <= value <= MAX_ID:
        raise HttpError(400, "The cursor is not one this API returned.")
    return value


def _encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


#: The first id window of a page; it doubles while the page is not full.
ID_WINDOW = 4096


def _id_ordered_page(items: Any, after: int, size: int) -> list[SupportItem]:
    """Up to ``size`` items with id > ``after``, in id order, read in growing id windows.

    "WHERE practice IN (…) ORDER BY id LIMIT n" made SQLite read every item of the caller's
    practices and sort them; a bounded id range lets both databases walk the primary key and
    stop early. The windows double, so a sparse stretch costs a few more queries, not a scan.
    """
    last = SupportItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page: list[SupportItem] = []
    window = ID_WINDOW
    while len(page) < size and after < last:
        upper = min(after + window, last)
        page += list(items.filter(id__gt=after, id__lte=upper)[: size - len(page)])
        after, window = upper, window * 2
    return page


@api.get("/items", response={200: s.ItemPage, **ERRORS}, tags=["items"])
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    """Items the caller may see, oldest id first; follow ``next_cursor`` for the next page."""
    if not 1 <= filters.limit <= MAX_PAGE:
        raise HttpError(400, f"limit must be between 1 and {MAX_PAGE}.")
    items = queue_for_user(request.user).order_by("id")
    if filters.practice:
        items = items.filter(practice__slug=filters.practice)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.category:
        items = items.filter(category__code=filters.category)
    if filters.owner_id is not None:
        items = items.filter(owner_id=filters.owner_id)
    if filters.due_before:
        items = items.filter(promised_update_at__lt=filters.due_before)
    if filters.updated_since:
        items = items.filter(updated_at__gte=filters.updated_since)
    after = _decode_cursor(filters.cursor) if filters.cursor else 0
    page = _id_ordered_page(items, after, filters.limit + 1)
    more = len(page) > filters.limit
    page = page[: filters.limit]
    audit.record(
        AuditAction.LIST,
        object_type="support_queue.supportitem",
        detail={"ids": [i.pk for i in page]},
    )
    return {
        "items": [item_out(i, request.user) for i in page],
        "next_cursor": _encode_cursor(page[-1].pk) if more else None,
    }


def _request_digest(payload: s.ItemIn) -> str:
    canonical = json.dumps(payload.dict(), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _read(payload: s.ItemIn) -> Suggestion:
    """Triage's reading of the text, made before the transaction begins: on SQLite a
    transaction holds the database's one write lock, so intakes wait for each other only while
    they write, not while they classify."""
    return triage.suggest(payload.summary, payload.details, language=payload.language)


def _create_item(request: HttpRequest, payload: s.ItemIn, suggestion: Suggestion) -> Filed:
    """File through the one intake service, as every other door does: with a patient, a
    contact about their open item (same category, else any updated lately) joins it unless
    ``new_item``; a live call with ``next_update_at`` is acknowledged at the time of the call."""
    practice = practice_or_404(request, payload.practice)
    category = None
    if payload.category is not None:
        category = (
            Category.objects.for_practice(practice).active().filter(code=payload.category).first()
        )
        if category is None:
            raise LifecycleError(
                "bad_category", f"No category {payload.category!r} at this practice."
            )
    patient = None
    if payload.patient_id is not None:
        patient = Patient.objects.for_practice(practice).filter(pk=payload.patient_id).first()
        if patient is None:
            raise LifecycleError("bad_patient", "No such patient at this practice.")
    return file_item(
        practice=practice,
        actor=api_user(request),
        contact=Contact(
            channel=payload.channel,
            summary=payload.summary,
            details=payload.details,
            language=payload.language,
            patient=patient,
            caller_name=payload.caller_name,
            callback_number=payload.callback_number,
            contact_email=payload.contact_email,
            at=payload.contact_at,
            next_update_at=payload.next_update_at,
            after_hours_reason=payload.after_hours_reason,
        ),
        category=category,
        urgency=payload.urgency,
        find_repeat=not payload.new_item,
        suggestion=suggestion,
    )


def _filed_out(request: HttpRequest, item: SupportItem | int, joined: bool) -> dict[str, Any]:
    """The answer to a filing: the item as the caller may see it. The item just filed or
    joined is answered from the row in hand (it was written for this caller, in a practice they
    serve); a retry's item (an id) is read again."""
    if isinstance(item, int):
        item = item_or_404(request, item)
    return {**item_out(item, request.user), "repeat_of": item.pk if joined else None}


@api.post("/items", response={200: s.FiledOut, 201: s.FiledOut, **ERRORS}, tags=["items"])
def create_item(request: HttpRequest, payload: s.ItemIn) -> Any:
    """File an item — or, for a patient with an open item about the same thing, add the contact
    to it (200, ``repeat_of`` names it; send ``"new_item": true`` to file a new one anyway).
    With an ``Idempotency-Key`` header, a retry returns the same answer; the same key with a
    different body is a 409."""
    user = api_user(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        raise HttpError(400, "Idempotency-Key is longer than 200 characters.")
    if not key:
        suggestion = _read(payload)
        with transaction.atomic():
            filed = _create_item(request, payload, suggestion)
        return Status(201 if filed.created else 200, _filed_out(request, filed.item, filed.repeat))
    digest = _request_digest(payload)
    previous = IdempotencyRecord.objects.filter(user=user, key=key).select_related("item").first()
    if previous is None:
        # Read only for a first request: a retry answers from its record.
        suggestion = _read(payload)
        try:
            with transaction.atomic():
                filed = _create_item(request, payload, suggestion)
                IdempotencyRecord.objects.create(
                    user=user, key=key, request_digest=digest, item=filed.item,
                    joined=filed.repeat,
                )  # fmt: skip
            status = 201 if filed.created else 200
            return Status(status, _filed_out(request, filed.item, filed.repeat))
        except IntegrityError:
            # The same key raced us and won: answer as for a retry.
            previous = IdempotencyRecord.objects.select_related("item").get(user=user, key=key)
    if previous.request_digest != digest:
        raise HttpError(409, "This Idempotency-Key was used with a different request body.")
    return Status(200, _filed_out(request, previous.item_id, previous.joined))


@api.get("/items/{item_id}", response={200: s.ItemOut, **ERRORS}, tags=["items"])
def read_item(request: HttpRequest, response: HttpResponse, item_id: int) -> Any:
    item = item_or_404(request, item_id)
    audit.record_view(item, fields=list(s.ItemOut.model_fields))
    response["ETag"] = etag(item)
    return item_out(item, request.user)


@api.get(
    "/items/{item_id}/timeline", response={200: list[s.TimelineEventOut], **ERRORS}, tags=["items"]
)
def item_timeline(request: HttpRequest, item_id: int) -> Any:
    item = item_or_404(request, item_id)
    audit.record_view(item, fields=["timeline"])
    events = list(timeline_for_item(item))
    if not sees_clinical_details(request.user, item):
        for event in events:  # codes and times stay; what was said is for clinical staff
            event.text, event.changes = "", {}
    return events


# --- files the patient sent (the item page's "Files from the patient") -----------------------


@api.get(
    "/items/{item_id}/files",
    response={200: list[s.FileOut], **ERRORS},
    tags=["items"],
    summary="The files the patient sent about the item (what they are, never their bytes)",
)
def item_files(request: HttpRequest, item_id: int) -> Any:
    item = access.item_for_action(request.user, item_id, VIEW_DETAILS)
    audit.record_view(item, fields=["files"])
    return [file_out(row) for row in files_for_item(item)]


@api.get(
    "/items/{item_id}/files/{file_id}",
    response=ERRORS,
    tags=["items"],
    summary="Download one file the patient sent (each download audited, never cached)",
    openapi_extra={"responses": {"200": FILE_CONTENT}},
)
def item_file(request: HttpRequest, item_id: int, file_id: int) -> Any:
    item = access.item_for_action(request.user, item_id, VIEW_DETAILS)
    response = file_response(item, parse_id(file_id))
    if response is None:
        raise Http404
    return response


# --- lifecycle actions: generated from the action registry ----------------------------------

api.add_router("/items", build_router())
api.add_router("/visits", build_visit_router())


# --- metrics ----------------------------------------------------------------------------------


@api.get(
    "/metrics",
    response={200: s.MetricsOut, **ERRORS},
    tags=["metrics"],
    summary="All recovery metrics for a practice (or all yours) and a date range",
    description="Every measure the dashboard shows. Each one's exact definition is the docstring "
    "of its function in `closeloop/metrics/definitions.py` or its `Measure` in "
    "`closeloop/metrics/measures.py` (also in docs/metrics.md). Supervisors and admins only; "
    "others get 404. The previous equal period is included for comparison.",
)
def metrics(request: HttpRequest, filters: Query[s.MetricsQuery]) -> Any:
    params = {key: ("" if value is None else str(value)) for key, value in filters.dict().items()}
    try:
        chosen = scope_from(request.user, params)
    except Practice.DoesNotExist:
        raise Http404 from None
    except ScopeError as exc:
        raise HttpError(400, str(exc)) from None
    return report(chosen.scope)
