"""监测 · the workflow with the real binary: a household walked from a department warning to
risk elimination through the pages in Chromium (with a refused step showing the guard's
message), and the `tongguan monitoring` / `tongguan import assessments` commands with their
effect on the database."""

from __future__ import annotations

import json
import re
import sqlite3

from test_monitoring import call, resident_id

ASSESSMENT_HEADER = ("户主身份证号,评估日期,工资性收入(元),经营性收入(元),财产性收入(元),转移性收入(元),"
                     "生产经营支出(元),医疗自付(元),教育支出(元),住房安全,饮水安全")
FLOW_VILLAGE = "141124100803"  # 监测流程村, added by the browser test
CLI_VILLAGE = "141124100804"


def admin_token(base_url: str) -> str:
    from conftest import ADMIN_PASSWORD, ADMIN_USER
    status, body = call(base_url + "/api/v1/auth/token", "POST",
                        body=json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}).encode())
    assert status == 200, body
    return json.loads(body)["token"]


def test_a_department_warning_walked_to_risk_elimination_in_the_pages(browser, base_url, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from test_web import WAIT_S, body_text, css, login_ok, path_of, wait_gone

    token = admin_token(base_url)
    sheet = f"区划代码,城乡分类代码,名称\r\n{FLOW_VILLAGE},220,监测流程村\r\n"
    status, body = call(base_url + "/api/v1/divisions/import", "POST", token, sheet.encode(), "text/csv")
    assert status == 200, body
    head = resident_id(8301)
    status, body = call(base_url + "/api/v1/households", "POST", token, json.dumps({
        "division_code": FLOW_VILLAGE, "address": "流程村一号", "phone": "13912345678",
        "head": {"name": "流程户主", "resident_id": head, "labour_capacity": "full", "disability": False,
                 "chronic_illness": False, "school_stage": "none", "work_status": "farming",
                 "basic_medical_insurance": True}}).encode())
    assert status == 201, body
    code = json.loads(body)["household_code"]

    def submit(form):
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_gone(browser, form)

    def set_date(form, name, value):
        browser.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), value)

    def step(name, date, **extra):
        form = css(browser, f"form#step-{name}")
        set_date(form, "date", date)
        if extra.get("consent"):
            form.find_element(By.NAME, "consent").click()
        if "category" in extra:
            Select(form.find_element(By.NAME, "category")).select_by_value(extra["category"])
            form.find_element(By.CSS_SELECTOR, f"input[name='risk_types[]'][value='{extra['risk']}']").click()
        submit(form)

    def state():
        return css(browser, "#episode-state").get_attribute("data-state")

    login_ok(browser, base_url)
    # The line for 2025 through the administrators' page (a bad value first).
    browser.get(base_url + "/monitoring/lines")
    form = css(browser, "form#line-form")
    form.find_element(By.NAME, "division_code").send_keys("14")
    form.find_element(By.NAME, "year").send_keys("2025")
    form.find_element(By.NAME, "yuan").send_keys("6000.123")
    submit(form)
    assert "最多" in css(browser, '#line-errors li[data-field="yuan"]').text
    form = css(browser, "form#line-form")
    box = form.find_element(By.NAME, "yuan")
    box.clear()
    box.send_keys("6000")
    submit(form)
    assert "6000.00" in css(browser, "#line-table").text

    # An assessment below the line raises the department's warning.
    browser.get(base_url + f"/monitoring/households/{code}")
    css(browser, "#monitoring-link").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: path_of(d).endswith("/monitoring"))

    def assess(date, wages):
        form = css(browser, "form#assessment-form")
        set_date(form, "assessed_on", date)
        for field in ["wages_yuan", "business_yuan", "property_yuan", "transfer_yuan", "production_costs_yuan",
                      "medical_yuan", "education_yuan"]:
            box = form.find_element(By.NAME, field)
            box.clear()
            box.send_keys(wages if field == "wages_yuan" else "0")
        submit(form)

    assess("2025-01-10", "3000")
    assert "2025-01-10" in css(browser, "#assessment-table").text and "3000.00" in css(browser, "#assessment-table").text
    warnings = css(browser, "#household-warning-table").text
    assert "低于监测线" in warnings or "监测线" in warnings, warnings
    assert head not in browser.page_source

    # Open an episode from it.
    form = css(browser, "form#episode-form")
    Select(form.find_element(By.NAME, "channel")).select_by_value("department_warning")
    set_date(form, "date", "2025-01-15")
    boxes = form.find_elements(By.CSS_SELECTOR, "input[name='warning_ids[]']")
    assert boxes, body_text(browser)[:1500]
    for box in boxes:
        box.click()
    submit(form)
    WebDriverWait(browser, WAIT_S).until(lambda d: re.search(r"/monitoring/episodes/[0-9A-Fa-f-]{36}$", path_of(d)))
    episode_path = path_of(browser)
    assert state() == "candidate"

    step("visit", "2025-01-16", consent=True)
    assert state() == "verifying"
    step("notice", "2025-01-17")
    assert state() == "public_notice"
    # Too early after the notice: refused, the guard's message on the page, nothing changed.
    step("township_check", "2025-01-20")
    refusal = css(browser, '#step-errors li[data-field="notice_period"]').text
    assert "2025年1月22日起方可进行下一步" in refusal, refusal
    assert state() == "public_notice"
    browser.save_screenshot(str(artifacts / "monitoring-step-refused.png"))
    step("township_check", "2025-01-22")
    assert state() == "township_checked"
    step("approve", "2025-01-23", category="marginal", risk="unstable_employment")
    assert state() == "monitored"

    form = css(browser, "form#measure-form")
    Select(form.find_element(By.NAME, "type")).select_by_value("employment")
    form.find_element(By.NAME, "description").send_keys("安排公益岗位")
    form.find_element(By.NAME, "unit").send_keys("临泉镇政府")
    form.find_element(By.NAME, "person").send_keys("李干部")
    set_date(form, "start", "2025-01-24")
    form.find_element(By.NAME, "amount_yuan").send_keys("6000")
    submit(form)
    assert "安排公益岗位" in css(browser, "#measure-table").text

    # Income now above the line: a new assessment on the household page.
    browser.get(base_url + f"/monitoring/households/{code}/monitoring")
    assess("2025-07-30", "12000")
    assert css(browser, "#assessment-table tbody tr").text.startswith("2025-07-30")
    browser.get(base_url + episode_path)
    step("propose_elimination", "2025-08-01")
    assert state() == "elimination_proposed", body_text(browser)[:1500]
    step("elimination_notice", "2025-08-02")
    assert state() == "elimination_notice"
    step("eliminate", "2025-08-10")
    assert state() == "risk_eliminated", body_text(browser)[:1500]
    assert "风险消除" in css(browser, "#step-table").text or "消除" in css(browser, "#step-table").text
    browser.save_screenshot(str(artifacts / "monitoring-risk-eliminated.png"))

    # The API agrees.
    episode_id = episode_path.rsplit("/", 1)[1]
    status, body = call(base_url + f"/api/v1/episodes/{episode_id}", token=token)
    episode = json.loads(body)
    assert episode["state"] == "risk_eliminated" and episode["channel"] == "department_warning"
    assert episode["identified_on"] == "2025-01-23" and episode["eliminated_on"] == "2025-08-10"
    assert len(episode["warning_ids"]) >= 1 and len(episode["measures"]) == 1


