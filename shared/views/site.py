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
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1800px;
       padding: 0.5rem 0.75rem; color: #1d1d1f; line-height: 1.45; }
a { color: #0b57d0; }
h1 { font-size: 1.6rem; margin: 0.4rem 0; } h2 { font-size: 1.25rem; margin-top: 1.6rem; }
nav.pages { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; font-size: 0.95rem; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
table.wide { width: 100%; table-layout: fixed; }
td.value { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.8rem;
           white-space: pre-wrap; }
.ok { color: #137333; } .fail { color: #b3261e; font-weight: bold; }
.spec { border: 1px solid #ddd; border-radius: 6px; padding: 0.2rem 0.6rem;
        background: #f7f9fc; margin: 0.5rem 0; font-size: 0.85rem; }
.spec th, .spec td { padding: 0.15rem 0.4rem; }
th { overflow-wrap: normal; }
.spec summary { cursor: pointer; font-weight: 600; }
.spec pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
.views { margin: 0.5rem 0 0.3rem; font-size: 0.9rem; }
.views label { margin-right: 0.9rem; }
.code { display: grid; column-gap: 0.6rem; font-family: ui-monospace, "DejaVu Sans Mono",
        monospace; font-size: 12px; line-height: 1.4; }
.code.n3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
.code.n2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.code.n1 { grid-template-columns: minmax(0, 1fr); }
.code .head { font-weight: bold; padding: 0.3rem 0.5rem; background: #eef1f5;
              border-radius: 6px 6px 0 0; overflow-wrap: anywhere; }
.code .cell { background: #fafafa; min-width: 0; }
.code .line { display: block; white-space: pre-wrap; overflow-wrap: anywhere;
              padding-left: calc(3.2em + (var(--i, 0) + 4) * 1ch);
              text-indent: calc(-3.2em - (var(--i, 0) + 4) * 1ch); }
.code .line:target { background: #fff3b0; }
.code .reused { background: #f1f6ee; }
.code .label { display: block; padding: 0.5rem 0.5rem 0.1rem; font-family: system-ui,
               sans-serif; font-size: 0.8rem; overflow-wrap: anywhere; }
.ln { display: inline-block; width: 2.6em; padding-right: 0.6em; text-align: right;
      text-indent: 0; color: #999; text-decoration: none; user-select: none; }
.pad::before { content: "\\a0"; }
ul.differences li, dd, dt, p, h1, h2, h3 { overflow-wrap: anywhere; }
ul.differences li { margin: 0.2rem 0; }
img.loss { max-width: 100%; height: auto; border: 1px solid #ddd; }
dl.erratum { max-width: 110ch; } dl.erratum dt { font-weight: 600; margin-top: 0.3rem; }
body:has(#view-01:checked) .code.n3, body:has(#view-02:checked) .code.n3,
body:has(#view-12:checked) .code.n3 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
body:has(#view-01:checked) .code .f2, body:has(#view-01:checked) .code .gap-01,
body:has(#view-02:checked) .code .f1, body:has(#view-02:checked) .code .gap-02,
body:has(#view-12:checked) .code .f0, body:has(#view-12:checked) .code .gap-12
{ display: none; }
@media (max-width: 760px) {
  .code.n3, .code.n2 { display: flex; flex-direction: column; }
  .code .f1 { order: 1; } .code .f2 { order: 2; } .code .pad { display: none; }
  .code .head { margin-top: 0.8rem; }
  table.wide, table.wide tbody, table.wide tr, table.wide td { display: block; width: auto; }
  table.wide thead { display: none; }
  table.wide tr { border-bottom: 2px solid #ccc; padding: 0.3rem 0; }
  table.wide td { border: none; padding: 0.1rem 0.3rem; }
  table.wide td::before { content: attr(data-label) ": "; font-weight: 600;
                          font-family: system-ui, sans-serif; }
}
"""

NARROW = 760  # px: below this the files follow one another (STYLE's media query)


def _page(title: str, body: str, code_style: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="stylesheet" href="style.css"><style>{code_style}</style></head>'
        f"<body>{body}</body></html>\n"
    )


def code_panels(sources: list[str | show.Source], names: list[str], anchors: list[str]) -> str:
    """The files as one grid of aligned, highlighted rows; line k of file i has id
    `{anchors[i]}-Lk`, a line it reuses from network N's file `{anchors[i]}-N-Lk`."""
    from pygments.formatters import HtmlFormatter

    formatter = HtmlFormatter(nowrap=True)
    files = [show.lines_of(s) if isinstance(s, str) else list(s) for s in sources]
    lines = [
        [show.formatted(tokens, formatter) for tokens in show.token_lines([x.text for x in f])]
        for f in files
    ]
    count = len(files)
    cells = [f'<div class="head f{i}">{html.escape(name)}</div>' for i, name in enumerate(names)]
    for row in show.align(files):
        gaps = "".join(
            f" gap-{a}{b}"
            for a in range(count)
            for b in range(a + 1, count)
            if row[a] is None and row[b] is None
        )
        for i, line in enumerate(row):
            cells.append(_cell(i, line, lines[i], anchors[i], gaps))
    return f'<div class="code n{count}">{"".join(cells)}</div>'


def _cell(i: int, line: show.Line | None, highlighted: list[str], anchor: str, gaps: str) -> str:
    if line is None:
        return f'<div class="cell pad f{i}{gaps}"></div>'
    reused = Path(line.origin).stem
    kind = "cell reused" if reused else "cell"
    if line.number == 0:  # a blank or label line of shared.views.reuse's
        label = ""
        if line.text:
            first = line.text.split("lines ")[-1].split("-")[0]
            label = (
                f'<a class="label" href="{reused}.html#{anchor}-L{first}">'
                f"{html.escape(line.text.strip('# ─'))}</a>"
            )
        return f'<div class="{kind} f{i}{gaps}">{label or "<span class=pad></span>"}</div>'
    ident = f"{anchor}-{reused}-L{line.number}" if reused else f"{anchor}-L{line.number}"
    indent = len(line.text) - len(line.text.lstrip(" "))
    return (
        f'<div class="{kind} f{i}{gaps}"><span class="line" id="{ident}" style="--i: {indent}">'
        f'<a class="ln" href="#{ident}">{line.number}</a>{highlighted[line.index]}</span></div>'
    )


def _views(names: list[str]) -> str:
    """Radio buttons that show all three files or any two (STYLE hides the third)."""
    if len(names) != 3:
        return ""
    short = [name.split("_impl/")[0] for name in names]
    choices = [("all", "all three")] + [
        (f"{a}{b}", f"{short[a]} + {short[b]}") for a in range(3) for b in range(a + 1, 3)
    ]
    buttons = "".join(
        f'<input type="radio" name="view" id="view-{key}"{" checked" if key == "all" else ""}>'
        f'<label for="view-{key}">{html.escape(text)}</label>'
        for key, text in choices
    )
    return f'<div class="views">Show: {buttons}</div>'


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
    share = 58 // len(labels)
    widths = [9, 14, *([share] * len(labels)), 9, 7, 3]
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
    directory.write_text("style.css", STYLE)
    code_style = HtmlFormatter().get_style_defs(".highlight")
    available = [f for f in frameworks.FRAMEWORKS if frameworks.version(f) is not None]
    labels = {
        f: compare.keras_label(frameworks.current_keras_backend()) if f == "keras" else f
        for f in available
    }
    networks = list(specs.NETWORKS)
    index_rows, statuses = [], {}
    for number, (network, entry) in enumerate(specs.NETWORKS.items(), 1):
        progress(f"[{number}/{len(specs.NETWORKS)}] {network}")
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
        page = _page(f"{network}: nn-rosetta", body, code_style)
        directory.write_text(f"{network}.html", page)
        index_rows.append(
            f'<tr><td data-label="network"><a href="{network}.html">{html.escape(network)}</a>'
            f'</td><td data-label="what it teaches">{html.escape(entry.description)}</td>'
            f'<td data-label="cases">{html.escape(", ".join(entry.cases))}</td>'
            f'<td data-label="cross-check">{status}</td></tr>'
        )
    top = _nav(None, None)
    body = (
        f"{top}<h1>nn-rosetta</h1><p>The beginner tutorials' neural networks in "
        f"{html.escape(', '.join(labels.values()))}, side by side, each quantity compared with "
        "NumPy in float64.</p>"
        '<table class="wide"><colgroup><col style="width: 16%"><col style="width: 40%">'
        '<col style="width: 14%"><col style="width: 30%"></colgroup>'
        "<thead><tr><th>network</th><th>what it teaches</th><th>cases</th>"
        f"<th>cross-check</th></tr></thead><tbody>{''.join(index_rows)}</tbody></table>"
        '<p><a href="defaults.html">The same name, different math</a>: where PyTorch\'s and '
        "Keras' defaults differ, each difference measured.</p>"
    )
    directory.write_text("index.html", _page("nn-rosetta", body))
    errata_body = (
        f"{top}<h1>Errata: where the tutorials are wrong</h1><p>Each entry is recomputed by "
        f"the test named under Proof, in every framework where one applies.</p>"
        f"{_erratum_blocks(list(errata.ERRATA), with_network=True)}"
    )
    directory.write_text("errata.html", _page("Errata: nn-rosetta", errata_body))
    glossary = _page("Glossary: nn-rosetta", f"{top}{_glossary()}")
    directory.write_text("glossary.html", glossary)
    progress("defaults: PyTorch's and Keras' defaults, measured")
    same = f"{top}{defaults.to_html(default_effects())}"
    directory.write_text("defaults.html", _page("Defaults: nn-rosetta", same))
    return statuses
