"""Browser tests of the 指标 pages on the demo data (`serve --demo`): the city's dashboard,
the generated progress briefing (printed to PDF on A4 without the navigation), and a
figure of the briefing clicked through to the records it counts.

This module starts its own server with --demo and a fresh SQLite file (the session's
shared server has an empty database). Screenshots and the PDF land in Tests/Browser/artifacts/.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import time
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PASSWORD, _free_port, _health_status, _stop, _unavailable
from test_web import WAIT_S, body_text, css, login_ok, path_of, wait_gone

BRIEFING = "吕梁市2021年上半年工作进展"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """(url, database file, environment) of a server started with --demo."""
    binary = os.environ.get("TONGGUAN_BIN", "")
    if not (binary and os.path.isfile(binary) and os.access(binary, os.X_OK)):
        _unavailable("TONGGUAN_BIN is not set to the server binary")
    workdir = tmp_path_factory.mktemp("tongguan-demo")
    port = _free_port()
    env = dict(os.environ, TONGGUAN_DB=str(workdir / "demo.sqlite"), TONGGUAN_ADMIN_PASSWORD=ADMIN_PASSWORD,
               TONGGUAN_BCRYPT_COST="6")
    log = open(workdir / "server.log", "wb")
    proc = subprocess.Popen([binary, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)],
                            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while _health_status(url + "/health") != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("demo server did not start:\n" + (workdir / "server.log").read_text(errors="replace")[-5000:],
                            pytrace=False)
            time.sleep(0.2)
        yield url, workdir / "demo.sqlite", env
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="module")
def demo_url(demo_server):
    return demo_server[0]


@pytest.fixture
def demo(driver, demo_url):
    driver.set_window_size(1280, 900)
    driver.get(demo_url + "/health")
    driver.delete_all_cookies()
    login_ok(driver, demo_url)
    return driver


def test_dashboard_shows_tiles_with_sparklines_and_sources(demo, demo_url, artifacts):
    drv = demo
    drv.get(demo_url + "/indicators/dashboard?as_of=2021-12-31")
    WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "dashboard-tiles")))
    tiles = drv.find_elements(By.CSS_SELECTOR, "#dashboard-tiles .ind-tile")
    assert len(tiles) == 8, body_text(drv)
    assert [t.get_attribute("data-indicator") for t in tiles][:2] == ["projects.signed.count", "projects.signed.investment"]
    fund = css(drv, '.ind-tile[data-indicator="rural.industry_fund"]')
    assert "5.88亿元" in fund.text and "同比增长14.7%" in fund.text, fund.text
    assert fund.find_element(By.CSS_SELECTOR, "svg.ind-sparkline")
    drv.save_screenshot(str(artifacts / "indicators-dashboard.png"))
    # The latest value links to its source: the entry history of a reported value.
    fund.find_element(By.CSS_SELECTOR, ".ind-tile-value a").click()
    WebDriverWait(drv, WAIT_S).until(lambda d: path_of(d) == "/indicators/rural.industry_fund/history")
    assert "5.88亿元" in body_text(drv)


def test_briefing_prints_on_a4_and_a_figure_opens_its_records(demo, demo_url, artifacts):
    drv = demo
    drv.get(demo_url + "/indicators/briefings")
    link = WebDriverWait(drv, WAIT_S).until(EC.element_to_be_clickable((By.LINK_TEXT, BRIEFING)))
    link.click()
    WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "briefing")))
    briefing = css(drv, "#briefing")
    text = briefing.text
    for figure in ["183.61", "79.54", "14.97", "241", "增长14.7%", "山西省(2003年划定)11个城市中最低", "汾渭平原(2018年划定)11个城市中最低"]:
        assert figure in text, figure
    # The 诉求 and 台账 figures are computed from the demo records: each links to what it counts.
    computed = {}
    for value, path in [("7", "/cases"), ("269", "/cases"), ("132", "/cases"), ("67", "/cases"), ("52", "/cases"), ("1905", "/cases"),
                        ("1794", "/cases"), ("1465", "/ledgers/village-task-force/items"), ("4494", "/ledgers/village-task-force/items"),
                        ("1263", "/ledgers/village-task-force/items"), ("136", "/ledgers/weak-village-party/items"),
                        ("308", "/ledgers/safety-inspection/items"), ("1050", "/ledgers/safety-inspection/items"),
                        ("951", "/ledgers/gov-services/items"), ("219", "/ledgers/gov-services/items"),
                        ("96", "/ledgers/enterprise-approval-reform/items")]:
        hrefs = [a.get_attribute("href") for a in drv.find_elements(By.CSS_SELECTOR, "#briefing a.figure") if a.text == value]
        assert any(urlparse(h).path == path for h in hrefs), (value, hrefs)
        computed[value] = next(h for h in hrefs if urlparse(h).path == path)
    # Gaps are listed at the top and marked in the text, never shown as 0: only the 中博会 round.
    gaps = css(drv, ".briefing-gaps")
    assert "2处数据缺失" in gaps.text and gaps.text.count("【缺:") == gaps.text.count("第十二届中博会】") == 2, gaps.text
    assert drv.find_elements(By.CSS_SELECTOR, "#briefing mark.gap")
    drv.save_screenshot(str(artifacts / "indicators-briefing.png"))

    # Printed: no navigation, no forms; the PDF is A4.
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not css(drv, ".site-nav").is_displayed()
        assert not css(drv, "#briefing-context-form").is_displayed()
        assert briefing.is_displayed()
    finally:
        drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(drv.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    (artifacts / "indicators-briefing.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes), boxes
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1

    # A figure is a link to the records it counts: 42 projects signed at the July round.
    figure = next(a for a in drv.find_elements(By.CSS_SELECTOR, "#briefing a.figure") if a.text == "42")
    figure.click()
    WebDriverWait(drv, WAIT_S).until(lambda d: path_of(d) == "/projects")
    WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "project-total")))
    assert "共 42 个项目" in css(drv, "#project-total").text
    drv.save_screenshot(str(artifacts / "indicators-figure-records.png"))

    # The backlog figure opens the 1905 cases it counts; the first secretaries their 1263 items.
    drv.get(computed["1905"])
    assert "共 1905 件" in WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "case-total"))).text
    drv.get(computed["1263"])
    assert "共 1263 条" in WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "item-total"))).text


def test_template_with_an_unknown_indicator_is_refused_with_its_line(demo, demo_url):
    drv = demo
    drv.get(demo_url + "/indicators/briefings/new")
    form = WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "briefing-form")))
    assert "简报模板写法" in css(drv, "#template-syntax").text
    form.find_element(By.NAME, "name").send_keys("浏览器测试模板")
    body = form.find_element(By.NAME, "body")
    body.send_keys("第一行\n签约{{ projects.unknown.count }}个")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_gone(drv, form)
    problems = WebDriverWait(drv, WAIT_S).until(EC.presence_of_element_located((By.ID, "template-problems")))
    assert "第2行第" in problems.text and "未知指标「projects.unknown.count」" in problems.text, problems.text


def cli(demo_server, *args, cwd=None):
    _, db, env = demo_server
    return subprocess.run([os.environ["TONGGUAN_BIN"], *args], env=dict(env, TONGGUAN_DB=str(db)), cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_renders_the_briefing_and_imports_values(demo_server, tmp_path):
    md = cli(demo_server, "briefing", BRIEFING, "--period", "2021-H1", "--format", "md")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("> 本简报有") and re.search(r"183\.61\[\^\d+\]亿元", md.stdout), md.stdout[:2000]
    assert "]: 签约项目数(projects.signed.count)" in md.stdout
    out = tmp_path / "briefing.html"
    html = cli(demo_server, "briefing", BRIEFING, "--period", "2021-01..2021-05", "--division", "141124", "--format", "html",
               "--output", str(out))
    assert html.returncode == 0, html.stderr
    doc = out.read_text(encoding="utf-8")
    assert doc.startswith("<!doctype html>") and "临县 · 2021年1—5月" in doc and '<a class="figure"' in doc
    missing = cli(demo_server, "briefing", "没有这个模板", "--period", "2021")
    assert missing.returncode == 2 and "没有名为「没有这个模板」的简报模板" in missing.stderr

    sheet = tmp_path / "values.csv"
    sheet.write_text("指标编码,区划代码,期间,数值,备注\nskills.trained,141124,2021-H1,1200,临县人社局\n", encoding="utf-8")
    done = cli(demo_server, "import", "indicator-values", str(sheet))
    assert done.returncode == 0 and "导入完成" in done.stdout, done.stdout + done.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("指标编码,区划代码,期间,数值,备注\nprojects.signed.count,141124,2021-H1,1,\nskills.trained,141124,2021-H9,1,\n",
                   encoding="utf-8")
    refused = cli(demo_server, "import", "indicator-values", str(bad))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "第2行「指标编码」" in refused.stderr and "第3行「期间」" in refused.stderr, refused.stderr
