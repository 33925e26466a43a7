"""Soak: real workers under random kill -9, with due deadlines, a slow SMTP server and a webhook
receiver; counts every email, webhook and timeline event that arrived, lost or twice.

    uv run python benchmarks/soak.py [--seconds 180] [--items 300] [--workers 2] [--json]

SQLite by default (a scratch file); with ``DATABASE_URL=postgres://…`` a scratch database
``closeloop_soak_<pid>`` is created on that server and dropped afterwards. Bounded in time: the
kill phase lasts ``--seconds``, then one clean worker drains what is left (at most
``--drain`` seconds). Only loopback addresses are used.

What it checks: every alert email (one per ``AlertDelivery``), every webhook (one per
``WebhookDelivery``) and every deadline's timeline event (one broken promise and one escalation
per item) arrived, none lost; how many arrived twice (emails and webhooks are at least once:
a worker killed between the server's acceptance and the mark repeats that one; timeline events
must never repeat).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harness import scratch_database

ROOT = Path(__file__).resolve().parent.parent

# --- receivers ---------------------------------------------------------------------------------


class Received:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.emails: Counter[str] = Counter()
        self.webhooks: Counter[str] = Counter()


class SlowSmtp(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend; each message takes ``delay`` to be accepted."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, received: Received, delay: float) -> None:
        self.received, self.delay = received, delay
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SlowSmtp

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        # A worker killed mid-conversation: what it sent so far is not a message.
        with contextlib.suppress(OSError):
            self.converse()

    def converse(self) -> None:
        self.reply("220 soak ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 soak")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go on")
                delivery = ""
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n"):
                    if not data:
                        return  # cut off before the end of the message: nothing delivered
                    text = data.decode(errors="replace")
                    if text.lower().startswith("x-closeloop-delivery:"):
                        delivery = text.split(":", 1)[1].strip()
                # A slow server: kills land mid-send. Once it has the whole message it delivers
                # it, whether or not the sender lives to hear the answer (as real servers do).
                time.sleep(self.server.delay)
                with self.server.received.lock:
                    self.server.received.emails[delivery or "unlabelled"] += 1
                self.reply("250 accepted")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


def webhook_receiver(received: Received) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with received.lock:
                received.webhooks[self.headers.get("X-Closeloop-Delivery", "?")] += 1
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    return server


# --- the scratch database ------------------------------------------------------------------------


def closeloop(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "closeloop", *args],
        env=env, capture_output=True, text=True, check=True, timeout=600, **kw,
    )  # fmt: skip


SEED = """
import os
from datetime import timedelta
from django.utils import timezone
from closeloop.practices.models import Organization, Category
from closeloop.practices.services import practice_create, staff_create
from closeloop.support_queue.models import Status, SupportItem
from closeloop.webhooks.models import WebhookEndpoint

n = int(os.environ["SOAK_ITEMS"])
org = Organization.objects.create(name="Soak", slug="soak", require_mfa=False)
practice = practice_create(organization=org, name="Soak Clinic", slug="soak",
                           timezone="America/Chicago")
owner = staff_create(organization=org, username="owner", password=None, roles=["support"],
                     practices=[practice], email="owner@example.com")
staff_create(organization=org, username="lead", password=None, roles=["supervisor"],
             practices=[practice], email="lead@example.com")
WebhookEndpoint.objects.create(practice=practice, url=os.environ["SOAK_WEBHOOK"],
                               events=["item.escalated", "item.status_changed"])
category = Category.objects.get(practice=practice, code="scheduling")
now = timezone.now()
SupportItem.objects.bulk_create(
    SupportItem(practice=practice, category=category, channel="phone",
                status=Status.IN_PROGRESS, owner=owner, team=category.default_team,
                summary="Soak item", callback_number="+13125550100",
                first_contact_at=now - timedelta(days=1),
                first_response_due_at=now - timedelta(hours=20),
                first_response_at=now - timedelta(hours=23),
                resolution_due_at=now + timedelta(days=5),
                promised_update_at=now - timedelta(minutes=90),
                promise_escalate_at=now - timedelta(minutes=30))
    for _ in range(n))
print(n)
"""

COUNT = """
import json
from django.db.models import Count
from closeloop.support_queue.models import AlertDelivery, EventCode, SupportItem, TimelineEvent
from closeloop.webhooks.models import WebhookDelivery
events = {}
for code in (EventCode.PROMISE_BROKEN, EventCode.PROMISE_ESCALATED):
    per_item = dict(TimelineEvent.objects.filter(code=code).values_list("item").annotate(n=Count("id")))
    events[code] = {"lost": SupportItem.objects.count() - len(per_item),
                    "twice": sum(1 for n in per_item.values() if n > 1)}
