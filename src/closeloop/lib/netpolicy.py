"""Which outbound URLs Closeloop may call (webhooks, the EHR's FHIR server): no Django here.

A URL a practice admin configures is fetched by the server, with the practice's credentials:
it must not reach the server's own network (server-side request forgery). The policy: https
only (plain http only to loopback, and only where the caller allows it for development), and
every address the host name resolves to must be public — no loopback, private, link-local
(cloud metadata lives there), multicast, reserved or unspecified addresses.

At request time the name is resolved once and the connection goes to an address of that very
answer (``connect``): a second lookup could answer differently (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class Refused(Exception):
    """The policy refuses this destination; the message says why. (Not an ``OSError``, so
    that HTTP libraries pass it up unchanged rather than as a failed connection.)"""


class Unresolved(Refused):
    """The name does not resolve (now)."""


def url_problem(url: str, *, allow_loopback_http: bool = False) -> str:
    """Why ``url`` may not be called, judged on its text alone, or "" when it may."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # an unbalanced "[" or a bracketed host that is no IPv6 address
        return "this is not a valid URL"
    if parts.scheme == "https" and host:
        return ""
    if parts.scheme == "http" and allow_loopback_http and host in LOOPBACK_NAMES:
        return ""
    return "URLs must use https://"


def checked_addresses(host: str, port: int | None, *, allow_loopback: bool = False) -> list[Any]:
    """``host`` resolved once (``getaddrinfo`` entries for a stream socket), every answer
    allowed; raises ``Refused`` (``Unresolved`` when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolved(
            f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and allow_loopback:
            continue
        if not address.is_global or address.is_multicast:
            raise Refused(f"{host} resolves to a non-public address")
    return infos


def address_problem(url: str, *, allow_loopback: bool = False, unresolved_ok: bool = False) -> str:
    """Why the host of ``url`` may not be called once resolved, or "" when it may (or, with
    ``unresolved_ok``, when it does not resolve yet)."""
    try:
        checked_addresses(urlsplit(url).hostname or "", None, allow_loopback=allow_loopback)
    except Unresolved as exc:
        return "" if unresolved_ok else str(exc)
    except Refused as exc:
        return str(exc)
    return ""


def connect(
    host: str,
    port: int,
    timeout: Any = None,
    source_address: tuple[str, int] | None = None,
    *,
    allow_loopback: bool = False,
) -> socket.socket:
    """A TCP connection to ``host``, made to the addresses of one checked answer (in order,
    as ``socket.create_connection`` tries them). ``timeout`` that is not a number or None
    (a library's "default" marker) leaves the socket's default."""
    error: OSError | None = None
    for family, kind, proto, _, address in checked_addresses(
        host, port, allow_loopback=allow_loopback
    ):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is None or isinstance(timeout, int | float):
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error or OSError(f"no address to connect to for {host}")
