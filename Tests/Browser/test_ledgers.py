"""Browser test of the 台账 pages: an administrator defines a ledger field by field in the
designer (no JavaScript needed), adds an item through the generated form (after seeing the
Chinese message of a bad value), and finds it in the ledger's list and on its item page.
Screenshots land in Tests/Browser/artifacts/.
"""

from __future__ import annotations

import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_web import WAIT_S, css, login_ok, path_of, wait_gone


def submit(drv, form, selector: str = "button.primary") -> None:
    form.find_element(By.CSS_SELECTOR, selector).click()
    wait_gone(drv, form)


def test_define_a_ledger_add_an_item_and_see_it_listed(browser, base_url, artifacts):
    code = "outfalls-" + uuid.uuid4().hex[:6]
    login_ok(browser, base_url)

    # The designer: the ledger, then one row per field.
    browser.get(base_url + "/ledgers")
    css(browser, "#new-ledger").click()
    form = WebDriverWait(browser, WAIT_S).until(EC.presence_of_element_located((By.CSS_SELECTOR, "form#ledger-form")))
    form.find_element(By.NAME, "code").send_keys(code)
    form.find_element(By.NAME, "name").send_keys("入河排污口")
    form.find_element(By.NAME, "has_due_date").click()
    rows = [
        ("number", "编号", "text", ""),
        ("river", "所在河流", "choice", "汾河、黄河、三川河"),
        ("registered", "登记", "bool", ""),
        ("cost", "投资", "money", ""),
    ]
    for i, (key, label, kind, options) in enumerate(rows):
        form.find_element(By.NAME, f"field_key_{i}").send_keys(key)
        form.find_element(By.NAME, f"field_label_{i}").send_keys(label)
        Select(form.find_element(By.NAME, f"field_type_{i}")).select_by_value(kind)
        if options:
            form.find_element(By.NAME, f"field_options_{i}").send_keys(options)
    form.find_element(By.NAME, "field_required_0").click()
    form.find_element(By.NAME, "field_unique_0").click()
    # One more row than the form had: the form comes back with empty rows added.
    submit(browser, form, "#more-fields")
    form = css(browser, "form#ledger-form")
    assert form.find_element(By.NAME, "field_key_0").get_attribute("value") == "number"
    form.find_element(By.NAME, "field_key_5").send_keys("note")
    form.find_element(By.NAME, "field_label_5").send_keys("备注")
    browser.save_screenshot(str(artifacts / "ledger-designer.png"))
    submit(browser, form)
    assert path_of(browser) == f"/ledgers/{code}", browser.current_url
    assert css(browser, "#ledger-name").text == "入河排污口"

    # The item form generated from the fields: a bad amount is refused in Chinese, beside it.
    css(browser, "#new-item").click()
    form = WebDriverWait(browser, WAIT_S).until(EC.presence_of_element_located((By.CSS_SELECTOR, "form#item-form")))
    Select(form.find_element(By.NAME, "division_code")).select_by_value("141124")
    form.find_element(By.NAME, "v_number").send_keys("LX-001")
    Select(form.find_element(By.NAME, "v_river")).select_by_visible_text("黄河")
    Select(form.find_element(By.NAME, "v_registered")).select_by_visible_text("是")
    form.find_element(By.NAME, "v_cost").send_keys("12.345")
    submit(browser, form)
    errors = css(browser, "#form-errors").text
    assert "「投资」" in errors, errors
    form = css(browser, "form#item-form")
    assert form.find_element(By.NAME, "v_number").get_attribute("value") == "LX-001"
    cost = form.find_element(By.NAME, "v_cost")
    cost.clear()
    cost.send_keys("12.34")
    browser.save_screenshot(str(artifacts / "ledger-item-form.png"))
    submit(browser, form)
    assert re.fullmatch(rf"/ledgers/{code}/items/[0-9A-Fa-f-]{{36}}", path_of(browser)), browser.current_url
    values = css(browser, "#item-values").text
    assert "LX-001" in values and "黄河" in values and "12.34" in values and "待办" in values
    assert "待办" in css(browser, "#item-history").text

    # The list shows it, and filtering by another river hides it.
    browser.get(base_url + f"/ledgers/{code}")
    table = css(browser, "#item-table")
    assert "LX-001" in table.text and "临县" in table.text
    assert "共 1 条" in css(browser, "#item-total").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#ledger-aggregate svg.bar-chart")) == 1
    browser.save_screenshot(str(artifacts / "ledger-items.png"))
    filters = css(browser, "form#item-filters")
    Select(filters.find_element(By.NAME, "f.river")).select_by_visible_text("汾河")
    filters.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: "f.river=" in d.current_url)
    assert "共 0 条" in css(browser, "#item-total").text


def upload(browser, path) -> None:
    form = css(browser, "form#import-form")
    form.find_element(By.NAME, "file").send_keys(str(path))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_gone(browser, form)


