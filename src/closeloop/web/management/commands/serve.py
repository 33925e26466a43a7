"""``closeloop serve``: the web application under waitress, right behind a TLS proxy by default.

Waitress drops ``X-Forwarded-*`` headers from clients it does not trust, so behind a proxy
Django would see plain http and redirect to https forever. Here the proxy (``TRUSTED_PROXY``,
default 127.0.0.1) is trusted for ``X-Forwarded-Proto``, ``-For`` and ``-Host``: requests that
reached the proxy over https are https to Django, and the client's address is the one audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from waitress import serve

from closeloop.lib.envvars import env_str

PROXY_HEADERS = "x-forwarded-proto x-forwarded-for x-forwarded-host"


class Command(BaseCommand):
    help = "Serve Closeloop with waitress (behind a TLS-terminating proxy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--trusted-proxy",
            default=env_str("TRUSTED_PROXY", "127.0.0.1"),
            help="The proxy's address, whose X-Forwarded-* headers are believed ('' for none; "
            "default TRUSTED_PROXY or 127.0.0.1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from closeloop.wsgi import application

        proxy = options["trusted_proxy"].strip()
        extra: dict[str, Any] = (
            {"trusted_proxy": proxy, "trusted_proxy_headers": PROXY_HEADERS} if proxy else {}
        )
        self.stdout.write(
            f"Closeloop ({settings.CLOSELOOP_ENV}) on http://{options['host']}:{options['port']}"
            + (f", trusting X-Forwarded-* from {proxy}" if proxy else "")
        )
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="closeloop",
                clear_untrusted_proxy_headers=True,
                **extra,
            )
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {exc}"
            ) from None
