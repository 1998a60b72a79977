"""`rosetta site`: the static site, checked as files and as a person sees it in Chromium.

The browser test drives Debian's packaged Chromium and ChromeDriver (packages `chromium`
and `chromium-driver`, which `make test` installs where it runs as root with apt-get)
through Selenium; without them it is skipped with the command that installs them.
"""

import html
import html.parser
import shutil
from functools import cache
from pathlib import Path

import pytest

from shared.checks import defaults
from shared.specs import NETWORKS
from shared.views import show, site
from tests.conftest import (
    FRAMEWORKS,
    KERAS_BACKEND,
    default_effects,
    default_jax_effects,
    load_implementation,
    quantities,
)

LABELS = {"numpy": "numpy", "torch": "torch", "keras": f"keras[{KERAS_BACKEND}]", "jax": "jax"}

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SHARED_COMMENTS = {
    network: frozenset.intersection(
        *(
            frozenset(filter(None, map(show.anchor_key, show.source_path(f, network)
                                       .read_text().splitlines())))
            for f in LABELS
        )
    )
    for network in NETWORKS
}  # fmt: skip
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

    statuses = site.build(out, lambda line: None, run, default_effects, default_jax_effects)
    assert all(status.startswith("all frameworks agree") for status in statuses.values()), statuses
    return out


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids, self.hrefs, self.srcs, self.scripts = set(), [], [], 0
        self.script_srcs = []

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
            self.script_srcs += [attrs["src"]] if "src" in attrs else []


@cache
def parse(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text())
    return links


PAGES = ["index", *NETWORKS, "errata", "glossary", "defaults"]


def test_every_page_links_only_to_files_and_lines_that_exist(built):
    pages = [f"{page}.html" for page in PAGES]
    for page in pages:
        links = parse(built / page)
        # a network page's only scripts: the column picker, inline, and its layouts (JSON)
        most = 2 if page.removesuffix(".html") in NETWORKS else 0
        assert links.scripts <= most and not links.script_srcs, f"{page}: scripts"
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


def test_framework_differences_carry_multi_line_tags_whole(built):
    """Every line of every tagged comment block in the Keras and PyTorch files is in the
    list: the tag line and the comment lines under it (up to the next blank comment line,
    tag, or code)."""
    for network in NETWORKS:
        page = html.unescape((built / f"{network}.html").read_text())
        listed = page.split("<h2>Framework differences</h2>")[1].split("<h2>")[0]
        listed = " ".join(listed.split())
        for framework in ("torch", "keras"):
            lines = show.source_path(framework, network).read_text().splitlines()
            for k, line in enumerate(lines):
                if f"# [{framework}]" not in line or not line.lstrip().startswith("#"):
                    continue
                block = [line.split(f"[{framework}]", 1)[1].strip()]
                for below in lines[k + 1 :]:
                    if not below.lstrip().startswith("# ") or "# [" in below:
                        break
                    if show.anchor_key(below) in SHARED_COMMENTS[network]:
                        break
                    block.append(below.strip()[2:])
                assert " ".join(block) in listed, f"{network} {framework}:{k + 1} cut: {block}"


def test_reused_code_is_on_the_page_that_uses_it(built):
    page = (built / "admissions_mlp.html").read_text()
    for framework in ("numpy", "torch", "keras"):
        source = show.source_path(framework, "backprop_321").read_text().splitlines()
        train = next(k for k, line in enumerate(source, 1) if line.startswith("def train("))
        assert f'id="{framework}-backprop_321-L{train}"' in page, f"{framework}: train() missing"
        assert f'href="backprop_321.html#{framework}-L' in page
    assert "reused from numpy_impl/single_unit.py" in (built / "admissions.html").read_text()


def test_pages_link_to_their_neighbours_errata_glossary_and_show_the_spec(built):
    networks = site.reading_order()
    for k, network in enumerate(networks):
        links = parse(built / f"{network}.html").hrefs
        assert "errata.html" in links and "glossary.html" in links and "index.html" in links
        if k:
            assert f"{networks[k - 1]}.html" in links
        if k + 1 < len(networks):
            assert f"{networks[k + 1]}.html" in links
    page = (built / "admissions.html").read_text()
    spec = page.split('<section class="spec">')[1].split("</section>")[0]
    assert "0.2027827038" in spec and "1000" in spec and "1/2 * mean" in spec  # NETWORKS.md
    assert '<td data-label="lr">0.5</td>' in spec
    glossary = (built / "glossary.html").read_text()
    assert "<table" in glossary and "W_input_hidden" in glossary


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


MEASURE = """
const cut = [];
for (const el of document.querySelectorAll('body *')) {
  const style = getComputedStyle(el);
  if (style.display === 'inline' || style.display === 'none' || el.clientWidth === 0) continue;
  // content wider than its box: clipped or scrolled (overflow other than visible), or
  // spilling over its neighbours (visible)
  if (el.scrollWidth > el.clientWidth + 1) {
    cut.push(`${el.tagName}.${el.className}#${el.id}: ${el.scrollWidth} > ${el.clientWidth} px,`
             + ` overflow-x ${style.overflowX}: ${el.textContent.slice(0, 60)}`);
  }
}
return {page: document.documentElement.scrollWidth, window: window.innerWidth, cut: cut};
"""


def measure(browser, page: str, width: int) -> None:
    """No page wider than the window; no element whose content is wider than its box."""
    found = browser.execute_script(MEASURE)
    assert found["page"] <= found["window"], (
        f"{page} at {width} px: the page scrolls sideways ({found['page']} px)"
    )
    assert not found["cut"], f"{page} at {width} px: content wider than its box: {found['cut'][:5]}"


