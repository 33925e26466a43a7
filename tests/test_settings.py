"""Settings: strict environment parsing, fail-closed production."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from closeloop.lib.envvars import (
    EnvError,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
)
from tests.conftest import free_port

DEFAULT = Path("/tmp/default.sqlite3")


@pytest.mark.parametrize("value", ["yes", "no", "on", "True!", "2"])
def test_malformed_boolean_is_rejected_naming_the_variable(value: str) -> None:
    with pytest.raises(EnvError, match="DEBUG") as error:
        env_bool("DEBUG", False, environ={"DEBUG": value})
    assert error.value.name == "DEBUG"


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("0", False), ("FALSE", False), ("", True)]
)
def test_booleans(value: str, expected: bool) -> None:
    assert env_bool("DEBUG", True, environ={"DEBUG": value}) is expected


def test_malformed_integer_and_bounds_are_rejected() -> None:
    with pytest.raises(EnvError, match="SESSION_COOKIE_AGE.*whole number"):
        env_int("SESSION_COOKIE_AGE", 1, environ={"SESSION_COOKIE_AGE": "8h"})
    with pytest.raises(EnvError, match="at least 300"):
        env_int("SESSION_COOKIE_AGE", 1, minimum=300, environ={"SESSION_COOKIE_AGE": "5"})
    assert env_int("X", 7, environ={}) == 7


def test_lists_and_choices() -> None:
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.org, b.org"}) == [
        "a.org",
        "b.org",
    ]
    with pytest.raises(EnvError, match="ALLOWED_HOSTS.*empty entry"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.org,,b.org"})
    with pytest.raises(EnvError, match="CLOSELOOP_ENV.*production"):
        env_choice(
            "CLOSELOOP_ENV", "production", ["production", "demo"], environ={"CLOSELOOP_ENV": "prod"}
        )


def test_database_urls() -> None:
    sqlite = env_database("DATABASE_URL", default_sqlite_path=DEFAULT, environ={})
    assert sqlite["NAME"] == str(DEFAULT)
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    pg = env_database(
        "DATABASE_URL",
        default_sqlite_path=DEFAULT,
        environ={"DATABASE_URL": "postgres://cl:p%40ss@db.internal:5433/closeloop?sslmode=require"},
    )
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "closeloop",
        "cl",
        "p@ss",
        "db.internal",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    absolute = env_database(
        "DATABASE_URL",
        default_sqlite_path=DEFAULT,
        environ={"DATABASE_URL": "sqlite:////var/cl/db.sqlite3"},
    )
    assert absolute["NAME"] == "/var/cl/db.sqlite3"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://localhost/x", "unsupported scheme"),
        ("postgres://localhost", "database name"),
        ("postgres://localhost:port/x", "not a valid URL"),
        ("sqlite://", "sqlite:///path"),
    ],
)
def test_malformed_database_url_is_rejected(url: str, problem: str) -> None:
    with pytest.raises(EnvError, match="DATABASE_URL") as error:
        env_database("DATABASE_URL", default_sqlite_path=DEFAULT, environ={"DATABASE_URL": url})
    assert problem in str(error.value)


#: The test run's own settings, never passed on to a Closeloop started as production.
CLEARED = (
    "DJANGO_SETTINGS_MODULE",
    "CLOSELOOP_ENV",
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECRETS_KEYS",
)


def run_closeloop(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "closeloop", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    result = run_closeloop("check", CLOSELOOP_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="cl.example")
    assert result.returncode != 0
    assert "closeloop.E001" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path: Path) -> None:
    result = run_closeloop(
        "check",
        CLOSELOOP_DATA_DIR=str(tmp_path),
        SECRET_KEY="s" * 60,
        DEBUG="true",
        ALLOWED_HOSTS="cl.example",
    )
    assert result.returncode != 0
    assert "closeloop.E002" in result.stderr


def test_malformed_setting_stops_the_command_naming_the_variable(tmp_path: Path) -> None:
    result = run_closeloop("check", CLOSELOOP_DATA_DIR=str(tmp_path), DEBUG="yes")
    assert result.returncode == 2
    assert "environment variable DEBUG" in result.stderr
    assert "Traceback" not in result.stderr


def test_deploy_check_is_clean_in_production(tmp_path: Path) -> None:
    result = run_closeloop(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CLOSELOOP_DATA_DIR=str(tmp_path),
        SECRET_KEY="a-long-random-production-secret-" + "q7Zp" * 10,
        ALLOWED_HOSTS="closeloop.example.org",
        SECRETS_KEYS=Fernet.generate_key().decode(),
        CLOSELOOP_BASE_URL="https://closeloop.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_an_http_base_url(tmp_path: Path) -> None:
    """Status links and alert links carry tokens: never over plain http in production."""
    result = run_closeloop(
        "check",
        CLOSELOOP_DATA_DIR=str(tmp_path),
        SECRET_KEY="a-long-random-production-secret-" + "q7Zp" * 10,
        ALLOWED_HOSTS="closeloop.example.org",
        SECRETS_KEYS=Fernet.generate_key().decode(),
        CLOSELOOP_BASE_URL="http://closeloop.example.org",
    )
    assert result.returncode != 0
    assert "closeloop.E007" in result.stderr


def test_production_refuses_to_start_without_a_key_for_secrets_at_rest(tmp_path: Path) -> None:
    base = {
        "CLOSELOOP_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "a-long-random-production-secret-" + "q7Zp" * 10,
        "ALLOWED_HOSTS": "closeloop.example.org",
    }
    missing = run_closeloop("check", **base)
    assert missing.returncode != 0 and "closeloop.E005" in missing.stderr
    bad = run_closeloop("check", **base, SECRETS_KEYS="not-a-key")
    assert bad.returncode != 0 and "closeloop.E006" in bad.stderr


def test_wsgi_application_refuses_unsafe_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import closeloop.wsgi"],
        env={
            k: v
            for k, v in {
                **os.environ,
                "CLOSELOOP_DATA_DIR": str(tmp_path),
                "ALLOWED_HOSTS": "x.org",
            }.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "CLOSELOOP_ENV", "SECRET_KEY", "DEBUG")
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "closeloop.E001" in result.stderr


def test_redis_url_must_be_a_redis_url(tmp_path: Path) -> None:
    result = run_closeloop(
        "check", CLOSELOOP_DATA_DIR=str(tmp_path), CLOSELOOP_ENV="development", REDIS_URL="http://x"
    )
    assert result.returncode == 2 and "REDIS_URL" in result.stderr


def test_audit_emails_must_be_addresses(tmp_path: Path) -> None:
    result = run_closeloop(
        "check", CLOSELOOP_DATA_DIR=str(tmp_path), CLOSELOOP_ENV="development",
        AUDIT_EMAILS="ops@example.com,ops",
    )  # fmt: skip
    assert result.returncode == 2 and "AUDIT_EMAILS" in result.stderr


def test_redis_cache_is_used_when_configured(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_closeloop(
        "shell",
        "-c",
        code,
        CLOSELOOP_DATA_DIR=str(tmp_path),
        CLOSELOOP_ENV="development",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache"


def test_serve_behind_a_tls_proxy_does_not_loop_on_redirects(tmp_path: Path) -> None:
    env = {
        "CLOSELOOP_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "a-long-random-production-secret-" + "q7Zp" * 10,
        "ALLOWED_HOSTS": "support.example.org,127.0.0.1",
        "SECRETS_KEYS": Fernet.generate_key().decode(),
        "CLOSELOOP_BASE_URL": "https://closeloop.example.org",
    }
    assert run_closeloop("migrate", "-v0", **env).returncode == 0
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "closeloop", "serve", "--port", str(port)],
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)

        def get(**headers: str) -> http.client.HTTPResponse:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/login/", headers={"Host": "support.example.org", **headers})
            return conn.getresponse()

        # The proxy says the client came over https: served, not redirected again.
        through_proxy = get(**{"X-Forwarded-Proto": "https"})
        assert through_proxy.status == 200
        assert "Strict-Transport-Security" in dict(through_proxy.getheaders())
        # Plain http (no proxy header): one redirect to https, as it should be.
        plain = get()
        assert plain.status == 301
        assert plain.getheader("Location") == "https://support.example.org/login/"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("at", ["2026-12-07 20:00:03+00:00", "2026-12-08 08:00:00+00:00"])
def test_the_quiet_hours_defaults_pass_the_system_checks_at_any_time_of_day(at: str) -> None:
    """Django warns of a fixed time default (fields.W161) within ten seconds of it: the deploy
    check failed when it ran at 20:00:0x UTC (the quiet hours' start). Found by the full run."""
    import time_machine

    from closeloop.practices.models import Practice

    with time_machine.travel(at, tick=False):
        for name in ("sms_quiet_start", "sms_quiet_end"):
            assert Practice._meta.get_field(name).check() == [], name
