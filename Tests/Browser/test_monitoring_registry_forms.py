"""监测 · 农户: the registry's edit forms in the real browser — a household created and
edited, members added and edited, 户主变更 (the former head staying, then leaving in the same
step), a member leaving, a transfer to another household and the household closed; each
refusal re-renders the page with its Chinese message and changes nothing."""

from __future__ import annotations

import json

from test_monitoring import call, resident_id
from test_monitoring_workflow import admin_token

FORM_VILLAGE = "141124100805"  # 表单测试村, added here (the other monitoring tests use 801-804, 901)


def add_village(base_url: str, token: str) -> None:
    sheet = f"区划代码,城乡分类代码,名称\r\n{FORM_VILLAGE},220,表单测试村\r\n"
    status, body = call(base_url + "/api/v1/divisions/import", "POST", token, sheet.encode(), "text/csv")
    assert status == 200, body


def household(base_url: str, token: str, code: str) -> dict:
    status, body = call(base_url + f"/api/v1/households/{code}", token=token)
    assert status == 200, body
    return json.loads(body)


def test_registry_edit_forms_and_head_hand_over(browser, base_url, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from test_web import WAIT_S, body_text, css, login_ok, path_of, wait_gone

    def submit(form):
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_gone(browser, form)

    def confirm_and_submit(form):
        form.find_element(By.NAME, "confirm").click()
        submit(form)

    def option(select_element, starts: str) -> str:
        """The value of the option whose label starts with `starts` (a member by name)."""
        for o in select_element.find_elements(By.TAG_NAME, "option"):
            if o.text.startswith(starts):
                return o.get_attribute("value")
        raise AssertionError(f"no option {starts!r} in {select_element.text!r}")

    def flash() -> str:
        return css(browser, ".flash-error").text

    def fill_member(form, name, rid, relation, labour="full", work="farming"):
        form.find_element(By.NAME, "name").send_keys(name)
        form.find_element(By.NAME, "resident_id").send_keys(rid)
        if relation:
            Select(form.find_element(By.NAME, "relation")).select_by_value(relation)
        Select(form.find_element(By.NAME, "labour_capacity")).select_by_value(labour)
        Select(form.find_element(By.NAME, "work_status")).select_by_value(work)

    token = admin_token(base_url)
    add_village(base_url, token)
    login_ok(browser, base_url)

    # --- a household created through its form, with its head --------------------------------
    ids = {k: resident_id(9100 + i, born=1960 + 5 * i) for i, k in enumerate(["head", "spouse", "child", "son", "other"])}
    browser.get(base_url + "/monitoring/households/new")
    form = css(browser, "form#household-form")
    Select(form.find_element(By.NAME, "division_code")).select_by_value(FORM_VILLAGE)
    form.find_element(By.NAME, "address").send_keys("表单测试村一组1号")
    fill_member(form, "表单户主", ids["head"], None)
    submit(form)
    WebDriverWait(browser, WAIT_S).until(lambda d: path_of(d).startswith(f"/monitoring/households/{FORM_VILLAGE}"))
    code = css(browser, "#household-code").text
    for name, key, relation in [("表单配偶", "spouse", "spouse"), ("表单子女", "child", "child"), ("表单儿子", "son", "child")]:
        form = css(browser, "form#member-form")
        fill_member(form, name, ids[key], relation)
        submit(form)
    assert css(browser, "#household-count").text == "4", body_text(browser)[:1500]

    # --- the household's address and phone: a bad phone is refused beside its field ----------
    css(browser, "#edit-household-link").click()
    form = css(browser, "form#edit-form")
    phone = form.find_element(By.NAME, "phone")
    phone.clear()
    phone.send_keys("123")
    submit(form)
    error = css(browser, '.form-field[data-field="phone"] .field-error').text
    assert "电话" in error, error
    form = css(browser, "form#edit-form")
    assert form.find_element(By.NAME, "phone").get_attribute("value") == "123"
    phone = form.find_element(By.NAME, "phone")
    phone.clear()
    phone.send_keys("0358-4567890")
    address = form.find_element(By.NAME, "address")
    address.clear()
    address.send_keys("表单测试村二组2号")
    submit(form)
    assert path_of(browser) == f"/monitoring/households/{code}"
    assert "表单测试村二组2号" in body_text(browser) and "0358-4567890" in body_text(browser)

    # --- a member's facts; making the spouse 户主 here is refused and points to 更换户主 -------
    def edit_member(name: str):
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#member-table tr.member-row")
                   if r.find_element(By.CSS_SELECTOR, ".member-name").text == name)
        row.find_element(By.CSS_SELECTOR, "a.member-edit-link").click()
        return css(browser, "form#edit-form")

    form = edit_member("表单子女")
    Select(form.find_element(By.NAME, "school_stage")).select_by_value("high_school")
    submit(form)
    assert "普通高中" in css(browser, "#member-table").text
    form = edit_member("表单配偶")
    Select(form.find_element(By.NAME, "relation")).select_by_value("head")
    submit(form)
    refused = css(browser, "#form-errors").text
    assert "更换户主" in refused, refused
    assert ids["spouse"] not in browser.page_source
    browser.get(base_url + f"/monitoring/households/{code}")

    # --- 户主变更: refused without the former head's relation, then done ----------------------
    form = css(browser, "form#head-form")
    candidates = form.find_element(By.NAME, "member_id")
    spouse = option(candidates, "表单配偶")
    Select(candidates).select_by_value(spouse)
    confirm_and_submit(form)
    assert "须填写原户主与新户主的关系" in flash(), body_text(browser)[:800]
    assert css(browser, "#household-head").text == "表单户主"
    form = css(browser, "form#head-form")
    candidates = form.find_element(By.NAME, "member_id")
    head = next(r.get_attribute("data-member") for r in form.find_elements(By.CSS_SELECTOR, "#head-relations tr[data-member]")
                if "原户主" in r.text)
    son = option(candidates, "表单儿子")
    Select(candidates).select_by_value(spouse)
    Select(form.find_element(By.NAME, f"relation_{head}")).select_by_value("spouse")
    Select(form.find_element(By.NAME, f"relation_{son}")).select_by_value("child")
    confirm_and_submit(form)
    assert path_of(browser) == f"/monitoring/households/{code}"
    assert css(browser, "#household-head").text == "表单配偶"
    relations = {m["name"]: m["relation"] for m in household(base_url, token, code)["members"]}
    assert relations == {"表单户主": "spouse", "表单配偶": "head", "表单子女": "child", "表单儿子": "child"}
    assert "更换户主" in css(browser, "#audit-history").text
    browser.save_screenshot(str(artifacts / "household-head-hand-over.png"))

    # --- a member leaves ------------------------------------------------------------------------
    form = css(browser, "form#leave-form")
    Select(form.find_element(By.NAME, "member_id")).select_by_value(option(form.find_element(By.NAME, "member_id"), "表单子女"))
    Select(form.find_element(By.NAME, "reason")).select_by_value("marriage")
    confirm_and_submit(form)
    assert css(browser, "#household-count").text == "3"
    assert "已离户(婚嫁" in css(browser, "#member-table").text

    # --- a transfer to another household: a mistyped code is refused, then the move --------------
    status, body = call(base_url + "/api/v1/households", "POST", token, json.dumps({
        "division_code": FORM_VILLAGE, "head": {
            "name": "表单邻户", "resident_id": ids["other"], "labour_capacity": "full", "disability": False,
            "chronic_illness": False, "school_stage": "none", "work_status": "farming", "basic_medical_insurance": True}}).encode())
    assert status == 201, body
    target = json.loads(body)["household_code"]
    form = css(browser, "form#transfer-form")
    son_select = form.find_element(By.NAME, "member_id")
    Select(son_select).select_by_value(option(son_select, "表单儿子"))
    wrong = target[:-1] + ("1" if target[-1] != "1" else "2")
    form.find_element(By.NAME, "to_household_code").send_keys(wrong)
    Select(form.find_element(By.NAME, "relation")).select_by_value("son_in_law")
    confirm_and_submit(form)
    assert "转入户码有误" in flash()
    assert css(browser, "#household-count").text == "3"
    form = css(browser, "form#transfer-form")
    son_select = form.find_element(By.NAME, "member_id")
    Select(son_select).select_by_value(option(son_select, "表单儿子"))
    form.find_element(By.NAME, "to_household_code").send_keys(target)
    Select(form.find_element(By.NAME, "relation")).select_by_value("son_in_law")
    confirm_and_submit(form)
    assert path_of(browser) == f"/monitoring/households/{target}"
    assert "表单儿子" in css(browser, "#member-table").text and css(browser, "#household-count").text == "2"
    browser.get(base_url + f"/monitoring/households/{code}")
    assert css(browser, "#household-count").text == "2"

    # --- closing with members present is refused in Chinese --------------------------------------
    form = css(browser, "form#close-form")
    Select(form.find_element(By.NAME, "reason")).select_by_value("moved_out")
    confirm_and_submit(form)
    assert "户内还有在户成员" in flash()

    # --- 户主变更 while the head dies: the former head leaves in the same step --------------------
    form = css(browser, "form#head-form")
    candidates = form.find_element(By.NAME, "member_id")
    Select(candidates).select_by_value(option(candidates, "表单户主"))
    form.find_element(By.NAME, "former_head_leaves").click()
    Select(form.find_element(By.NAME, "reason")).select_by_value("death")
    confirm_and_submit(form)
    assert css(browser, "#household-head").text == "表单户主"
    assert css(browser, "#household-count").text == "1"
    statuses = {m["name"]: (m["relation"], m["status"]) for m in household(base_url, token, code)["members"]}
    assert statuses["表单配偶"] == ("head", "left") and statuses["表单户主"] == ("head", "present")

    # --- the last member leaves, then the household closes ---------------------------------------
    form = css(browser, "form#leave-form")
    Select(form.find_element(By.NAME, "member_id")).select_by_value(option(form.find_element(By.NAME, "member_id"), "表单户主"))
    Select(form.find_element(By.NAME, "reason")).select_by_value("moved_out")
    confirm_and_submit(form)
    assert css(browser, "#household-count").text == "0"
    form = css(browser, "form#close-form")
    Select(form.find_element(By.NAME, "reason")).select_by_value("moved_out")
    confirm_and_submit(form)
    assert household(base_url, token, code)["status"] == "closed"
    assert not browser.find_elements(By.CSS_SELECTOR, "form#head-form, form#leave-form, #edit-household-link")
    browser.save_screenshot(str(artifacts / "household-closed.png"))
    for rid in ids.values():
        assert rid not in browser.page_source
