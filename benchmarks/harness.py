"""What the benchmarks that drive real processes share: a scratch database to run them on, and
a signed-in session on the server they started (``readers_beside_writers.py``, ``soak.py``,
``run.py``). Imported as a sibling module (each script's folder is on ``sys.path``)."""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def scratch_database(workdir: Path, name: str, sqlite_file: str) -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for a fresh database, and how to drop it: ``sqlite_file`` in ``workdir``,
    or, with ``DATABASE_URL=postgres://…``, ``closeloop_<name>_<pid>`` created on that
    server."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{workdir / sqlite_file}", lambda: None
    import psycopg

    database = f"closeloop_{name}_{os.getpid()}"
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{database}")), drop


def session_cookie(port: int, username: str, password: str) -> str:
    """The Cookie header of ``username`` signed in through the login form on
    ``127.0.0.1:port``; stops the run when the sign-in fails."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    opener.open(base + "/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    ).encode()
    opener.open(
        urllib.request.Request(base + "/login/", data=body, headers={"Referer": base + "/login/"})
    ).read()
    if not any(c.name == "sessionid" for c in jar):
        raise SystemExit(f"{username} could not sign in")
    return "; ".join(f"{c.name}={c.value}" for c in jar)
