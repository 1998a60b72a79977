"""`rosetta site --out DIR`: every network's implementations side by side, as a static site.

The site opens from disk (file://): no server, no scripts, no network access. Every page
is built from the same pieces as the command line: shared.views.show lines the files up,
shared.views.reuse adds the code a file imports from another network, shared.checks.compare measures
the differences, shared.views.plots draws the loss curves and shared.checks.errata says where the
tutorials are wrong. Everything taken from a file or an entry is escaped (Pygments escapes
the code, markdown-it the glossary with raw HTML off, html.escape the rest).

Reading comes first: the code is one grid, a row per aligned line, so that a long line
wraps (with a hanging indent past its own indentation) and its neighbours wait for it;
nothing is cut and nothing scrolls sideways. Under 760 px the files follow one another.
Two radio buttons (CSS only) choose all three files or any two, wider.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import numpy as np

from shared import specs
from shared.checks import compare, defaults, errata, harness
from shared.runtime import frameworks, outputs
from shared.views import plots, reuse, show

STYLE = """
:root { color-scheme: light dark; --text: #1d1d1f; --page: #fff; --link: #0b57d0;
        --head: #eef1f5; --cell: #fafafa; --reused: #f1f6ee; --target: #fff3b0;
        --tagged: #eef4ff; --tag-edge: #5b8def; --muted: #888; --rule: #bbb; --box: #f7f9fc; }
@media screen and (prefers-color-scheme: dark) {
  :root { --text: #e6e6e6; --page: #16181c; --link: #8ab4f8; --head: #262a31;
          --cell: #1c1f24; --reused: #1d2620; --target: #4a4420; --tagged: #1e2a40;
          --tag-edge: #6d9eff; --muted: #8d939c; --rule: #555; --box: #1f2329; }
}
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1800px;
       padding: 0.5rem 0.75rem; color: var(--text); background: var(--page); line-height: 1.45; }
a { color: var(--link); }
h1 { font-size: 1.6rem; margin: 0.4rem 0; } h2 { font-size: 1.25rem; margin-top: 1.6rem; }
nav.pages { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; font-size: 0.95rem; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
table.wide { width: 100%; table-layout: fixed; }
td.value { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.8rem;
           white-space: pre-wrap; }
.ok { color: #137333; } .fail { color: #b3261e; font-weight: bold; }
.spec { border: 1px solid #ddd; border-radius: 6px; padding: 0.2rem 0.6rem;
        background: var(--box); margin: 0.5rem 0; font-size: 0.85rem; }
.spec th, .spec td { padding: 0.15rem 0.4rem; }
th { overflow-wrap: normal; }
.spec summary { cursor: pointer; font-weight: 600; }
.spec pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
.views { margin: 0.5rem 0 0.3rem; font-size: 0.9rem; }
.views label { margin-right: 0.9rem; white-space: nowrap; }
.code { display: grid; grid-template-columns: repeat(var(--n, 3), minmax(0, 1fr));
        column-gap: 0.6rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
        font-size: 12px; line-height: 1.4; }
.code .head { font-weight: bold; padding: 0.3rem 0.5rem; background: var(--head);
              border-radius: 6px 6px 0 0; overflow-wrap: anywhere; }
.code .cell { background: var(--cell); min-width: 0; }
.code .wide, .code .only { grid-column: 1 / -1; }
.code .only { font-family: system-ui, sans-serif; font-size: 0.8rem; padding: 0.5rem 0.5rem 0.1rem;
              border-top: 1px dashed var(--rule); background: var(--cell); }
.code .line { display: block; white-space: pre-wrap; overflow-wrap: break-word;
              padding-left: calc(3.2em + (var(--i, 0) + 4) * 1ch);
              text-indent: calc(-3.2em - (var(--i, 0) + 4) * 1ch); }
.code .first { white-space: pre; }
.code .tagged { background: var(--tagged); box-shadow: inset 3px 0 var(--tag-edge); }
.code .line:target { background: var(--target); }
.code .reused { background: var(--reused); }
.code .label { display: block; padding: 0.5rem 0.5rem 0.1rem; font-family: system-ui,
               sans-serif; font-size: 0.8rem; overflow-wrap: anywhere; }
.ln { display: inline-block; width: 2.6em; padding-right: 0.6em; text-align: right;
      text-indent: 0; color: var(--muted); text-decoration: none; user-select: none; }
.pad::before { content: "\\a0"; }
ul.differences li, dd, dt, p, h1, h2, h3 { overflow-wrap: break-word; }
ul.differences li { margin: 0.2rem 0; }
img.loss { max-width: 100%; height: auto; border: 1px solid #ddd; }
dl.erratum { max-width: 110ch; } dl.erratum dt { font-weight: 600; margin-top: 0.3rem; }
@media (max-width: 760px) {
  .code { display: flex; flex-direction: column; }
  .code .f1 { order: 1; } .code .f2 { order: 2; } .code .f3 { order: 3; }
  .code .pad { display: none; }
  .code .head { margin-top: 0.8rem; }
  table.wide, table.wide tbody, table.wide tr, table.wide td,
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: auto; }
  table.wide thead, table.cards thead { display: none; }
  table.wide tr, table.cards tr { border-bottom: 2px solid #ccc; padding: 0.3rem 0; }
  table.wide td, table.cards td { border: none; padding: 0.1rem 0.3rem; }
  table.wide td::before, table.cards td::before { content: attr(data-label) ": ";
    font-weight: 600; font-family: system-ui, sans-serif; }
}
"""

NARROW = 760  # px: below this the files follow one another (STYLE's media query)


# The tutorials' order: one unit, the chain rule, a forward pass, backprop, then the
# classifiers and the admissions models that use them
READING = (
    "single_unit", "chain_rule", "forward_432", "backprop_321", "gender_221", "admissions",
    "admissions_mlp", "xor_341", "admissions_logit",
)  # fmt: skip


def reading_order() -> list[str]:
    """Every network, in READING's order (a network READING does not name comes last)."""
    return [n for n in READING if n in specs.NETWORKS] + [
        n for n in specs.NETWORKS if n not in READING
    ]


def token_style() -> str:
    """The code's colours by Pygments token class: a light theme (which prints) and, on a
    screen that prefers it, a dark one."""
    from pygments.formatters import HtmlFormatter

    scopes = [".code", ".highlight"]
    light = "\n".join(HtmlFormatter(style="default").get_token_style_defs(scopes))
    dark = "\n".join(HtmlFormatter(style="github-dark").get_token_style_defs(scopes))
    return f"{light}\n@media screen and (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _page(title: str, body: str, code_style: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="stylesheet" href="style.css"><style>{code_style}</style></head>'
        f"<body>{body}</body></html>\n"
    )


def code_panels(sources: list[str | show.Source], names: list[str], anchors: list[str]) -> str:
    """The files as one grid of aligned, highlighted rows (shared.show.layout: a definition
    only one file has spans the columns); line k of file i has id `{anchors[i]}-Lk`, a line
    it reuses from network N's file `{anchors[i]}-N-Lk`. With two files or more, a script
    re-lays the grid for the 2 to 4 files a reader picks (`?frameworks=numpy,torch`), from the
    layouts of every such choice (computed here, as `rosetta show --frameworks` does)."""
    from pygments.formatters import HtmlFormatter

    formatter = HtmlFormatter(nowrap=True)
    files = [show.lines_of(s) if isinstance(s, str) else list(s) for s in sources]
    lines = [_highlighted(f, formatter) for f in files]
    count = len(files)
    cells = [f'<div class="head f{i}">{html.escape(name)}</div>' for i, name in enumerate(names)]
    for item in show.layout(files):
        if show.is_block(item):
            k, block = item
            cells.append(f'<div class="only f{k}">only in {html.escape(names[k])}</div>')
            cells += [_cell(k, line, lines[k], anchors[k], " wide") for line in block]
            continue
        for i, line in enumerate(item):
            cells.append(_cell(i, line, lines[i], anchors[i]))
    layouts = ""
    if count > 2:
        import itertools
        import json

        choices = {}
        for size in range(2, count):
            for chosen in itertools.combinations(range(count), size):
                choices[",".join(anchors[k] for k in chosen)] = _layout_indices(
                    [files[k] for k in chosen], chosen
                )
        encoded = json.dumps(choices, separators=(",", ":")).replace("</", "<\\/")
        layouts = f'<script type="application/json" class="layouts">{encoded}</script>'
    data = html.escape(",".join(anchors))
    return (
        f'<div class="code" style="--n: {count}" data-frameworks="{data}">{"".join(cells)}</div>'
        f"{layouts}"
    )


def _layout_indices(files: list[list[show.Line]], chosen: tuple[int, ...]) -> list:
    """A layout as the script reads it: a row is a list of line indices (-1: a blank cell),
    a block [file, [indices]] (files by their place among all)."""
    out: list = []
    for item in show.layout(files):
        if show.is_block(item):
            out.append([chosen[item[0]], [line.index for line in item[1]]])
        else:
            out.append([line.index if line else -1 for line in item])
    return out


def _highlighted(lines: list[show.Line], formatter: object) -> list[str]:
    """Each line's HTML: highlighted, with a <wbr> where an editor may wrap it (shared.show.
    breaks), and its indentation and first run of code kept on the line number's row."""
    out = []
    for tokens in show.token_lines([x.text for x in lines]):
        places = sorted(show.breaks(tokens, 80))
        pieces, start = [], 0
        text = "".join(value for _, value in tokens)
        for at in [*places, len(text)]:
            pieces.append(show.formatted(_slice(tokens, start, at), formatter).rstrip("\n"))
            start = at
        first = f'<span class="first">{pieces[0]}</span>' if pieces and pieces[0] else ""
        out.append("<wbr>".join([first, *pieces[1:]]))
    return out


def _slice(tokens: list[tuple], first: int, last: int) -> list[tuple]:
    piece, offset = [], 0
    for token, value in tokens:
        a, b = max(first, offset), min(last, offset + len(value))
        if a < b:
            piece.append((token, value[a - offset : b - offset]))
        offset += len(value)
    return piece


def _cell(
    i: int, line: show.Line | None, highlighted: list[str], anchor: str, wide: str = ""
) -> str:
    if line is None:
        return f'<div class="cell pad f{i}"></div>'
    reused = Path(line.origin).stem
    kind = f"cell{' reused' if reused else ''}{wide}"
    if line.number == 0:  # a blank or label line of shared.views.reuse's
        label = ""
        if line.text:
            first = line.text.split("lines ")[-1].split("-")[0]
            label = (
                f'<a class="label" href="{reused}.html#{anchor}-L{first}">'
                f"{html.escape(line.text.strip('# ─'))}</a>"
            )
        return (
            f'<div class="{kind} f{i}" data-i="{line.index}">'
            f"{label or '<span class=pad></span>'}</div>"
        )
    ident = f"{anchor}-{reused}-L{line.number}" if reused else f"{anchor}-L{line.number}"
    indent = len(line.text) - len(line.text.lstrip(" "))
    tagged = " tagged" if show.TAG.search(line.text) else ""
    return (
        f'<div class="{kind} f{i}" data-i="{line.index}"><span class="line{tagged}" '
        f'id="{ident}" style="--i: {indent}"><a class="ln" href="#{ident}">{line.number}</a>'
        f"{highlighted[line.index]}</span></div>"
    )


PICKER = """
(() => {
  const grid = document.querySelector('.code[data-frameworks]');
  const form = document.querySelector('form.views');
  if (!grid || !form) return;
  const all = grid.dataset.frameworks.split(',');
  const layouts = JSON.parse(document.querySelector('script.layouts').textContent);
  const cells = all.map((_, f) => {
    const found = {};
    for (const c of grid.querySelectorAll(`.cell.f${f}[data-i]`)) found[c.dataset.i] ??= c;
    return found;
  });
  const heads = all.map((_, f) => grid.querySelector(`.head.f${f}`));
  const original = grid.innerHTML;
  const boxes = [...form.querySelectorAll('input[type=checkbox]')];
  function chosen() {
    const asked = (new URLSearchParams(location.search).get('frameworks') || '').split(',');
    const picked = all.filter(name => asked.includes(name));
    return picked.length >= 2 ? picked : all;
  }
  function show(picked) {
    for (const box of boxes) box.checked = picked.includes(box.value);
    const key = picked.join(',');
    if (!(key in layouts)) {  // all of them: the page as written
      grid.innerHTML = original; grid.style.setProperty('--n', all.length); return;
    }
    const index = picked.map(name => all.indexOf(name));
    const parts = index.map(f => heads[f].cloneNode(true));
    for (const item of layouts[key]) {
      if (item.length === 2 && Array.isArray(item[1])) {
        const only = document.createElement('div');
        only.className = `only f${item[0]}`;
        only.textContent = 'only in ' + heads[item[0]].textContent;
        parts.push(only);
        for (const i of item[1]) parts.push(cells[item[0]][i].cloneNode(true));
        for (const p of parts.slice(-item[1].length)) p.classList.add('wide');
        continue;
      }
      item.forEach((i, k) => {
        if (i >= 0) { parts.push(cells[index[k]][i].cloneNode(true)); return; }
        const pad = document.createElement('div'); pad.className = `cell pad f${index[k]}`;
        parts.push(pad);
      });
    }
    grid.replaceChildren(...parts);
    grid.style.setProperty('--n', picked.length);
  }
  function links(picked) {
    const query = picked.length < all.length ? '?frameworks=' + picked.join(',') : '';
    for (const a of document.querySelectorAll('a[href$=".html"], a[href*=".html#"]')) {
      const [page, hash] = a.getAttribute('href').split('#');
      a.setAttribute('href', page.split('?')[0] + query + (hash ? '#' + hash : ''));
    }
  }
  form.hidden = false;
  form.addEventListener('change', () => {
    let picked = boxes.filter(box => box.checked).map(box => box.value);
    if (picked.length < 2) { picked = chosen(); }
    const url = new URL(location.href);
    if (picked.length < all.length) url.searchParams.set('frameworks', picked.join(','));
    else url.searchParams.delete('frameworks');
    history.replaceState(null, '', url);
    show(picked); links(picked);
  });
  const picked = chosen(); show(picked); links(picked);
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
})();
"""


def _views(names: list[str]) -> str:
    """Check boxes for the frameworks to show, 2 to 4 (the script PICKER applies them and keeps
    them in the address: `?frameworks=numpy,torch`); hidden without the script, which shows
    every file."""
    if len(names) < 3:
        return ""
    short = [name.split("_impl/")[0] for name in names]
    boxes = "".join(
        f'<label><input type="checkbox" name="frameworks" value="{html.escape(name)}" checked>'
        f" {html.escape(name)}</label>"
        for name in short
    )
    return (
        f'<form class="views" hidden>Show (2 to {len(names)}, kept in the address): {boxes}</form>'
    )


def _value(value: np.ndarray, width: int = 60) -> str:
    if value.ndim == 0:
        return repr(value.item())
    return np.array2string(value, precision=10, threshold=12, separator=", ", max_line_width=width)


Run = Callable[[str, str, str], dict[str, np.ndarray]]  # (network, case, framework) -> quantities


def _network_results(network: str, labels: dict[str, str], run: Run) -> dict:
    """Every case's quantities in every framework, the comparison rows and loss curves."""
    results = {"cases": {}, "rows": [], "curves": {}, "every": {}}
    for case in specs.cases(network):
        spec = specs.get_spec(network, case)
        got = {label: run(network, case, fw) for fw, label in labels.items()}
        reference, bound = got["numpy"], harness.tolerance(spec, "float64")
        for label in labels.values():
            if label != "numpy":
                results["rows"] += compare.compare_rows(
                    network, case, label, got[label], reference, bound
                )
        results["cases"][case] = got
        if "loss_history" in reference:
            results["curves"][f"{network}/{case}"] = {
                label: q["loss_history"] for label, q in got.items()
            }
            results["every"][f"{network}/{case}"] = spec.loss_every
    return results


def _quantities_table(results: dict, labels: list[str]) -> str:
    rows: dict[tuple[str, str], list[compare.Row]] = {}
    for r in results["rows"]:
        rows.setdefault((r.case, r.quantity), []).append(r)
    heads = ["case", "quantity", *labels, "max |diff| from numpy", "tolerance", ""]
    share = 55 // len(labels)
    widths = [12, 14, *([share] * len(labels)), 9, 7, 3]
    columns = "".join(f'<col style="width: {w}%">' for w in widths)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = []
    for case, got in results["cases"].items():
        for quantity in got["numpy"]:
            compared = rows.get((case, quantity), [])
            worst = max((r.max_abs_diff for r in compared), default=0.0)
            ok = all(r.ok for r in compared)
            bound = compared[0].tolerance if compared else 0.0
            verdict = '<span class="ok">ok</span>' if ok else '<span class="fail">FAIL</span>'
            cells = [
                html.escape(case),
                html.escape(quantity),
                *(html.escape(_value(got[label][quantity], 40)) for label in labels),
                f"{worst:.2e}",
                f"{bound:.0e}",
                verdict,
            ]
            body.append(
                "<tr>"
                + "".join(
                    f"<td{' class=value' if 2 <= k < 2 + len(labels) else ''} "
                    f'data-label="{html.escape(heads[k] or "verdict")}">{cell}</td>'
                    for k, cell in enumerate(cells)
                )
                + "</tr>"
            )
    return (
        f'<table class="quantities wide"><colgroup>{columns}</colgroup><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )


def _differences(texts: dict[str, str], names: dict[str, str]) -> str:
    """Each tagged comment whole, linked to its line."""
    shared = frozenset.intersection(
        *(
            frozenset(k for k in map(show.anchor_key, text.splitlines()) if k)
            for text in texts.values()
        )
    )
    items = [
        f'<li><a href="#{framework}-L{tag.number}">{html.escape(names[framework])}:{tag.number}'
        f"</a> [{framework}] {html.escape(tag.text)}</li>"
        for framework, text in texts.items()
        if framework != "numpy"
        for tag in show.tags(text, framework, shared)
    ]
    if not items:
        return "<p>No tagged differences.</p>"
    return f'<ul class="differences">{"".join(items)}</ul>'


def _erratum_blocks(entries: list[errata.Erratum], with_network: bool = False) -> str:
    blocks = []
    for entry in entries:
        fields = "".join(
            f"<dt>{html.escape(label)}</dt><dd>{html.escape(getattr(entry, name))}</dd>"
            for name, label in errata.FIELDS.items()
        )
        where = (
            f' (<a href="{entry.network}.html">{html.escape(entry.network)}</a>)'
            if with_network
            else ""
        )
        blocks.append(
            f'<h3 id="{html.escape(entry.key)}">{html.escape(entry.key)}{where}</h3>'
            f'<dl class="erratum">{fields}</dl>'
        )
    return "".join(blocks)


def _errata(network: str) -> str:
    entries = errata.by_network(network)
    if not entries:
        return '<p>No errata for this network (<a href="errata.html">all errata</a>).</p>'
    return _erratum_blocks(entries)


def _spec(network: str, code_style_formatter: object) -> str:
    """The network's spec beside its code: per case the data, starting weights, lr, epochs,
    loss and update rule, and the spec's source."""
    rows = []
    for case in specs.cases(network):
        spec = specs.get_spec(network, case)
        start = "; ".join(
            f"{name} = {_value(np.asarray(getattr(spec, name)), 80)}" for name in spec.PARAM_NAMES
        )
        fields = {
            "case": case,
            "data": _data(spec),
            "starting weights": start,
            "lr": f"{spec.lr:g}",
            "epochs": str(spec.epochs),
            "loss": spec.loss or "none (forward pass only)",
            "update": spec.update_rule or "none",
        }
        rows.append(
            "<tr>"
            + "".join(
                f'<td data-label="{k}"{" class=value" if k == "starting weights" else ""}>'
                f"{html.escape(v)}</td>"
                for k, v in fields.items()
            )
            + "</tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("case", "data", "starting weights", "lr", "epochs", "loss", "update")
    )
    columns = "".join(f'<col style="width: {w}%">' for w in (11, 18, 29, 4, 6, 15, 17))
    path, source = _spec_source(network)
    from pygments import highlight
    from pygments.lexers import PythonLexer

    code = highlight(source, PythonLexer(), code_style_formatter)
    return (
        f'<section class="spec"><table class="wide"><colgroup>{columns}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<details><summary>The spec's code: {html.escape(path)}</summary>"
        f'<pre class="highlight">{code}</pre></details></section>'
    )


def _data(spec: object) -> str:
    X, y = np.asarray(spec.X), np.asarray(spec.y)
    if X.size == 0:
        return "none"
    if X.size <= 16:
        text = f"X = {_value(X, 60)}"
        return text + (f", y = {_value(y, 60)}" if y.size else "")
    test = len(getattr(spec, "y_test", ()))
    return f"X {X.shape[0]} x {X.shape[1]} (training rows), y {y.shape}" + (
        f"; {test} test rows" if test else ""
    )


def _spec_source(network: str) -> tuple[str, str]:
    """(path, text) of the network's spec: shared/specs/<network>.py, or its builder in a
    single shared/specs.py."""
    import inspect

    root = Path(specs.__file__).parent
    own = root / f"{network}.py"
    if root.name == "specs" and own.exists():
        return f"shared/specs/{network}.py", own.read_text()
    builder = getattr(specs, network)
    lines, first = inspect.getsourcelines(builder)
    return f"shared/specs.py, line {first}", "".join(lines)


def _status(rows: list[compare.Row]) -> tuple[str, str]:
    """The cross-check in a few words: (plain text, HTML)."""
    if not rows:
        return "NumPy only: nothing to compare", "NumPy only: nothing to compare"
    failed = [r for r in rows if not r.ok]
    if failed:
        text = f"{len(failed)} of {len(rows)} comparisons differ"
        return text, f'<span class="fail">{text}</span>'
    worst = max(rows, key=lambda r: r.max_abs_diff / r.tolerance)
    detail = f" (worst {worst.max_abs_diff:.1e}, tolerance {worst.tolerance:.0e})"
    return (
        "all frameworks agree" + detail,
        '<span class="ok">all frameworks agree</span>' + detail,
    )


def _nav(previous: str | None, following: str | None) -> str:
    links = ['<a href="index.html">All networks</a>']
    if previous:
        links.append(f'<a href="{previous}.html" rel="prev">← {html.escape(previous)}</a>')
    if following:
        links.append(f'<a href="{following}.html" rel="next">{html.escape(following)} →</a>')
    links += [
        '<a href="errata.html">Errata</a>',
        '<a href="glossary.html">Glossary</a>',
        '<a href="defaults.html">Defaults</a>',
    ]
    return f'<nav class="pages">{"".join(links)}</nav>'


GLOSSARY = Path(__file__).with_name("glossary.md")


def _glossary() -> str:
    from markdown_it import MarkdownIt

    rendered = (
        MarkdownIt("commonmark", {"html": False}).enable("table").render(GLOSSARY.read_text())
    )
    return rendered.replace("<table>", '<table class="wide">')


def build(
    out: Path,
    progress: Callable[[str], None],
    run: Run = harness.run_quantities,
    default_effects: Callable[[], dict[str, float] | None] = defaults.measure_all,
) -> dict[str, str]:
    """Write the site into `out` (new, empty, or written by an earlier build: see
    shared.runtime.outputs.SiteDirectory); returns each network's status line (plain text). `run`
    gives a network's quantities in a framework, `default_effects` the measured effects of
    `rosetta defaults` (the tests pass their cached runs and effects)."""
    from pygments.formatters import HtmlFormatter

    directory = outputs.SiteDirectory(out)  # OutputError before any work if out is not ours
    directory.file("style.css").write_text(STYLE + token_style())
    available = [f for f in frameworks.FRAMEWORKS if frameworks.version(f) is not None]
    labels = {
        f: compare.keras_label(frameworks.current_keras_backend()) if f == "keras" else f
        for f in available
    }
    networks = reading_order()
    index_rows, statuses = [], {}
    for number, network in enumerate(networks, 1):
        entry = specs.NETWORKS[network]
        progress(f"[{number}/{len(networks)}] {network}")
        results = _network_results(network, labels, run)
        paths = {f: show.source_path(f, network) for f in available}
        texts = {f: path.read_text() for f, path in paths.items()}
        sources = [reuse.source_lines(f, network) for f in available]
        names = {f: f"{path.parent.name}/{path.name}" for f, path in paths.items()}
        if results["curves"]:
            png = directory.file(f"{network}.png")
            plots.loss_curves(results["curves"], results["every"], png)
            curve = (
                f'<img class="loss" src="{network}.png" alt="training loss of {network} per '
                'epoch, one line per framework">'
            )
        else:
            curve = f"<p>No loss curve: {network} is not trained (one step or one pass).</p>"
        statuses[network], status = _status(results["rows"])
        nav = _nav(
            networks[number - 2] if number > 1 else None,
            networks[number] if number < len(networks) else None,
        )
        body = (
            f"{nav}<h1>{html.escape(network)}</h1>"
            f"<p>{html.escape(entry.description)}. Cross-check: {status}.</p>"
            f"{_spec(network, HtmlFormatter(nowrap=True))}"
            f"{_views(list(names.values()))}"
            f"{code_panels(sources, list(names.values()), list(texts))}"
            f"<h2>Framework differences</h2>{_differences(texts, names)}"
            f"<h2>Quantities</h2>{_quantities_table(results, list(labels.values()))}"
            f"<h2>Loss curves</h2>{curve}"
            f"<h2>Errata</h2>{_errata(network)}{nav}"
        )
        page = _page(f"{network}: nn-rosetta", body + f"<script>{PICKER}</script>")
        directory.file(f"{network}.html").write_text(page)
        index_rows.append(
            f'<tr><td data-label="network">{number}. <a href="{network}.html">'
            f"{html.escape(network)}</a></td>"
            f'<td data-label="what it teaches">{html.escape(entry.description)}</td>'
            f'<td data-label="cases">{html.escape(", ".join(entry.cases))}</td>'
            f'<td data-label="cross-check">{status}</td></tr>'
        )
    top = _nav(None, None)
    body = (
        f"{top}<h1>nn-rosetta</h1><p>The beginner tutorials' neural networks in "
        f"{html.escape(', '.join(labels.values()))}, side by side, each quantity compared with "
        "NumPy in float64. Read them in this order, the tutorials': each builds on the one "
        "before.</p>"
        '<table class="wide"><colgroup><col style="width: 16%"><col style="width: 40%">'
        '<col style="width: 14%"><col style="width: 30%"></colgroup>'
        "<thead><tr><th>network</th><th>what it teaches</th><th>cases</th>"
        f"<th>cross-check</th></tr></thead><tbody>{''.join(index_rows)}</tbody></table>"
        '<p><a href="defaults.html">The same name, different math</a>: where PyTorch\'s and '
        "Keras' defaults differ, each difference measured.</p>"
    )
    directory.file("index.html").write_text(_page("nn-rosetta", body))
    errata_body = (
        f"{top}<h1>Errata: where the tutorials are wrong</h1><p>Each entry is recomputed by "
        f"the test named under Proof, in every framework where one applies.</p>"
        f"{_erratum_blocks(list(errata.ERRATA), with_network=True)}"
    )
    directory.file("errata.html").write_text(_page("Errata: nn-rosetta", errata_body))
    glossary = _page("Glossary: nn-rosetta", f"{top}{_glossary()}")
    directory.file("glossary.html").write_text(glossary)
    progress("defaults: PyTorch's and Keras' defaults, measured")
    same = f"{top}{defaults.to_html(default_effects())}"
    directory.file("defaults.html").write_text(_page("Defaults: nn-rosetta", same))
    return statuses
