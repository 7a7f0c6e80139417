"""Suite-wide settings: the hypothesis "ci" profile and no network beyond loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True, max_examples=60)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse connections to anything but 127.0.0.0/8 and ::1 (Unix sockets are local)."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise OSError(f"network access is blocked in tests (connect to {address!r})")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield


_SHARED_DATA = Path("/work/shared/data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real test files (shared/data beside the repo), or skip."""
    here = Path(__file__).resolve()
    for candidate in (*(p / "shared" / "data" for p in here.parents), _SHARED_DATA):
        if (candidate / "MANIFEST.md").is_file():
            return candidate
    pytest.skip("shared/data (real test files) not found beside the repository")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's headless Chromium (installed by .ci/run), or skip with the reason."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (.ci/run installs Debian's 'chromium' package)")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """A Playwright browser on the system Chromium: headless, no GPU, no background traffic.

    Pages opened from it should record ``page.on("request")`` and ``page.on("console")`` and
    assert on them; see tests/reports/test_html_browser.py for the pattern.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--no-first-run",
                "--metrics-recording-only",
            ],
        )
        try:
            yield b
        finally:
            b.close()


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """conftest.py files are fixtures, not doctest modules (several share the basename)."""
    return True if collection_path.name == "conftest.py" else None
