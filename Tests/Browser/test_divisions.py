"""Browser tests of the 区划 page: load a village list through the upload form, then open
临县 and unfold 临泉镇 to see its villages (plain <details>, no script).
Screenshots land in Tests/Browser/artifacts/.
"""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_web import WAIT_S, body_text, css, login_ok, path_of, wait_gone


def test_upload_a_village_list_then_unfold_a_township(browser, base_url, tmp_path, artifacts):
    login_ok(browser, base_url)
    browser.get(base_url + "/divisions")
    tree = css(browser, "#division-tree")
    assert "临县" in tree.text and "23 个乡级区划" in tree.text
    source = tmp_path / "villages.csv"
    source.write_bytes("区划代码,城乡分类代码,名称\r\n141124100701,220,浏览器甲村\r\n141124100702,220,浏览器乙村\r\n".encode("gb18030"))
    form = css(browser, "form#division-import-form")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(source))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_gone(browser, form)
    WebDriverWait(browser, WAIT_S).until(lambda d: "导入完成" in body_text(d))

    browser.get(base_url + "/divisions")
    # 临县's townships unfold in place; its villages are one page further.
    county = css(browser, 'li[data-code="141124"]')
    county.find_element(By.CSS_SELECTOR, "summary").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: css(d, 'li[data-code="141124100"]').is_displayed())
    link = county.find_element(By.CSS_SELECTOR, 'a[href="/divisions?open=141124"]')
    link.click()
    wait_gone(browser, county)
    assert path_of(browser) == "/divisions"
    township = css(browser, 'li[data-code="141124100"]')
    village = css(browser, 'li[data-code="141124100701"]')
    assert not village.is_displayed(), "villages start folded"
    township.find_element(By.CSS_SELECTOR, "summary").click()
    WebDriverWait(browser, WAIT_S).until(EC.visibility_of(village))
    assert "浏览器甲村" in village.text
    assert "吕梁市" in css(browser, "#division-crumbs").text
    browser.save_screenshot(str(artifacts / "divisions.png"))
