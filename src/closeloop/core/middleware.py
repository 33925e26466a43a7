"""Request hygiene shared by every endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")


class RejectNulCharactersMiddleware:
    """NUL characters are never meaningful input, and PostgreSQL cannot store them in text or
    JSON: refuse them everywhere (query string, form fields, JSON, raw bodies) with a 400,
    before any view can half-store a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
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
