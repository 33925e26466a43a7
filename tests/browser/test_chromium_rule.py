"""Without Chromium the browser tests skip and say how to install it; under CI they fail."""

from __future__ import annotations

import pytest

from closeloop.lib import chromium
from tests.browser.conftest import require_chromium


def test_a_missing_chromium_skips_saying_how_to_install_it(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLOSELOOP_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        require_chromium()


def test_under_ci_a_missing_chromium_fails_and_never_skips(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLOSELOOP_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        require_chromium()


def test_an_installed_chromium_is_launched_with_the_container_flags(monkeypatch) -> None:
    launched = {}

    class Playwright:
        class chromium:  # Playwright's attribute
            @staticmethod
            def launch(**options):
                launched.update(options)

    monkeypatch.setenv("CLOSELOOP_CHROMIUM", __file__)
    assert chromium.missing() == ""
    require_chromium()  # neither skips nor fails
    chromium.launch(Playwright)
    assert launched == {"executable_path": __file__, "args": list(chromium.FLAGS)}
    assert "--no-sandbox" in launched["args"]
