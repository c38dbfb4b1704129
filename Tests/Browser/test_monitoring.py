"""监测 · 农户 (the household registry) with the real binary: resident IDs never leave the
server in clear except through a reveal, whether in the server's own log (at debug level),
a `tongguan backup` copy, the database file and its WAL, or a default `tongguan export`;
and the pages' main path in the browser."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from conftest import _free_port, _health_status, _unavailable

PASSWORD = "Monitoring-Test-Pass-1"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECKS = "10X98765432"
VILLAGE = "141124100901"  # 示范村一, a demo village of 临县
HEADER = "姓名,身份证号,户主身份证号,村区划代码,与户主关系,劳动能力,残疾,慢性病,在校学段,务工状态,基本医保,联系电话,住址"


def binary() -> str:
    path = os.environ.get("TONGGUAN_BIN", "")
    if not (path and os.access(path, os.X_OK)):
        _unavailable("TONGGUAN_BIN is not set to an executable")
    return path


def resident_id(n: int, born: int = 1960) -> str:
    body = f"141124{born + n % 40:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + CHECKS[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def member_sheet(households: int, start: int) -> tuple[str, list[str], list[str]]:
    rows, ids, names = [HEADER], [], []
    for h in range(households):
        head = resident_id(start + h * 3)
        spouse, child = resident_id(start + h * 3 + 1), resident_id(start + h * 3 + 2, born=1995)
        ids += [head, spouse, child]
        names += [f"测户主{h}号", f"测配偶{h}号", f"测子女{h}号"]
        rows.append(f"测户主{h}号,{head},{head},{VILLAGE},户主,有,否,否,无,务农,是,1391234{h:04d},示范路{h}号")
        rows.append(f"测配偶{h}号,{spouse},{head},{VILLAGE},配偶,弱,否,是,无,本地务工,是,,")
        rows.append(f"测子女{h}号,{child},{head},{VILLAGE},子女,有,否,否,大专及以上,无,是,,")
    return "\r\n".join(rows) + "\r\n", ids, names


def forms(rid: str) -> list[bytes]:
    found = [rid.encode(), rid.lower().encode(), rid[:17].encode(), rid.encode("utf-16-le"), rid.encode("utf-16-be")]
    body = int(rid[:17])
    return found + [body.to_bytes(8, "little"), body.to_bytes(8, "big")]


def leaks(ids: list[str], data: bytes) -> list[str]:
    return [rid for rid in ids if any(f in data for f in forms(rid))]


def text_forms(value: str) -> list[bytes]:
    """A name or phone as a log line could hold it: UTF-8, JSON's \\u escapes, UTF-16."""
    escaped = json.dumps(value)[1:-1]
    return [value.encode(), escaped.encode(), escaped.lower().encode(), value.encode("utf-16-le"), value.encode("utf-16-be")]


def text_leaks(values: list[str], data: bytes) -> list[str]:
    return [v for v in values if any(f in data for f in text_forms(v))]


def env_for(db) -> dict:
    env = dict(os.environ, TONGGUAN_DB=str(db), TONGGUAN_BCRYPT_COST="4", TONGGUAN_ADMIN_PASSWORD=PASSWORD)
    env.pop("TONGGUAN_PASSWORD", None)
    env.pop("TONGGUAN_DATA_KEY", None)
    return env


def cli(db, *args) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *args], env=env_for(db), capture_output=True, text=True, timeout=120, cwd=os.path.dirname(db))