def test_import_a_sheet_through_the_upload_form_and_read_the_aggregate(browser, base_url, artifacts, tmp_path):
    code = "inspect-" + uuid.uuid4().hex[:6]
    login_ok(browser, base_url)
    browser.get(base_url + "/ledgers/new")
    form = css(browser, "form#ledger-form")
    form.find_element(By.NAME, "code").send_keys(code)
    form.find_element(By.NAME, "name").send_keys("巡回检查组")
    for i, (key, label, kind) in enumerate([("group", "组别", "text"), ("members", "人数", "integer")]):
        form.find_element(By.NAME, f"field_key_{i}").send_keys(key)
        form.find_element(By.NAME, f"field_label_{i}").send_keys(label)
        Select(form.find_element(By.NAME, f"field_type_{i}")).select_by_value(kind)
    form.find_element(By.NAME, "field_unique_0").click()
    submit(browser, form)
    assert path_of(browser) == f"/ledgers/{code}", browser.current_url

    # A bad sheet: nothing imported, every bad row on the shared report page.
    sheet = tmp_path / "groups.csv"
    sheet.write_text("区划代码,组别,人数,状态\n141124,第1组,3,待办\n141123,第2组,三,待办\n141199,第3组,4,待办\n", encoding="utf-8")
    upload(browser, sheet)
    problems = browser.find_elements(By.CSS_SELECTOR, ".import-problem")
    assert len(problems) == 2, browser.page_source[:3000]
    assert "人数" in problems[0].text and "区划代码" in problems[1].text
    browser.save_screenshot(str(artifacts / "ledger-import-refused.png"))

    # The corrected sheet imports; the aggregate per division counts it.
    sheet.write_text("区划代码,组别,人数,状态\n141124,第1组,3,待办\n141123,第2组,4,待办\n141124,第3组,4,已完成\n", encoding="utf-8")
    browser.get(base_url + f"/ledgers/{code}")
    upload(browser, sheet)
    assert "新增 3 条" in browser.find_element(By.TAG_NAME, "body").text, browser.page_source[:3000]
    browser.get(base_url + f"/ledgers/{code}")
    assert "共 3 条" in css(browser, "#item-total").text
    figures = {row.find_elements(By.TAG_NAME, "td")[0].text: row.find_elements(By.TAG_NAME, "td")[1].text
               for row in browser.find_elements(By.CSS_SELECTOR, "#aggregate-table tbody tr")}
    assert figures == {"临县": "2", "兴县": "1"}, figures
    browser.save_screenshot(str(artifacts / "ledger-aggregate.png"))
    # A figure links to the items it counts.
    next(a for a in browser.find_elements(By.CSS_SELECTOR, "#aggregate-table a") if a.text == "2").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: "division=141124" in d.current_url)
    assert "共 2 条" in css(browser, "#item-total").text


def test_cli_seeds_imports_and_exports_a_ledger(tmp_path):
    """`tongguan ledgers seed`, `import ledger` (all or nothing, by row and column; again:
    nothing changes) and `export ledger` (resident IDs masked)."""
    from test_cli import run

    db = tmp_path / "t.sqlite"
    seeded = run(db, "ledgers", "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "驻村工作队员" in seeded.stdout
    assert "均已存在" in run(db, "ledgers", "seed").stdout

    header = "区划代码,工作队编号,派驻村,姓名,身份证号,职务,派出单位,派驻日期,状态"
    sheet = tmp_path / "members.csv"
    sheet.write_text(header + "\n141124,驻村0001,141124100,王建国,11010519491231002X,第一书记,市财政局,2021-06-01,待办\n"
                     + "141124,驻村0001,141124100,李四,11010519491231002X,书记,市财政局,2021-06-31,待办\n", encoding="utf-8")
    bad = run(db, "import", "ledger", "village-task-force", str(sheet))
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert "第3行「职务」" in bad.stderr and "第3行「派驻日期」" in bad.stderr, bad.stderr
    assert "11010519491231002X" not in bad.stderr

    sheet.write_text(header + "\n141124,驻村0001,141124100,王建国,11010519491231002X,第一书记,市财政局,2021-06-01,待办\n"
                     + "141124,驻村0001,141124100,李四,141124199001011238,队员,市财政局,2021-06-02,待办\n", encoding="utf-8-sig")
    done = run(db, "import", "ledger", "village-task-force", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "新增 2 条" in done.stdout, done.stdout
    again = run(db, "import", "ledger", "village-task-force", str(sheet))
    assert "未变 2 条" in again.stdout, again.stdout

    out = tmp_path / "out.csv"
    exported = run(db, "export", "ledger", "village-task-force", "--output", str(out))
    assert exported.returncode == 0, exported.stderr
    text = out.read_text(encoding="utf-8-sig")
    # 姓名 is a `name` field: masked like the ID in a default export.
    assert "王**" in text and "王建国" not in text
    assert "110105********002X" in text and "11010519491231002X" not in text
    assert text.splitlines()[0].lstrip("\"").startswith("【个人信息】")
    # A full export needs a reason, and is audited with it.
    refused = run(db, "export", "ledger", "village-task-force", "--personal")
    assert refused.returncode == 2 and "--reason" in refused.stderr, refused.stderr
    full = tmp_path / "full.csv"
    done = run(db, "export", "ledger", "village-task-force", "--personal", "--reason", "核对身份证号", "--output", str(full))
    assert done.returncode == 0, done.stderr
    full_text = full.read_text(encoding="utf-8-sig")
    assert "11010519491231002X" in full_text and "王建国" in full_text
    again = run(db, "import", "ledger", "village-task-force", str(full))
    assert "未变 2 条" in again.stdout, again.stdout + again.stderr
