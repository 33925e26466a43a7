"""Schemathesis against the API's own OpenAPI schema: no 5xx, and every response matches it.

Bounded: a fixed number of generated examples per operation (CLOSELOOP_FUZZ_EXAMPLES, default
25), so the run stays short on both databases.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from closeloop.api.models import ApiToken
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel
from tests.conftest import category, doubtful_video_visit

EXAMPLES = int(os.environ.get("CLOSELOOP_FUZZ_EXAMPLES", "25"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    # Django's test client keeps the test's connection (and its transaction) across requests by
    # muting close_old_connections; schemathesis calls the WSGI app directly, so do the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(riverside: Any, patient: Any, assistant: Any) -> str:
    for n in range(3):
        lifecycle.item_create(
            practice=riverside,
            category=category(riverside, "scheduling"),
            channel=Channel.PHONE,
            actor=assistant,
            summary=f"Fuzz target {n}",
            patient=patient,
        )
    return ApiToken.issue(user=assistant)[1]


@pytest.fixture
def visit_id(riverside: Any, patient: Any) -> int:
    """A visit every visit action applies to (a video visit tomorrow, asked to confirm, its
    patient doubtful between ``patient`` and a new one): hypothesis cannot guess an id, so the
    positive examples of ``/visits/{visit_id}/…`` are sent to it, bodies and all."""
    return doubtful_video_visit(
        riverside, patient, source="fhir", external_id="fuzz",
        patient_details={"ehr_id": "fz", "first_name": "Fuzz", "last_name": "Target"},
    ).pk  # fmt: skip


# Loaded once at collection, in-process (no server): the schema as the app serves it.
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_every_api_operation_is_fuzzed() -> None:
    documented = {
        f"{method.upper()} {path}"
        for path, methods in SCHEMA.raw_schema["paths"].items()
        for method in methods
    }
    assert documented == set(OPERATIONS)
    assert "POST /api/v1/items/{item_id}/update-window" in OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_never_fails_and_always_matches_its_schema(
    label: str, mode: Any, token: str, visit_id: int
) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=OPERATIONS[label].as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # CI replays the same examples every run (a red build is reproducible); locally each
        # run explores new ones.
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if mode == GenerationMode.POSITIVE and "visit_id" in (case.path_parameters or {}):
            case.path_parameters["visit_id"] = visit_id
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
