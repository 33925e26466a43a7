"""The live server the browser tests drive behaves like a real deployment under concurrent
requests: a page fires htmx requests while a form posts, and none of them may fail."""

from __future__ import annotations

import threading
from typing import Any
from urllib.request import Request, urlopen

from django.test import Client

from closeloop.demo.seed import create_world


def test_concurrent_requests_to_the_live_server_all_succeed(live_server: Any) -> None:
    world = create_world()
    client = Client()
    client.force_login(world.staff["maria"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    statuses: list[int] = []
    errors: list[BaseException] = []

    def fetch() -> None:
        # Each page view writes (the audit row, the session): writers on one shared
        # connection would collide.
        for _ in range(4):
            try:
                with urlopen(Request(live_server.url + "/", headers={"Cookie": cookie})) as r:
                    statuses.append(r.status)
            except BaseException as error:  # noqa: BLE001 - collected and reported below
                errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [200] * 24