def test_monitoring_commands_set_lines_import_assessments_and_scan(tmp_path):
    """`tongguan monitoring line set`, `import assessments` (all or nothing, --dry-run, --json,
    again: nothing changes) and `monitoring scan`, checked in the database."""
    from test_cli import run

    db = tmp_path / "w.sqlite"
    divisions = tmp_path / "villages.csv"
    divisions.write_text(f"区划代码,城乡分类代码,名称\n{CLI_VILLAGE},220,命令测试村\n", encoding="utf-8")
    assert run(db, "divisions", "import", str(divisions)).returncode == 0
    heads = [resident_id(8401), resident_id(8402)]
    members = tmp_path / "members.csv"
    members.write_text(
        "姓名,身份证号,户主身份证号,村区划代码,与户主关系,劳动能力,残疾,慢性病,在校学段,务工状态,基本医保,联系电话,住址\n"
        + "".join(f"命令户主{i},{h},{h},{CLI_VILLAGE},户主,有,否,否,无,务农,是,,\n" for i, h in enumerate(heads)),
        encoding="utf-8")
    imported = run(db, "import", "members", str(members))
    assert imported.returncode == 0, imported.stderr

    bad_line = run(db, "monitoring", "line", "set", "--division", "14", "--year", "2024", "--yuan", "6500.001")
    assert bad_line.returncode == 2 and "--yuan" in bad_line.stderr, bad_line.stderr
    line = run(db, "monitoring", "line", "set", "--division", "14", "--year", "2024", "--yuan", "6500")
    assert line.returncode == 0 and "已设置:2024年14的监测收入线为6500元" in line.stdout, line.stdout + line.stderr
    same = run(db, "monitoring", "line", "set", "--division", "14", "--year", "2024", "--yuan", "6500")
    assert "未改变" in same.stdout
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT division_code, year, line_fen FROM monitoring_lines").fetchall()
    assert rows == [("140000", 2024, 650000)], rows

    sheet = tmp_path / "assessments.csv"
    sheet.write_text(ASSESSMENT_HEADER + "\n"
                     + f"{heads[0]},2024-05-01,3000,0,0,0,0,0,0,是,是\n"
                     + f"{heads[1]},2024-05-01,1.234,0,0,0,0,0,0,是,也许\n", encoding="utf-8")
    bad = run(db, "import", "assessments", str(sheet))
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert "第3行「工资性收入(元)」" in bad.stderr and "第3行「饮水安全」" in bad.stderr, bad.stderr
    assert heads[1] not in bad.stderr and heads[1] not in bad.stdout

    sheet.write_text(ASSESSMENT_HEADER + "\n"
                     + f"{heads[0]},2024-05-01,3000,0,0,0,0,0,0,是,是\n"
                     + f"{heads[1]},2024-05-01,\"20,000.50\",0,0,0,0,0,0,是,是\n", encoding="gb18030")
    dry = run(db, "import", "assessments", str(sheet), "--dry-run")
    assert dry.returncode == 0 and "试导入(未写入)" in dry.stdout, dry.stdout + dry.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM income_assessments").fetchone()[0] == 0

    done = run(db, "import", "assessments", str(sheet), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["assessments_created"] == 2 and report["warnings_raised"] == 1 and report["applied"] is True, report
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT wages_fen, per_capita_fen FROM income_assessments ORDER BY wages_fen").fetchall()
        warnings = conn.execute("SELECT rule, status FROM early_warnings").fetchall()
    assert stored == [(300000, 300000), (2000050, 2000050)], stored
    assert warnings == [("below_line", "open")], warnings

    again = run(db, "import", "assessments", str(sheet))
    assert again.returncode == 0 and "新登记评估 0 条,已有相同评估 2 条" in again.stdout, again.stdout

    # A higher line makes the scan warn the second household too; scanning again adds nothing.
    assert run(db, "monitoring", "line", "set", "--division", "141124", "--year", "2024", "--yuan", "25000").returncode == 0
    scan = run(db, "monitoring", "scan")
    assert scan.returncode == 0 and "检查了2户:新发预警1条" in scan.stdout, scan.stdout + scan.stderr
    rescan = run(db, "monitoring", "scan")
    assert "新发预警0条" in rescan.stdout, rescan.stdout
    with sqlite3.connect(db) as conn:
        rules = conn.execute("SELECT rule, status FROM early_warnings ORDER BY rule, status").fetchall()
        audit = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'assessments.import'").fetchone()[0]
        trail = "\n".join(r[0] for r in conn.execute("SELECT changes FROM audit_events").fetchall())
    assert rules.count(("below_line", "open")) == 2, rules
    assert audit == 2
    assert all(h not in trail for h in heads)
