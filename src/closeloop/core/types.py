"""Types shared by every layer."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import User as _User

#: A staff member's login (Django's user model; Closeloop does not swap it).
User: TypeAlias = _User
#: Who did something: a person, or ``None`` for the system (the worker, intake hooks).
Actor: TypeAlias = _User | None
