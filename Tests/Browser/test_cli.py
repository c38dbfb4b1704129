"""The `tongguan` operator commands, run as a real process beside a running server on the
same SQLite file (as an administrator would on the city's machine)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request

import pytest

from conftest import _free_port, _health_status, _unavailable

PASSWORD = "Cli-Test-Pass-1"


def binary() -> str:
    path = os.environ.get("TONGGUAN_BIN", "")
    if not (path and os.access(path, os.X_OK)):
        _unavailable("TONGGUAN_BIN is not set to an executable")
    return path


def run(db, *args, stdin: str | None = None, extra: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, TONGGUAN_DB=str(db), TONGGUAN_BCRYPT_COST="4", TONGGUAN_ADMIN_PASSWORD=PASSWORD)
    env.pop("TONGGUAN_PASSWORD", None)
    env.update(extra or {})
    return subprocess.run([binary(), *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd or os.path.dirname(db))


@pytest.fixture()
def server(tmp_path):
    """A server on a fresh database; yields (db path, base url)."""
    db = tmp_path / "t.sqlite"
    port = _free_port()
    env = dict(os.environ, TONGGUAN_DB=str(db), TONGGUAN_BCRYPT_COST="4", TONGGUAN_ADMIN_PASSWORD=PASSWORD)
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([binary(), "serve", "--port", str(port)], env=env, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _health_status(url + "/health") != 200:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    yield db, url
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0, "server did not exit cleanly on SIGTERM"
    log.close()


def token(url: str, username: str, password: str) -> int | str:
    req = urllib.request.Request(url + "/api/v1/auth/token", method="POST",
                                 data=json.dumps({"username": username, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)["token"]
    except urllib.error.HTTPError as e:
        return e.code


def test_user_add_beside_a_running_server(server):
    db, url = server
    done = run(db, "user", "add", "lin.op", "--role", "operator", "--division", "141124",
               extra={"TONGGUAN_PASSWORD": "Operator-Pass-1"})
    assert done.returncode == 0, done.stderr + done.stdout
    assert "已创建用户 lin.op" in done.stdout
    assert isinstance(token(url, "lin.op", "Operator-Pass-1"), str)
    # Password from standard input.
    done = run(db, "user", "add", "xing.view", "--role", "viewer", "--division", "141123", stdin="Viewer-Pass-12\n")
    assert done.returncode == 0, done.stderr
    assert isinstance(token(url, "xing.view", "Viewer-Pass-12"), str)
    # The CLI is named in the audit trail.
    with sqlite3.connect(db) as conn:
        actors = [r[0] for r in conn.execute("SELECT actor FROM audit_events WHERE action = 'user.create' ORDER BY seq")]
    assert actors[-1].startswith("cli:") and actors[-2].startswith("cli:")


def test_user_add_reports_every_problem(tmp_path):
    db = tmp_path / "t.sqlite"
    done = run(db, "user", "add", "A B", "--role", "king", "--division", "999", extra={"TONGGUAN_PASSWORD": "short"})
    assert done.returncode == 2
    for needle in ("--role", "--division", "username", "password"):
        assert needle in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Fatal" not in done.stderr


def test_first_start_prints_a_generated_password_once(tmp_path):
    db = tmp_path / "t.sqlite"
    env = {"TONGGUAN_ADMIN_PASSWORD": ""}
    first = run(db, "migrate", extra=env)
    assert first.returncode == 0, first.stderr
    assert "初始密码" in first.stdout
    second = run(db, "migrate", extra=env)
    assert "初始密码" not in second.stdout


def test_audit_verify_and_tampering(server):
    db, _ = server
    ok = run(db, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "审计链完整" in ok.stdout
    with sqlite3.connect(db) as conn:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
        conn.execute("DROP TRIGGER audit_events_no_update")
        conn.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    bad = run(db, "audit", "verify")
    assert bad.returncode == 3
    assert "第 3 条" in bad.stderr


def test_backup_while_serving_then_verify_the_copy(server, tmp_path):
    db, url = server
    assert isinstance(token(url, "admin", PASSWORD), str)
    copy = tmp_path / "backup.sqlite"
    done = run(db, "backup", str(copy))
    assert done.returncode == 0, done.stderr
    assert copy.exists()
    again = run(db, "backup", str(copy))
    assert again.returncode == 2, "refuses to overwrite"
    verified = run(copy, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM divisions").fetchone()[0] == 14


def test_divisions_import_all_or_nothing(server, tmp_path):
    db, _ = server
    good = tmp_path / "good.csv"
    good.write_text("code,name\n141124100,城庄镇\n141124100201,城庄村\n", encoding="utf-8")
    done = run(db, "divisions", "import", str(good))
    assert done.returncode == 0, done.stderr
    assert "新增 2 个" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n141124101,白文镇\n141199100,无上级\n12,短\n", encoding="utf-8")
    done = run(db, "divisions", "import", str(bad))
    assert done.returncode == 2
    assert "第3行" in done.stderr and "第4行" in done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM divisions WHERE code = '141124101'").fetchone()[0] == 0
