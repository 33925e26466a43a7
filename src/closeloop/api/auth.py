"""Bearer-token authentication: a token acts as its user, narrowed to the token's practices."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from closeloop.api.models import ApiToken, hash_token
from closeloop.practices.tenancy import PRACTICE_LIMIT_ATTR
from closeloop.security import audit

#: last_used_at is written at most this often per token (not on every request).
TOUCH_SECONDS = 60


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.live().select_related("user").filter(digest=hash_token(token)).first()
        )
        if found is None:
            return None
        user = found.user
        limit = list(found.practices.values_list("pk", flat=True))
        if limit:
            setattr(user, PRACTICE_LIMIT_ATTR, limit)
        request.user = user
        audit.set_user(user)
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > TOUCH_SECONDS:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found
