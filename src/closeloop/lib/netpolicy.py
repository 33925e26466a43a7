"""Which outbound URLs Closeloop may call (webhooks, the EHR's FHIR server): no Django here.

A URL a practice admin configures is fetched by the server, with the practice's credentials:
it must not reach the server's own network (server-side request forgery). The policy: https
only (plain http only to loopback, and only where the caller allows it for development), and
every address the host name resolves to must be public — no loopback, private, link-local
(cloud metadata lives there), multicast, reserved or unspecified addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def url_problem(url: str, *, allow_loopback_http: bool = False) -> str:
    """Why ``url`` may not be called, judged on its text alone, or "" when it may."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return ""
    if parts.scheme == "http" and allow_loopback_http and host in LOOPBACK_NAMES:
        return ""
    return "URLs must use https://"


def address_problem(url: str, *, allow_loopback: bool = False) -> str:
    """Why the host of ``url`` may not be called once resolved, or "" when it may."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as exc:
        return f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and allow_loopback:
            continue
        if not address.is_global or address.is_multicast:
            return f"{host} resolves to a non-public address"
    return ""
