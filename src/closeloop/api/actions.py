"""The API's item actions, generated from the action registry: ``POST /items/{item_id}/<slug>``.

Each action's request body is built from its declared inputs (references by id, categories
by code, datetimes with an offset); the item is fetched through ``access.item_for_action``
(another practice's item: 404; an action the caller may not take: 403), the references are
looked up among what the item allows, and the registry's service runs — exactly as on the page.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from pydantic import create_model

from closeloop.actions import access
from closeloop.actions.inputs import REFERENCES, Input, Kind, resolve
from closeloop.actions.registry import ACTIONS, Action, run
from closeloop.actions.visits import VISIT_ACTIONS, VisitAction, run_visit_action, visit_for_action
from closeloop.api import schemas as s
from closeloop.api.serialize import api_user, etag, if_match, item_out, visit_out
from closeloop.lib.ids import MAX_ID

RESPONSES: dict[int, Any] = {
    200: s.ActionOut,
    400: s.ErrorOut,
    401: s.ErrorOut,
    403: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    412: s.ErrorOut,
    422: s.ErrorOut,
}


def _field(spec: Input) -> tuple[Any, Any]:
    """The request body field for one input: (type, pydantic Field)."""
    about = spec.label + (f". {spec.help}" if spec.help else "")
    if spec.kind == Kind.FLAG:
        return bool, Field(False, description=about)
    if spec.kind == Kind.TEXT:
        if spec.required:
            return str, Field(..., min_length=1, max_length=spec.max_length, description=about)
        return str, Field("", max_length=spec.max_length, description=about)
    if spec.kind == Kind.CHOICE:
        return spec.choices, Field(..., description=about)
    if spec.kind == Kind.INSTANT:
        if spec.required:
            return s.Instant, Field(..., description=about)
        return s.Instant | None, Field(None, description=about)
    if spec.kind == Kind.LANGUAGE:
        return str, Field(..., pattern=r"^[a-z]{2,3}$", description=about)
    if spec.kind == Kind.CATEGORY:
        return str, Field(..., min_length=1, max_length=50, description=f"{about} (code)")
    # An id is a JSON number: ``true`` or ``"1"`` is no one (lax parsing read both as patient 1).
    if spec.required:
        return int, Field(..., ge=1, le=MAX_ID, strict=True, description=f"{about} (id)")
    return int | None, Field(None, ge=1, le=MAX_ID, strict=True, description=f"{about} (id)")


def body_schema(action: Action | VisitAction) -> type[Schema] | None:
    if not action.inputs:
        return None
    prefix = "Visit" if isinstance(action, VisitAction) else ""
    name = prefix + "".join(part.title() for part in action.name.split("_")) + "In"
    fields: dict[str, Any] = {spec.api_name: _field(spec) for spec in action.inputs}
    return create_model(name, __base__=Schema, **fields)


def _data(action: Action, item: Any, body: dict[str, Any]) -> dict[str, Any]:
    """The registry's input values from a validated body (references looked up)."""
    data = {}
    for spec in action.inputs:
        value = body[spec.api_name]
        if spec.kind in REFERENCES:
            value = resolve(spec, item, value)
        elif spec.kind == Kind.CHOICE:
            value = str(value.value if hasattr(value, "value") else value)
        data[spec.name] = value
    return data


def _endpoint(action: Action) -> Any:
    body = body_schema(action)

    def endpoint(
        request: HttpRequest, response: HttpResponse, item_id: int, payload: Any = None
    ) -> Any:
        item = access.item_for_action(request.user, item_id, action.name)
        values = payload.dict() if payload is not None else {}
        outcome = run(
            action,
            item=item,
            actor=api_user(request),
            data=_data(action, item, values),
            loaded_version=if_match(request),
        )
        shown = access.item_to_read(request.user, outcome.item.pk)
        response["ETag"] = etag(shown)
        return {**item_out(shown, request.user), "result": outcome.detail}

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(
            "response", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpResponse
        ),
        inspect.Parameter("item_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
    ]
    if body is not None:
        parameters.append(
            inspect.Parameter("payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body)
        )
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = action.name
    endpoint.__doc__ = action.help or None
    return endpoint


def _router(
    kind: str, actions: Iterable[Any], endpoint: Callable[[Any], Any], responses: Any
) -> Router:
    """``POST /{<kind>_id}/<slug>`` for each of a registry's ``actions``, as ``<kind>_<name>``."""
    router = Router(tags=[f"{kind} actions"])
    for action in actions:
        router.add_api_operation(
            f"/{{{kind}_id}}/{action.slug}",
            ["POST"],
            endpoint(action),
            response=responses,
            summary=action.label,
            operation_id=f"{kind}_{action.name}",
        )
    return router


def build_router() -> Router:
    return _router("item", ACTIONS.values(), _endpoint, RESPONSES)


VISIT_RESPONSES: dict[int, Any] = {
    200: s.VisitOut,
    400: s.ErrorOut,
    401: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    422: s.ErrorOut,
}


def _visit_endpoint(action: VisitAction) -> Any:
    body = body_schema(action)

    def endpoint(request: HttpRequest, visit_id: int, payload: Any = None) -> Any:
        visit = visit_for_action(request.user, visit_id, action.name)
        values = payload.dict() if payload is not None else {}
        # The body's keys are the inputs' API names (``patient_id``); the action takes them
        # by name, a reference as its id (checked by the action, as for the page).
        data = {spec.name: values[spec.api_name] for spec in action.inputs}
        detail = run_visit_action(action, visit=visit, actor=api_user(request), data=data)
        return visit_out(visit, detail)

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("visit_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
    ]
    if body is not None:
        parameters.append(
            inspect.Parameter("payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body)
        )
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = f"visit_{action.name}"
    endpoint.__doc__ = action.help or None
    return endpoint


def build_visit_router() -> Router:
    """``POST /visits/{visit_id}/<slug>``: the appointments page's buttons
    (``actions.visits``)."""
    return _router("visit", VISIT_ACTIONS.values(), _visit_endpoint, VISIT_RESPONSES)
