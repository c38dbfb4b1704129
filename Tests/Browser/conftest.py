"""Fixtures for Tongguan's browser tests (pytest + selenium 4, headless Debian Chromium).

The session starts the real server binary named by $TONGGUAN_BIN on a free loopback port
with a fresh SQLite file, and one headless Chromium that every test shares (cookies are
cleared before each test). scripts/test sets TONGGUAN_BIN to the debug build.

Under CI=true nothing may be skipped: a missing binary or browser fails, and any skip is
reported as a failure.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
IN_CI = os.environ.get("CI", "").strip().lower() == "true"

ADMIN_USER = "admin"
ADMIN_PASSWORD = "Browser-Test-Pass-1"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HEALTH_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0

# Path of the running server's log, so failed tests can show it.
_server_log: pathlib.Path | None = None


def _unavailable(reason: str) -> None:
    """Missing prerequisite: a failure under CI=true, a skip for a developer."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: not skipping)", pytrace=False)
    pytest.skip(reason)


def _log_tail(max_chars: int = 20_000) -> str:
    if _server_log is None or not _server_log.exists():
        return "(no server log)"
    text = _server_log.read_text(encoding="utf-8", errors="replace")
    if len(text) > max_chars:
        text = "...(cut)...\n" + text[-max_chars:]
    return text or "(server log is empty)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return None


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory):
    """Start `$TONGGUAN_BIN serve` and yield its base URL, e.g. http://127.0.0.1:43123."""
    global _server_log
    binary = os.environ.get("TONGGUAN_BIN", "")
    if not binary:
        _unavailable("TONGGUAN_BIN is not set (scripts/test sets it to the debug build)")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        _unavailable(f"TONGGUAN_BIN={binary!r} is not an executable file")

    workdir = tmp_path_factory.mktemp("tongguan-server")
    _server_log = workdir / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        TONGGUAN_DB=str(workdir / "t.sqlite"),
        TONGGUAN_ADMIN_PASSWORD=ADMIN_PASSWORD,
        TONGGUAN_BCRYPT_COST="6",
    )
    # The server must not depend on the caller's cwd: run it from its temp dir.
    with open(_server_log, "wb") as log:
        proc = subprocess.Popen(
            [binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        status = None
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"tongguan exited with code {proc.returncode} before /health answered.\n"
                    f"--- server log ---\n{_log_tail()}", pytrace=False)
            status = _health_status(url + "/health")
            if status == 200:
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"GET {url}/health did not answer 200 within {HEALTH_TIMEOUT_S:.0f} s "
                    f"(last status: {status}).\n--- server log ---\n{_log_tail()}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def driver():
    """One headless Chromium for the session, driven by Debian's chromedriver (never downloaded)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            _unavailable(f"{path} not found (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("python package selenium is not installed")

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture
def browser(driver, base_url):
    """The shared browser, logged out (no cookies) and at desktop size."""
    driver.set_window_size(1280, 900)
    driver.get(base_url + "/health")  # cookies can only be cleared for the current origin
    driver.delete_all_cookies()
    return driver


@pytest.fixture(scope="session")
def artifacts() -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    # CI=true: a skip is not a pass.
    if IN_CI and rep.skipped and not hasattr(rep, "wasxfail"):
        rep.outcome = "failed"
        rep.longrepr = f"skipped under CI=true, which counts as a failure: {rep.longrepr}"
    # Setup failures of the server fixture already carry the log in their message.
    if rep.failed and rep.when == "call" and _server_log is not None:
        rep.sections.append(("tongguan server log", _log_tail()))


def pytest_sessionstart(session):
    # Stale screenshots would mislead a human looking at artifacts/.
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
