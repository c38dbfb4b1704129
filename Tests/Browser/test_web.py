"""Browser tests of Tongguan's HTML contract (login, home, audit, divisions, 404, logout).

Each test starts logged out (see the `browser` fixture) and logs in itself, so the tests
do not depend on their order. Screenshots land in Tests/Browser/artifacts/.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlparse

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PASSWORD, ADMIN_USER

WAIT_S = 15
NAV_LINKS = ["/audit", "/projects", "/monitoring", "/cases", "/indicators", "/users", "/divisions"]


def path_of(drv) -> str:
    return urlparse(drv.current_url).path


def css(drv, selector):
    return drv.find_element(By.CSS_SELECTOR, selector)


def wait_gone(drv, element) -> None:
    """Wait until `element` no longer belongs to the page (the next page has loaded).

    Selenium's staleness_of expects StaleElementReferenceException, but Chromium sometimes
    answers a lookup on a node of the page being replaced with a generic "Node with given id
    does not belong to the document" error: that, too, means the old page is gone."""
    def gone(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(drv, WAIT_S).until(gone)


def submit_login(drv, base_url: str, username: str, password: str) -> None:
    """Fill in and submit the login form, and wait for the next page to load."""
    drv.get(base_url + "/login")
    form = WebDriverWait(drv, WAIT_S).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "form#login-form")))
    form.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(username)
    form.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(password)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_gone(drv, form)


def login_ok(drv, base_url: str) -> None:
    submit_login(drv, base_url, ADMIN_USER, ADMIN_PASSWORD)
    WebDriverWait(drv, WAIT_S).until(lambda d: path_of(d) == "/")


def body_text(drv) -> str:
    # One atomic read: finding <body> and then asking for its text can race a navigation
    # ("Node with given id does not belong to the document").
    return drv.execute_script("return document.body ? document.body.innerText : ''") or ""


def test_login_page_has_form(browser, base_url):
    browser.get(base_url + "/login")
    form = css(browser, "form#login-form")
    assert (form.get_dom_attribute("method") or "").lower() == "post"
    assert form.get_dom_attribute("action") == "/login"
    assert form.find_element(By.CSS_SELECTOR, "input[name=username]").is_displayed()
    password = form.find_element(By.CSS_SELECTOR, "input[name=password]")
    assert password.get_dom_attribute("type") == "password"
    csrf = form.find_element(By.CSS_SELECTOR, "input[name=csrf_token]")
    assert csrf.get_dom_attribute("type") == "hidden"
    assert (csrf.get_attribute("value") or "").strip(), "csrf_token must carry a value"
    assert form.find_element(By.CSS_SELECTOR, "button[type=submit]").is_displayed()


def test_wrong_password_shows_error(browser, base_url):
    submit_login(browser, base_url, ADMIN_USER, "wrong")
    assert path_of(browser) == "/login"
    flash = WebDriverWait(browser, WAIT_S).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".flash-error")))
    assert "用户名或密码错误" in flash.text
    assert css(browser, "form#login-form")  # the form is shown again
    browser.get(base_url + "/")
    assert path_of(browser) == "/login", "a failed login must not open a session"


def test_login_success_shows_home(browser, base_url, artifacts):
    login_ok(browser, base_url)
    assert path_of(browser) == "/"
    assert "吕梁市" in css(browser, "header .site-title").text
    for href in NAV_LINKS:
        assert browser.find_elements(By.CSS_SELECTOR, f'nav a[href="{href}"]'), f"nav link {href} missing"
    assert "审计" in css(browser, 'nav a[href="/audit"]').text
    assert "项目" in css(browser, 'nav a[href="/projects"]').text
    browser.save_screenshot(str(artifacts / "home.png"))


def test_audit_lists_login_events(browser, base_url, artifacts):
    # Make both events here, so this test does not rely on the others' order.
    submit_login(browser, base_url, ADMIN_USER, "wrong")
    login_ok(browser, base_url)
    browser.get(base_url + "/audit")
    assert path_of(browser) == "/audit"
    table = css(browser, "table#audit-table")
    rows = table.find_elements(By.CSS_SELECTOR, "tr.audit-event")
    assert rows, "no tr.audit-event rows in table#audit-table"
    actions = [r.get_dom_attribute("data-action") for r in rows]
    successes = [r for r in rows if r.get_dom_attribute("data-action") == "login.success"]
    assert successes, f"no login.success row; actions seen: {actions}"
    assert any(ADMIN_USER in r.text for r in successes), "no login.success row mentions admin"
    assert "login.failure" in actions, f"no login.failure row; actions seen: {actions}"
    browser.save_screenshot(str(artifacts / "audit.png"))


def test_divisions_lists_linxian(browser, base_url):
    login_ok(browser, base_url)
    browser.get(base_url + "/divisions")
    assert path_of(browser) == "/divisions"
    text = body_text(browser)
    assert "临县" in text
    assert "141124" in browser.page_source


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_not_found_page_is_chinese(browser, base_url):
    login_ok(browser, base_url)
    browser.get(base_url + "/no-such-page")
    WebDriverWait(browser, WAIT_S).until(lambda d: "页面不存在" in body_text(d))
    # The same request with the browser's session must answer a real 404 status.
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    req = urllib.request.Request(base_url + "/no-such-page", headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=10) as resp:
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
    assert status == 404


def test_home_fits_phone_width(browser, base_url, artifacts):
    login_ok(browser, base_url)
    browser.set_window_size(390, 844)
    browser.get(base_url + "/")
    inner, scroll = browser.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth]")
    assert inner <= 400, f"window did not shrink to phone width (innerWidth={inner})"
    browser.save_screenshot(str(artifacts / "home-phone.png"))
    assert scroll <= inner + 1, f"horizontal scroll at phone width: scrollWidth={scroll} > innerWidth={inner}"


def test_logout_ends_session(browser, base_url):
    login_ok(browser, base_url)
    form = css(browser, "form#logout-form")
    assert (form.get_dom_attribute("method") or "").lower() == "post"
    assert form.get_dom_attribute("action") == "/logout"
    button = form.find_element(By.CSS_SELECTOR, "#logout-button")
    button.click()
    wait_gone(browser, button)
    browser.get(base_url + "/")
    WebDriverWait(browser, WAIT_S).until(lambda d: path_of(d) == "/login")
