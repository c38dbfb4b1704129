"""Browser test of the 诉求 pages, the main path from intake to follow-up: an admin registers a
hotline case through the form and routes it to a unit; the unit's handler accepts it, starts,
splits off a subtask (no reply is offered while it is open), finishes it, replies and closes;
the admin records the follow-up; the timeline, the dashboard and the public page show it.

The server starts with an empty database: the unit and the handler's account are made
through the API. Screenshots land in Tests/Browser/artifacts/.
"""

from __future__ import annotations

import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ADMIN_PASSWORD, ADMIN_USER
from test_projects import api, no_page_scroll, submit
from test_web import WAIT_S, body_text, css, login_ok, path_of, submit_login


def act(drv, name: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None) -> None:
    """Submit one of the case page's step forms (`#action-NAME`)."""
    form = css(drv, f"form#action-{name}")
    for field, value in (fields or {}).items():
        form.find_element(By.NAME, field).send_keys(value)
    for field, value in (selects or {}).items():
        Select(form.find_element(By.NAME, field)).select_by_value(value)
    submit(drv, form)


def state(drv) -> str:
    return css(drv, "#case-state").get_dom_attribute("data-state")


def test_case_from_intake_to_follow_up(browser, base_url, artifacts):
    suffix = uuid.uuid4().hex[:6]
    title = f"村口路灯不亮{suffix}"
    token = api(base_url, "POST", "/api/v1/auth/token", {"username": ADMIN_USER, "password": ADMIN_PASSWORD})["token"]
    unit = api(base_url, "POST", "/api/v1/units", {"name": f"临县住建局{suffix}", "division_code": "141124"}, token)
    handler_name, handler_password = f"lin{suffix}", "Handler-Pass-12345"
    handler = api(base_url, "POST", "/api/v1/users", {
        "username": handler_name, "password": handler_password, "role": "operator", "division_code": "141124"}, token)
    api(base_url, "POST", f"/api/v1/units/{unit['id']}/members", {"user_id": handler["id"]}, token)

    # Registration through the form.
    login_ok(browser, base_url)
    browser.get(base_url + "/cases")
    css(browser, "#new-case").click()
    form = WebDriverWait(browser, WAIT_S).until(lambda d: d.find_element(By.CSS_SELECTOR, "form#case-form"))
    Select(form.find_element(By.NAME, "source")).select_by_value("hotline")
    Select(form.find_element(By.NAME, "kind")).select_by_value("投诉")
    for name, value in {"title": title, "content": "村口路灯坏了三天,夜间出行不便。", "requester_name": "李四",
                        "requester_phone": "13800001234"}.items():
        form.find_element(By.NAME, name).send_keys(value)
    Select(form.find_element(By.NAME, "division_code")).select_by_value("141124")
    submit(browser, form)
    assert re.fullmatch(r"/cases/[0-9A-Fa-f-]{36}", path_of(browser)), browser.current_url
    case_path = path_of(browser)
    assert css(browser, "#case-title").text == title
    assert re.fullmatch(r"141124-\d{4}-\d{6}", css(browser, "#case-number").text)
    assert state(browser) == "registered"

    # The dispatcher routes it to the unit; accepting is not theirs to do.
    assert not browser.find_elements(By.CSS_SELECTOR, "form#action-accept")
    act(browser, "route", selects={"unit_id": unit["id"]})
    assert state(browser) == "routed"
    assert css(browser, "#due-handle").text

    # The unit's handler accepts, starts, and splits off a subtask.
    browser.delete_all_cookies()
    submit_login(browser, base_url, handler_name, handler_password)
    browser.get(base_url + case_path)
    act(browser, "accept")
    assert state(browser) == "accepted"
    act(browser, "start")
    assert state(browser) == "in_progress"
    form = css(browser, "form#subtask-form")
    Select(form.find_element(By.NAME, "unit_id")).select_by_value(unit["id"])
    form.find_element(By.NAME, "person").send_keys("张工")
    form.find_element(By.NAME, "description").send_keys("更换灯泡并检修线路")
    browser.execute_script("arguments[0].value = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10)",
                           form.find_element(By.NAME, "deadline"))
    submit(browser, form)
    assert "更换灯泡并检修线路" in css(browser, "#subtask-table").text

    # No reply is offered while the subtask is open.
    assert not browser.find_elements(By.CSS_SELECTOR, "form#action-reply")
    done = css(browser, "form.subtask-done")
    done.find_element(By.NAME, "note").send_keys("已更换")
    submit(browser, done)
    act(browser, "reply", fields={"text": "已更换灯泡,路灯恢复照明"}, selects={"outcome": "resolved"})
    assert state(browser) == "replied"
    act(browser, "close")
    assert state(browser) == "closed"

    # The admin records the follow-up; the timeline holds every step.
    browser.delete_all_cookies()
    login_ok(browser, base_url)
    browser.get(base_url + case_path)
    act(browser, "follow_up", selects={"satisfaction": "satisfied"})
    assert "满意" in css(browser, "#case-satisfaction").text
    timeline = css(browser, "#case-timeline").text
    for step in ["登记", "交办", "受理", "办理", "答复", "办结", "回访"]:
        assert step in timeline, step
    browser.save_screenshot(str(artifacts / "case-detail.png"))

    # The dashboard counts it as closed and resolved; its figure opens the list with it.
    browser.get(base_url + "/cases/dashboard")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".charts svg.bar-chart")) == 4
    css(browser, "#fig-resolved a").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: path_of(d) == "/cases")
    assert "measure=resolved" in browser.current_url
    assert title in css(browser, "#case-table").text
    browser.save_screenshot(str(artifacts / "case-list-resolved.png"))

    # The public page, signed out: aggregates only.
    browser.delete_all_cookies()
    browser.get(base_url + "/public/cases")
    text = body_text(browser)
    assert "临县" in css(browser, "#public-counties").text
    assert title not in text and "李四" not in text
    browser.set_window_size(390, 844)
    no_page_scroll(browser)
    browser.save_screenshot(str(artifacts / "public-cases-phone.png"))
