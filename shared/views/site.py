"""`rosetta site --out DIR`: every network's implementations side by side, as a static site.

The site opens from disk (file://): no server, no network access, and one small inline
script per network page (the column picker; without it every file is shown). Every page
is built from the same pieces as the command line: shared.views.show lines the files up,
shared.views.reuse adds the code a file imports from another network, shared.checks.compare measures
the differences, shared.views.plots draws the loss curves and shared.checks.errata says where the
tutorials are wrong. Everything taken from a file or an entry is escaped (Pygments escapes
the code, markdown-it the glossary with raw HTML off, html.escape the rest).

Reading comes first: the code is one grid, a row per aligned line (shared.views.show's
layout: a definition only one file has spans the columns), coloured by token, so that a
long line wraps (at shared.views.lines' breaks, with a hanging indent past its own
indentation) and its neighbours wait for it; nothing is cut and nothing scrolls sideways.
Under 760 px the files follow one another. Check boxes choose 2 to 4 of the frameworks,
kept in the address (`?frameworks=numpy,torch`) and in the links to the other pages; the
page carries the layout of every such choice.
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
from shared.views.lines import breaks, formatted, token_lines
from shared.views.site_assets import PICKER, STYLE, token_style

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
            title = html.escape(_origin(block, names[k]))
            cells.append(f'<div class="only f{k}">only in {title}</div>')
            cells += [  # a spacer line (shared.views.reuse's) is not shown in a block
                _cell(k, line, lines[k], anchors[k], " wide" if line.number or line.text
                      else " wide spacer") for line in block
            ]  # fmt: skip
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
                    [files[k] for k in chosen], chosen, [names[k] for k in chosen]
                )
        encoded = json.dumps(choices, separators=(",", ":")).replace("</", "<\\/")
        layouts = f'<script type="application/json" class="layouts">{encoded}</script>'
    data = html.escape(",".join(anchors))
    return (
        f'<div class="code" style="--n: {count}" data-frameworks="{data}">{"".join(cells)}</div>'
        f"{layouts}"
    )


def _origin(lines: list[show.Line], name: str) -> str:
    """The file a block's lines come from: the file shown, or the one it reuses them from."""
    return next((line.origin for line in lines if line.origin), name)


def _layout_indices(
    files: list[list[show.Line]], chosen: tuple[int, ...], names: list[str]
) -> list:
    """A layout as the script reads it: a row is a list of line indices (-1: a blank cell),
    a block [file, [indices], title] (files by their place among all)."""
    out: list = []
    for item in show.layout(files):
        if show.is_block(item):
            shown = [line.index for line in item[1] if line.number or line.text]
            out.append([chosen[item[0]], shown, f"only in {_origin(item[1], names[item[0]])}"])
        else:
            out.append([line.index if line else -1 for line in item])
    return out


def _highlighted(lines: list[show.Line], formatter: object) -> list[str]:
    """Each line's HTML: highlighted, with a <wbr> where an editor may wrap it (shared.show.
    breaks), and its indentation and first run of code kept on the line number's row."""
    out = []
    for tokens in token_lines([x.text for x in lines]):
        places = sorted(breaks(tokens, 80))
        pieces, start = [], 0
        text = "".join(value for _, value in tokens)
        for at in [*places, len(text)]:
            pieces.append(formatted(_slice(tokens, start, at), formatter).rstrip("\n"))
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
            bound = compared[0].tolerance if compared else 0.0
            verdict = compare.overall(compared)  # agree, differ or cannot tell
            kind = {harness.AGREE: "ok", harness.DIFFER: "fail"}.get(verdict, "unknown")
            verdict = f'<span class="{kind}">{verdict}</span>'
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
    failed = [r for r in rows if r.failed]
    if failed:
        text = f"{len(failed)} of {len(rows)} comparisons differ"
        return text, f'<span class="fail">{text}</span>'
    unknown = [r for r in rows if r.verdict == harness.CANNOT_TELL]
    if unknown:
        text = f"{len(unknown)} of {len(rows)} comparisons cannot tell (a chaotic training)"
        return text, f'<span class="unknown">{text}</span>'
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
    default_jax_effects: Callable[[], defaults.JaxEffects | None] = defaults.measure_all_jax,
) -> dict[str, str]:
    """Write the site into `out` (new, empty, or written by an earlier build: see
    shared.runtime.outputs.SiteDirectory); returns each network's status line (plain text). `run`
    gives a network's quantities in a framework, `default_effects` and `default_jax_effects`
    the measured effects of `rosetta defaults` (the tests pass their cached runs and effects)."""
    from pygments.formatters import HtmlFormatter

    directory = outputs.SiteDirectory(out)  # OutputError before any work if out is not ours
    directory.write_text("style.css", STYLE + token_style())
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
        directory.write_text(f"{network}.html", page)
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
        '<p><a href="defaults.html">The same name, different math</a>: where PyTorch\'s, '
        "Keras' and optax's defaults differ, each difference measured.</p>"
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
    progress("defaults: PyTorch's, Keras' and optax's defaults, measured")
    same = f"{top}{defaults.to_html(default_effects(), default_jax_effects())}"
    directory.write_text("defaults.html", _page("Defaults: nn-rosetta", same))
    return statuses
