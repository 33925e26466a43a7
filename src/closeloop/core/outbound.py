"""The one outbound-URL policy, applied to every URL a practice admin can configure that the
server then calls with the practice's credentials (webhook endpoints, the EHR's FHIR base URL):
https only, and no loopback, private, link-local (cloud metadata), multicast or reserved
address after DNS resolution. Checked when the URL is saved (settings pages, the admin site,
the models' validation; a name that does not resolve yet is kept) and again at every request,
where the name is resolved once and the connection goes to an address of that checked answer
(``OPENER`` for urllib, ``session()`` for requests); redirects are never followed, and no
proxy from the environment is used (the connection must go where the check looked).
``OUTBOUND_ALLOW_HTTP_LOOPBACK`` (on outside production) lets development and the tests use
servers on 127.0.0.1 over plain http.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.request
from typing import Any

import requests
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from closeloop.lib import netpolicy

#: Raised at connection time when the policy refuses where the name resolves.
Refused = netpolicy.Refused


def loopback_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_HTTP_LOOPBACK", False))


def url_problem(url: str) -> str:
    """Why ``url`` may not be called, on its text ("" when it may)."""
    return netpolicy.url_problem(url, allow_loopback_http=loopback_allowed())


def save_problem(url: str) -> str:
    """Why ``url`` may not be saved: its text, then where its name resolves now. A name that
    does not resolve yet is kept (each request refuses it until it resolves to public
    addresses)."""
    return url_problem(url) or netpolicy.address_problem(
        url, allow_loopback=loopback_allowed(), unresolved_ok=True
    )


def validate_outbound_url(value: str) -> None:
    """Model and form validator for a configured outbound URL."""
    if value and (why := save_problem(value)):
        raise ValidationError(why, code="outbound_url")


def connect(
    host: str, port: int, timeout: Any = None, source_address: tuple[str, int] | None = None
) -> socket.socket:
    """A connection to the address the policy checked (``netpolicy.connect``)."""
    return netpolicy.connect(host, port, timeout, source_address, allow_loopback=loopback_allowed())


# --- urllib (webhooks) ----------------------------------------------------------------------


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    """TLS is still negotiated with, and verified for, the host name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


def _create_connection(
    address: tuple[str, int], timeout: Any = None, source_address: Any = None
) -> socket.socket:
    return connect(address[0], address[1], timeout, source_address)


_TLS = ssl.create_default_context()


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: Any) -> Any:
        return self.do_open(_CheckedHTTPSConnection, req, context=_TLS)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: a redirect is never followed


#: ``urllib`` opener for outbound calls: checked connections, no redirect (one could point
#: into the private network), no proxy.
OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _NoRedirects, _CheckedHTTPHandler, _CheckedHTTPSHandler
)

# --- requests (the FHIR client) -------------------------------------------------------------


class _CheckedConnectionMixin:
    _dns_host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any
    host: str

    def _new_conn(self) -> socket.socket:
        try:
            sock = connect(self._dns_host, self.port, self.timeout, self.source_address)
        except TimeoutError as exc:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
        except OSError as exc:
            raise NewConnectionError(
                self,  # type: ignore[arg-type]
                f"Failed to establish a new connection: {exc}",
            ) from exc
        for option in self.socket_options or ():
            sock.setsockopt(*option)
        return sock


class _CheckedU3HTTPConnection(_CheckedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _CheckedU3HTTPSConnection(_CheckedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _CheckedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _CheckedU3HTTPConnection


class _CheckedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _CheckedU3HTTPSConnection


class _CheckedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def session() -> requests.Session:
    """A ``requests`` session for outbound calls: checked connections, no proxy from the
    environment (the caller passes ``allow_redirects=False``)."""
    checked = requests.Session()
    checked.trust_env = False
    adapter = _CheckedAdapter()
    checked.mount("http://", adapter)
    checked.mount("https://", adapter)
    return checked
