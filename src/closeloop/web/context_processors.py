from typing import Any

from django.conf import settings
from django.http import HttpRequest


def closeloop(request: HttpRequest) -> dict[str, Any]:
    return {"closeloop_env": settings.CLOSELOOP_ENV}
