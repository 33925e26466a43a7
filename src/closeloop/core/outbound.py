"""The one outbound-URL policy, applied to every URL a practice admin can configure that the
server then calls with the practice's credentials (webhook endpoints, the EHR's FHIR base URL):
https only, and no loopback, private, link-local (cloud metadata), multicast or reserved
address after DNS resolution, checked when the URL is saved and again before every request;
redirects are never followed. ``OUTBOUND_ALLOW_HTTP_LOOPBACK`` (on outside production) lets
development and the tests use servers on 127.0.0.1 over plain http.
"""

from __future__ import annotations

import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from closeloop.lib import netpolicy


def loopback_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_HTTP_LOOPBACK", False))


def url_problem(url: str) -> str:
    """Why ``url`` may not be called, on its text ("" when it may)."""
    return netpolicy.url_problem(url, allow_loopback_http=loopback_allowed())


def address_problem(url: str) -> str:
    """Why ``url``'s host may not be called once resolved ("" when it may)."""
    return netpolicy.address_problem(url, allow_loopback=loopback_allowed())


def problem(url: str) -> str:
    """Why ``url`` may not be called now: its text, then where its name resolves."""
    return url_problem(url) or address_problem(url)


def validate_outbound_url(value: str) -> None:
    """Model and form validator for a configured outbound URL (the text; the address is
    checked again at each request, as DNS answers change)."""
    if value and (why := url_problem(value)):
        raise ValidationError(why, code="outbound_url")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: a redirect is never followed


#: ``urllib`` opener that never follows a redirect (one could point into the private network).
NO_REDIRECTS = urllib.request.build_opener(_NoRedirects)
