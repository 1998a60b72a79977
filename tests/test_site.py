"""`rosetta site`: the static site, checked as files and as a person sees it in Chromium.

The browser test drives Debian's packaged Chromium and ChromeDriver (packages `chromium`
and `chromium-driver`, which `make test` installs where it runs as root with apt-get)
through Selenium; without them it is skipped with the command that installs them.
"""

import html.parser
import shutil
from functools import cache
from pathlib import Path

import pytest

from shared import defaults, site
from shared.specs import NETWORKS
from tests.conftest import (
    FRAMEWORKS,
    KERAS_BACKEND,
    default_effects,
    load_implementation,
    quantities,
)

LABELS = {"numpy": "numpy", "torch": "torch", "keras": f"keras[{KERAS_BACKEND}]"}

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TRAINED = [
    name
    for name, entry in NETWORKS.items()
    if any("loss_history" in names for names in entry.quantities.values())
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    for framework in FRAMEWORKS:  # skip if a framework is missing
        load_implementation(framework, "single_unit")
    out = tmp_path_factory.mktemp("site")

    def run(network: str, case: str, framework: str) -> dict:  # the session's cached runs
        return quantities(network, case, LABELS[framework])

    statuses = site.build(out, lambda line: None, run, default_effects)
    assert all(status.startswith("all frameworks agree") for status in statuses.values()), statuses
    return out


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids, self.hrefs, self.srcs, self.scripts = set(), [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "img":
            self.srcs.append(attrs["src"])
        if tag == "script":
            self.scripts += 1


@cache
def parse(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text())
    return links


def test_every_page_links_only_to_files_and_lines_that_exist(built):
    pages = ["index.html", "defaults.html", *(f"{n}.html" for n in NETWORKS)]
    for page in pages:
        links = parse(built / page)
        assert links.scripts == 0, f"{page} has a script"
        for href in links.hrefs:
            assert "://" not in href, f"{page} links outside the site: {href}"
            target, _, anchor = href.partition("#")
            target_page = built / (target or page)
            assert target_page.exists(), f"{page} links to missing {href}"
            if anchor:
                assert anchor in parse(target_page).ids, f"{page}: no line {href}"
        for src in links.srcs:
            assert (built / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{page}: {src}"


def test_framework_differences_link_to_their_lines(built):
    page = (built / "backprop_321.html").read_text()
    assert "[torch] nn.Linear keeps weight as (out, in)" in page
    assert 'href="#torch-L' in page and 'href="#keras-L' in page


def test_code_from_files_cannot_inject_markup():
    hostile = '"""</pre><script>alert(1)</script>"""\n# <img src=x onerror=alert(2)>\nx = "<b>"\n'
    panels = site.code_panels([hostile, hostile], ["a<b>.py", "b.py"], ["numpy", "torch"])
    assert "<script>" not in panels and "<img" not in panels and "<b>" not in panels
    assert "&lt;script&gt;" in panels and "a&lt;b&gt;.py" in panels


webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra")


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed; as root, "
            "`apt-get install chromium chromium-driver` (make test does it) enables this test"
        )
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.parametrize("network", NETWORKS)
def test_network_page_in_chromium(built, browser, network, tmp_path):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 900)
    browser.get((built / f"{network}.html").as_uri())
    panels = browser.find_elements(By.CSS_SELECTOR, ".columns .panel pre.code")
    assert len(panels) == 3, f"{network}: {len(panels)} code columns"
    tops = {panel.location["y"] for panel in panels}
    assert len(tops) == 1 and len({panel.location["x"] for panel in panels}) == 3, (
        f"{network}: the columns are not side by side on a laptop screen"
    )
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 1366, f"{network}: the page scrolls sideways ({page_width} px)"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.quantities tbody tr")
    assert len(rows) >= sum(len(q) for q in NETWORKS[network].quantities.values())
    images = browser.find_elements(By.CSS_SELECTOR, "img.loss")
    if network in TRAINED:
        assert len(images) == 1
        loaded = browser.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", images[0]
        )
        assert loaded and loaded > 100, f"{network}: the loss curve did not load"
    else:
        assert not images and "not trained" in browser.page_source
    browser.save_screenshot(str(tmp_path / f"{network}.png"))
    assert console_errors(browser) == [], f"{network}: console errors"
    browser.set_window_size(400, 900)  # a phone: the columns stack
    assert len({panel.location["x"] for panel in panels}) == 1, f"{network}: columns on a phone"
    browser.save_screenshot(str(tmp_path / f"{network}-phone.png"))


def test_index_in_chromium(built, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 900)
    browser.get((built / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [row.find_element(By.TAG_NAME, "a").text for row in rows] == list(NETWORKS)
    assert all("all frameworks agree" in row.text for row in rows)
    assert console_errors(browser) == []


def test_defaults_page_in_chromium(built, browser, tmp_path):
    """One row per entry of `rosetta defaults`, each with its measured effect; linked from
    the index; no sideways scrolling on a laptop."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 900)
    browser.get((built / "index.html").as_uri())
    browser.find_element(By.LINK_TEXT, "The same name, different math").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table.defaults tbody tr")
    assert len(rows) == len(defaults.DEFAULTS)
    for row, entry in zip(rows, defaults.DEFAULTS, strict=True):
        assert entry.key in row.text
        assert defaults.effect_text(default_effects()[entry.key]) in row.text
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 1366, f"the defaults page scrolls sideways ({page_width} px)"
    browser.save_screenshot(str(tmp_path / "defaults.png"))
    assert console_errors(browser) == []
