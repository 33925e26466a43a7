"""Password hashing: Argon2id with OWASP's recommended parameters.

Django's default Argon2 parameters use 100 MiB of memory per hash (and 8 lanes): every login
would raise a web worker's resident memory by that much. OWASP's Password Storage Cheat Sheet
recommends, as one of its equivalent Argon2id settings, 19 MiB, 2 iterations, 1 lane — still
memory-hard against guessing hardware, and it keeps a web worker within 150 MB. Hashes made with
other parameters are upgraded at the next login.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same prefix: Django's verifier reads the parameters from the hash
    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
