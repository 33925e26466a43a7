"""Request hygiene shared by every endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")
API_PREFIX = "/api/"


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The API's error shape: ``{"error": {"code": ..., "message": ...}}``."""
    return {"error": {"code": code, "message": message}}


def too_large(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than the {limit:,} bytes accepted."
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("too_large", message), status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class RejectNulCharactersMiddleware:
    """NUL characters are never meaningful input, and PostgreSQL cannot store them in text or
    JSON: refuse them everywhere (query string, form fields, JSON, raw bodies) with a 400,
    before any view can half-store a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            has_nul = self._has_nul(request)
        except RequestDataTooBig:
            return too_large(request)
        if has_nul:
            return JsonResponse(
                {
                    "error": {
                        "code": "nul_character",
                        "message": "The request contains a NUL character.",
                    }
                },
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        body = request.body.lower()
        return any(marker in body for marker in _NUL_MARKERS)


class NoStoreMiddleware:
    """Nothing Closeloop serves may be kept by a browser or a proxy cache: item, patient and
    access pages, CSV, PDF and JSON exports and the API carry patient data, and the rest is
    cheap to serve again. Static files (answered by WhiteNoise, earlier in the chain) keep
    their long cache headers; a view that sets its own ``Cache-Control`` keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ApiJsonMiddleware:
    """The API speaks JSON both ways: a request body must be sent as ``application/json``
    (415 otherwise), and every error under ``/api/`` is JSON, whoever produced it (an unknown
    path, a method not allowed, Django's own 400/403/404/500 pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(API_PREFIX)
            and request.method in ("POST", "PUT", "PATCH")
            and request.content_type != "application/json"
            and request.META.get("CONTENT_LENGTH", "0") not in ("", "0")
        ):
            return JsonResponse(
                error_body(
                    "unsupported_media_type",
                    "Send the body as JSON with Content-Type: application/json.",
                ),
                status=415,
            )
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            reason = response.reason_phrase or "Error"
            converted = JsonResponse(error_body(f"http_{status}", f"{reason}."), status=status)
            if response.has_header("Allow"):
                converted["Allow"] = response["Allow"]
            return converted
        return response