@pytest.mark.parametrize("page", ["index", "errata", "glossary", "defaults"])
def test_nothing_is_cut_or_scrolls_sideways_on_a_laptop_or_a_phone(built, browser, page, tmp_path):
    browser.get((built / f"{page}.html").as_uri())
    for width, height in ((1366, 768), (400, 800)):
        browser.set_window_size(width, height)
        measure(browser, page, width)
        browser.save_screenshot(str(tmp_path / f"{page}-{width}.png"))
    assert console_errors(browser) == [], f"{page}: console errors"


@pytest.mark.parametrize("network", NETWORKS)
def test_network_page_in_chromium(built, browser, network, tmp_path):
    """Nothing cut and no sideways scrolling at 1366x768 and at 400 px (the measurements
    of test_nothing_is_cut...), every framework's column side by side on a laptop, one after another
    on a phone, any two wider, every line and quantity there, the loss curve loaded."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 768)
    browser.get((built / f"{network}.html").as_uri())
    measure(browser, network, 1366)
    browser.save_screenshot(str(tmp_path / f"{network}-1366.png"))
    heads = browser.find_elements(By.CSS_SELECTOR, ".code .head")
    assert len(heads) == len(LABELS), f"{network}: {len(heads)} code columns"
    side_by_side = (
        len({h.location["y"] for h in heads}) == 1 < len({h.location["x"] for h in heads})
    )
    assert side_by_side, f"{network}: the columns are not side by side on a laptop screen"
    # every row of the grid: a shared comment starts at the same height in every column
    lines = browser.find_elements(By.CSS_SELECTOR, ".code .line")
    assert len(lines) >= sum(
        len(show.source_path(f, network).read_text().splitlines()) for f in LABELS
    ), f"{network}: lines missing"
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
    # two files at a time, wider, chosen in the address: the third is not shown
    browser.get((built / f"{network}.html").as_uri() + "?frameworks=numpy,keras")
    heads = browser.find_elements(By.CSS_SELECTOR, ".code .head")
    assert [h.text.split("_impl/")[0] for h in heads] == ["numpy", "keras"]
    assert heads[0].size["width"] > 600
    measure(browser, f"{network} (numpy + keras)", 1366)
    # the choice goes with the links to the other pages
    following = browser.find_element(By.CSS_SELECTOR, "nav.pages a[rel=next], nav a[rel=prev]")
    assert following.get_attribute("href").endswith(".html?frameworks=numpy,keras")
    # ticking torch shows it and puts it in the address
    browser.find_element(By.CSS_SELECTOR, "input[value=torch]").click()
    assert browser.current_url.endswith("?frameworks=numpy%2Ctorch%2Ckeras") or (
        "frameworks" not in browser.current_url
    )
    heads = browser.find_elements(By.CSS_SELECTOR, ".code .head")
    assert len(heads) == 3
    browser.set_window_size(400, 800)  # a phone: the files follow one another
    measure(browser, network, 400)
    browser.save_screenshot(str(tmp_path / f"{network}-400.png"))
    assert len({h.location["x"] for h in heads}) == 1, f"{network}: columns on a phone"
    tops = [h.location["y"] for h in heads]
    assert tops == sorted(tops), f"{network}: the files are not one after another"
    assert console_errors(browser) == [], f"{network}: console errors"


def test_index_in_chromium(built, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 768)
    browser.get((built / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    # the tutorials' reading order, each with a line of what it teaches
    assert [row.find_element(By.TAG_NAME, "a").text for row in rows] == [
        "single_unit", "chain_rule", "forward_432", "backprop_321", "gender_221", "admissions",
        "admissions_mlp", "xor_341", "admissions_logit",
    ]  # fmt: skip
    assert all(row.find_elements(By.CSS_SELECTOR, "td")[1].text for row in rows)
    assert all("all frameworks agree" in row.text for row in rows)
    assert console_errors(browser) == []


def test_code_is_coloured_by_token(built, browser):
    """Keywords, names, comments and strings each in a colour of their own (light theme),
    and the tagged-difference lines marked."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 768)
    browser.get((built / "gender_221.html").as_uri())
    colour = {}
    for kind, selector in (("keyword", ".k"), ("name", ".n"), ("comment", ".c1"),
                           ("string", ".s2"), ("function", ".nf")):  # fmt: skip
        element = browser.find_element(By.CSS_SELECTOR, f".code {selector}")
        colour[kind] = element.value_of_css_property("color")
    assert len(set(colour.values())) == len(colour), colour
    tagged = browser.find_element(By.CSS_SELECTOR, ".code .line.tagged")
    plain = browser.find_element(By.CSS_SELECTOR, ".code .line:not(.tagged)")
    assert tagged.value_of_css_property("background-color") != plain.value_of_css_property(
        "background-color"
    )


@pytest.mark.parametrize("network", NETWORKS)
def test_a_chosen_pair_lines_up_its_definitions_in_chromium(built, browser, network):
    """In ?frameworks=numpy,torch the script lays the pair out as `show` does: each top-level
    function both files define starts at the same height in both columns."""
    import ast

    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 768)
    browser.get((built / f"{network}.html").as_uri() + "?frameworks=numpy,torch")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".code .head")) == 2
    starts = []
    for framework in ("numpy", "torch"):
        tree = ast.parse(show.source_path(framework, network).read_text())
        starts.append({n.name: n.lineno for n in tree.body if isinstance(n, ast.FunctionDef)})
    for name in sorted(set(starts[0]) & set(starts[1])):
        heights = [
            browser.find_element(By.ID, f"{f}-L{lines[name]}").location["y"]
            for f, lines in zip(("numpy", "torch"), starts, strict=True)
        ]
        assert heights[0] == heights[1], f"{network}: def {name} at heights {heights}"
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