def call(url: str, method: str = "GET", token: str | None = None, body: bytes | None = None,
         content_type: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture()
def debug_server(tmp_path):
    """A server at LOG_LEVEL=debug (SQL statements logged) with the demo villages."""
    db = tmp_path / "m.sqlite"
    port = _free_port()
    env = dict(env_for(db), LOG_LEVEL="debug")
    log_path = tmp_path / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([binary(), "serve", "--demo", "--port", str(port)], env=env, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while _health_status(url + "/health") != 200:
        assert proc.poll() is None, log_path.read_text(errors="replace")
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    yield db, url, log_path
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    log.close()


def test_ids_stay_sealed_in_logs_backup_wal_and_default_export(debug_server, tmp_path):
    db, url, log_path = debug_server
    sheet, ids, names = member_sheet(5, start=7000)
    status, body = call(url + "/api/v1/auth/token", "POST", body=json.dumps({"username": "admin", "password": PASSWORD}).encode())
    assert status == 200, body
    token = json.loads(body)["token"]
    answers = []
    status, body = call(url + "/api/v1/households/import", "POST", token, sheet.encode(), "text/csv")
    assert status == 200, body.decode()
    answers.append(body)
    report = json.loads(body)
    assert report["households_created"] == 5 and report["members_created"] == 15
    # Lookup (found and not), an error naming nothing, the list and a household.
    status, body = call(url + "/api/v1/members/lookup", "POST", token, json.dumps({"resident_id": ids[4]}).encode())
    assert status == 200
    answers.append(body)
    code = json.loads(body)["household_code"]
    status, body = call(url + "/api/v1/members/lookup", "POST", token, json.dumps({"resident_id": resident_id(7999)}).encode())
    assert status == 404
    answers.append(body)
    for path in ["/api/v1/households?per=50", f"/api/v1/households/{code}", "/api/v1/audit?per=200", "/api/v1/households/export"]:
        status, body = call(url + path, token=token)
        assert status == 200, path
        answers.append(body)
    assert leaks(ids, b"\n".join(answers)) == []

    # `tongguan backup` beside the running server, the default export, the files at rest.
    backup = tmp_path / "copy.sqlite"
    done = cli(db, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    exported = cli(db, "export", "members", "--division", "141124")
    assert exported.returncode == 0, exported.stderr
    assert "个人信息" in exported.stdout.splitlines()[0]
    assert f"{ids[0][:6]}********{ids[0][-4:]}" in exported.stdout
    assert leaks(ids, exported.stdout.encode()) == []
    wal = db.with_name(db.name + "-wal")
    for path in [db, wal, backup]:
        data = path.read_bytes()
        assert len(data) > 0
        assert leaks(ids, data) == [], path
    assert names[0].encode() in backup.read_bytes()  # the search finds what is stored in clear

    # The server's own log, SQL statements and their binds included, holds no ID, and no
    # name or phone number of the imported file either.
    text = log_path.read_bytes()
    assert b"INSERT" in text or b"insert" in text, "debug logging is on"
    assert leaks(ids, text) == []
    phones = [f"1391234{h:04d}" for h in range(5)]
    assert text_leaks(names + phones, text) == []
    # The key file was made beside the database, readable by its owner only.
    key = db.with_name(db.name + ".key")
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600


# --- the pages, in the shared browser session ------------------------------------------------

BROWSER_VILLAGE = "141124100801"


def add_villages(base_url: str) -> None:
    from conftest import ADMIN_PASSWORD, ADMIN_USER
    status, body = call(base_url + "/api/v1/auth/token", "POST",
                        body=json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}).encode())
    assert status == 200, body
    token = json.loads(body)["token"]
    sheet = "区划代码,城乡分类代码,名称\r\n141124100801,220,监测测试村一\r\n141124100802,220,监测测试村二\r\n"
    status, body = call(base_url + "/api/v1/divisions/import", "POST", token, sheet.encode(), "text/csv")
    assert status == 200, body


def test_create_a_household_add_a_member_reveal_and_import(browser, base_url, tmp_path, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from test_web import WAIT_S, body_text, css, login_ok, path_of, wait_gone

    def submit(form):
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_gone(browser, form)

    add_villages(base_url)
    login_ok(browser, base_url)
    head_id, child_id = resident_id(8101), resident_id(8102, born=1990)
    browser.get(base_url + "/monitoring/households/new")
    form = css(browser, "form#household-form")
    Select(form.find_element(By.NAME, "division_code")).select_by_value(BROWSER_VILLAGE)
    form.find_element(By.NAME, "address").send_keys("监测测试村一组8号")
    form.find_element(By.NAME, "phone").send_keys("13912345678")
    form.find_element(By.NAME, "name").send_keys("浏览器户主")
    wrong = head_id[:-1] + ("1" if head_id[-1] != "1" else "2")
    form.find_element(By.NAME, "resident_id").send_keys(wrong)
    Select(form.find_element(By.NAME, "labour_capacity")).select_by_value("full")
    Select(form.find_element(By.NAME, "work_status")).select_by_value("farming")
    submit(form)
    # Refused with the problem beside its field, in Chinese, the input kept.
    error = css(browser, '.form-field[data-field="resident_id"] .field-error').text
    assert "校验" in error, error
    assert wrong not in error
    form = css(browser, "form#household-form")
    assert form.find_element(By.NAME, "name").get_attribute("value") == "浏览器户主"
    box = form.find_element(By.NAME, "resident_id")
    box.clear()
    box.send_keys(head_id)
    submit(form)
    WebDriverWait(browser, WAIT_S).until(lambda d: re.fullmatch(r"/monitoring/households/\d{16}[\dX]", path_of(d)))
    code = css(browser, "#household-code").text
    assert path_of(browser).endswith(code) and code.startswith(BROWSER_VILLAGE)
    table = css(browser, "#member-table")
    assert "浏览器户主" in table.text and f"{head_id[:6]}********{head_id[-4:]}" in table.text
    assert head_id not in browser.page_source

    # A child through the member form.
    form = css(browser, "form#member-form")
    form.find_element(By.NAME, "name").send_keys("浏览器子女")
    form.find_element(By.NAME, "resident_id").send_keys(child_id)
    Select(form.find_element(By.NAME, "relation")).select_by_value("child")
    Select(form.find_element(By.NAME, "labour_capacity")).select_by_value("none")
    Select(form.find_element(By.NAME, "school_stage")).select_by_value("compulsory")
    Select(form.find_element(By.NAME, "work_status")).select_by_value("none")
    submit(form)
    assert css(browser, "#household-count").text == "2", body_text(browser)[100:1500]
    assert "浏览器子女" in css(browser, "#member-table").text and child_id not in browser.page_source

    # Reveal the head's ID with a reason: shown on the answer, never in its address.
    row = browser.find_elements(By.CSS_SELECTOR, "#member-table tr.member-row")[0]
    reveal = row.find_element(By.CSS_SELECTOR, "form.reveal-form")
    reveal.find_element(By.NAME, "reason").send_keys("核对低保材料")
    submit(reveal)
    assert css(browser, "#member-table td.member-id.revealed").text == head_id
    assert head_id not in browser.current_url
    browser.save_screenshot(str(artifacts / "household-page.png"))

    # The printable card: the code as text and a QR code drawn by the server.
    css(browser, "#card-link").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: path_of(d).endswith("/card"))
    assert css(browser, "#card-code").text == code
    assert browser.find_elements(By.CSS_SELECTOR, "#household-qr svg path")
    browser.save_screenshot(str(artifacts / "household-card.png"))

    # Import two more households through the upload page; the report uses the shared page.
    sheet, ids, _ = member_sheet(2, start=8200)
    path = tmp_path / "members.csv"
    path.write_text(sheet.replace(VILLAGE, BROWSER_VILLAGE), encoding="utf-8")
    browser.get(base_url + "/monitoring/households/import")
    form = css(browser, "form#import-form")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    submit(form)
    WebDriverWait(browser, WAIT_S).until(lambda d: "导入完成" in body_text(d))
    assert "新建 2 户" in body_text(browser)
    assert not any(rid in browser.page_source for rid in ids)

    # The list, filtered by the village, has all three; by head name, one.
    browser.get(base_url + f"/monitoring/households?division={BROWSER_VILLAGE}")
    assert "共 3 户" in css(browser, "#household-total").text
    browser.get(base_url + "/monitoring/households?q=浏览器户主")
    assert "共 1 户" in css(browser, "#household-total").text
    assert code in css(browser, "#household-table").text
    browser.save_screenshot(str(artifacts / "households-list.png"))