print(json.dumps({
    "alerts": list(AlertDelivery.objects.filter(held=False).values_list("pk", flat=True)),
    "alerts_sent": list(AlertDelivery.objects.filter(sent_at__isnull=False).values_list("pk", flat=True)),
    "alerts_failed": AlertDelivery.objects.filter(failed_at__isnull=False).count(),
    "alerts_pending": AlertDelivery.objects.filter(held=False, sent_at__isnull=True,
                                                   failed_at__isnull=True).count(),
    "webhooks": list(WebhookDelivery.objects.values_list("idempotency_key", flat=True)),
    "webhooks_done": list(WebhookDelivery.objects.filter(state="delivered").values_list("idempotency_key", flat=True)),
    "webhooks_pending": WebhookDelivery.objects.exclude(state="delivered").count(),
    "events": events,
}))
"""


# --- the run --------------------------------------------------------------------------------------


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "closeloop", "worker", "--tick", "2", "--interval", "0.2"],
        env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def counts(env: dict[str, str]) -> dict[str, Any]:
    out = closeloop(env, "shell", "-c", COUNT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def run(seconds: float, items: int, workers: int, drain: float, smtp_delay: float) -> dict:
    rng = random.Random(20261129)
    received = Received()
    smtp = SlowSmtp(received, smtp_delay)
    hooks = webhook_receiver(received)
    for server in (smtp, hooks):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    workdir = Path(tempfile.mkdtemp(prefix="closeloop-soak-"))
    url, drop = scratch_database(workdir, "soak", "soak.sqlite3")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "CLOSELOOP_ENV": "development",
        "CLOSELOOP_DATA_DIR": str(workdir),
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.server_address[1]),
        "EMAIL_USE_TLS": "false",
        "OUTBOUND_LEASE_SECONDS": "6",
        "OUTBOUND_REDRIVE_AFTER_SECONDS": "3",
        "OUTBOUND_ALLOW_HTTP_LOOPBACK": "true",
        "LOG_LEVEL": "WARNING",
        "SOAK_ITEMS": str(items),
        "SOAK_WEBHOOK": f"http://127.0.0.1:{hooks.server_address[1]}/hook",
    }
    kills = 0
    procs: list[subprocess.Popen[bytes]] = []
    log = workdir / "workers.log"
    try:
        closeloop(env, "migrate", "-v0")
        closeloop(env, "shell", "-c", SEED)
        procs = [start_worker(env, log) for _ in range(workers)]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(rng.uniform(1.0, 4.0))
            victim = rng.randrange(len(procs))
            procs[victim].send_signal(signal.SIGKILL)
            procs[victim].wait()
            kills += 1
            procs[victim] = start_worker(env, log)
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        kills += len(procs)
        # Drain: one worker, never killed, until nothing is left to do: every item's deadline
        # work recorded (on a loaded machine the killed workers may not have reached a single
        # sweep, and then nothing is pending yet) and nothing left to send.
        procs = [start_worker(env, log)]
        deadline = time.monotonic() + drain
        state = counts(env)
        while time.monotonic() < deadline and (
            state["alerts_pending"]
            or state["webhooks_pending"]
            or any(e["lost"] for e in state["events"].values())
        ):
            time.sleep(2)
            state = counts(env)
        time.sleep(1)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        state = counts(env) if url else {}
        smtp.shutdown()
        hooks.shutdown()
        drop()
    expected_emails = {f"alert-{pk}" for pk in state["alerts"]}
    marked_sent = {f"alert-{pk}" for pk in state["alerts_sent"]}
    expected_hooks = set(state["webhooks"])
    marked_delivered = set(state["webhooks_done"])
    return {
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "seconds": seconds,
        "items": items,
        "workers": workers,
        "kills": kills,
        "emails": {
            "expected": len(expected_emails),
            "received": len(set(received.emails) & expected_emails),
            # Lost: marked sent but never received. Unfinished: still queued when the drain
            # ran out of time (nothing lost, only slow).
            "lost": len(marked_sent - set(received.emails)),
            "unfinished": len(expected_emails - marked_sent - set(received.emails)),
            "twice": sum(1 for k, n in received.emails.items() if k in expected_emails and n > 1),
            "gave_up": state["alerts_failed"],
            # Every email carries X-Closeloop-Delivery (alerts, digests, reports, patients').
            "unlabelled": received.emails["unlabelled"],
        },
        "webhooks": {
            "expected": len(expected_hooks),
            "received": len(set(received.webhooks) & expected_hooks),
            "lost": len(marked_delivered - set(received.webhooks)),
            "unfinished": len(expected_hooks - marked_delivered - set(received.webhooks)),
            "twice": sum(1 for k, n in received.webhooks.items() if k in expected_hooks and n > 1),
        },
        "timeline": {
            "lost": sum(e["lost"] for e in state["events"].values()),
            "twice": sum(e["twice"] for e in state["events"].values()),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drain", type=float, default=600)
    parser.add_argument("--smtp-delay", type=float, default=0.3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.seconds, args.items, args.workers, args.drain, args.smtp_delay)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"soak on {result['database']}: {result['seconds']:.0f} s, {result['items']} items, "
        f"{result['workers']} workers, {result['kills']} kill -9"
    )
    head = f"{'':<12}{'expected':>10}{'received':>10}{'lost':>8}{'twice':>8}{'unfinished':>12}"
    print(head)
    for kind in ("emails", "webhooks"):
        r = result[kind]
        print(
            f"{kind:<12}{r['expected']:>10}{r['received']:>10}{r['lost']:>8}{r['twice']:>8}"
            f"{r['unfinished']:>12}"
        )
    t = result["timeline"]
    print(f"{'timeline':<12}{'':>10}{'':>10}{t['lost']:>8}{t['twice']:>8}")
    if result["emails"]["unlabelled"]:
        print(f"emails without X-Closeloop-Delivery: {result['emails']['unlabelled']}")


if __name__ == "__main__":
    main()
