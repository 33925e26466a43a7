"""Types shared by every layer."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as _User

#: A staff member's login (Django's user model; Closeloop does not swap it).
User: TypeAlias = _User
#: Who did something: a person, or ``None`` for the system (the worker, intake hooks).
Actor: TypeAlias = _User | None
#: Whoever is asking: a person, a visitor who is not signed in (a request's user), or the system.
Viewer: TypeAlias = _User | AnonymousUser | None
