"""``closeloop token create|list|revoke``: API tokens. A new token is printed once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from closeloop.api.models import DEFAULT_TOKEN_DAYS, ApiToken
from closeloop.practices.models import Practice


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token for a user (printed once).")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="")
        create.add_argument(
            "--practice",
            action="append",
            default=[],
            help="Limit to this practice slug (repeatable).",
        )
        create.add_argument(
            "--days",
            type=int,
            default=DEFAULT_TOKEN_DAYS,
            help=f"Days until the token expires (1-366, default {DEFAULT_TOKEN_DAYS}).",
        )
        listing = sub.add_parser("list", help="Tokens of a user (prefixes only).")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _user(self, username: str) -> Any:
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        practices = []
        for slug in options["practice"]:
            practice = Practice.objects.for_user(user).filter(slug=slug).first()
            if practice is None:
                raise CommandError(f"{user.username} does not serve a practice {slug!r}")
            practices.append(practice)
        if not 1 <= options["days"] <= 366:
            raise CommandError("--days: between 1 and 366")
        token, raw = ApiToken.issue(
            user=user, name=options["name"], practices=practices, days=options["days"]
        )
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.pk} for {user.username}, expires {token.expires_at:%Y-%m-%d}; "
            "it is shown only this once."
        )

    def _list(self, options: dict[str, Any]) -> None:
        for token in ApiToken.objects.filter(user=self._user(options["user"])).order_by("id"):
            state = (
                "revoked"
                if token.revoked_at
                else "expired"
                if token.expires_at <= timezone.now()
                else f"active until {token.expires_at:%Y-%m-%d}"
            )
            used = token.last_used_at.isoformat() if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{state}\tlast used {used}\t{token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        updated = ApiToken.objects.filter(pk=options["id"], revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise CommandError(f"no active token {options['id']}")
        self.stdout.write(f"Revoked token {options['id']}.")
