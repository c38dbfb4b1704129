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

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PASSWORD, _free_port, _health_status, _stop, _unavailable
from test_web import WAIT_S, body_text, css, login_ok, path_of, wait_gone

BRIEFING = "吕梁市2021年上半年工作进展"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
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
        yield url
    finally:
        _stop(proc)
        log.close()


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
    # Gaps are listed at the top and marked in the text, never shown as 0.
    gaps = css(drv, ".briefing-gaps")
    assert "处数据缺失" in gaps.text
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
