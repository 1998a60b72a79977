"""`rosetta site --out DIR`: every network's implementations side by side, as a static site.

The site opens from disk (file://): no server, no scripts, no network access. Every page
is built from the same pieces as the command line: shared.show lines the files up,
shared.compare measures the differences, shared.plots draws the loss curves and
shared.errata says where the tutorials are wrong. Everything taken from a file or an
entry is escaped (Pygments escapes the code; html.escape the rest).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import numpy as np

from shared import compare, defaults, errata, frameworks, harness, outputs, plots, show, specs

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1600px; padding: 1rem;
       color: #1d1d1f; line-height: 1.45; }
a { color: #0b57d0; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
td.value { font-family: ui-monospace, monospace; font-size: 0.85rem; white-space: pre; }
.ok { color: #137333; } .fail { color: #b3261e; font-weight: bold; }
.tables { overflow-x: auto; }
.columns { display: grid; grid-template-columns: repeat(var(--panels), minmax(0, 1fr));
           gap: 0.75rem; }
.panel { min-width: 0; border: 1px solid #ddd; border-radius: 6px; background: #fafafa; }
.panel h3 { font-size: 0.9rem; margin: 0; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ddd;
            font-family: ui-monospace, monospace; }
.panel pre { margin: 0; padding: 0.4rem 0; overflow-x: auto; font-size: 0.8rem;
             line-height: 1.35; }
.line { display: block; padding-right: 0.6rem; white-space: pre; min-height: 1.35em; }
.line:target { background: #fff3b0; }
.ln { display: inline-block; width: 3.2em; padding-right: 0.6em; text-align: right;
      color: #999; text-decoration: none; user-select: none; }
img.loss { max-width: 100%; height: auto; border: 1px solid #ddd; }
@media (max-width: 900px) { .columns { grid-template-columns: minmax(0, 1fr); } }
"""


def _page(title: str, body: str, code_style: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="stylesheet" href="style.css"><style>{code_style}</style></head>'
        f"<body>{body}</body></html>\n"
    )


def code_panels(texts: list[str], names: list[str], anchors: list[str]) -> str:
    """The files as aligned, highlighted columns; line k of file i has id `{anchors[i]}-Lk`."""
    from pygments.formatters import HtmlFormatter

    formatter = HtmlFormatter(nowrap=True)
    lines = [show.highlighted(text, formatter) for text in texts]
    columns: list[list[str]] = [[] for _ in texts]
    for row in show.align(texts):
        for i, line in enumerate(row):
            if line is None:
                columns[i].append('<span class="line"> </span>')
                continue
            anchor = f"{anchors[i]}-L{line.number}"
            columns[i].append(
                f'<span class="line" id="{anchor}"><a class="ln" href="#{anchor}">'
                f"{line.number}</a>{lines[i][line.number - 1]}</span>"
            )
    panels = "".join(
        f'<section class="panel"><h3>{html.escape(name)}</h3>'
        f'<pre class="code highlight">{"".join(column)}</pre></section>'
        for name, column in zip(names, columns, strict=True)
    )
    return f'<div class="columns" style="--panels: {len(texts)}">{panels}</div>'


def _value(value: np.ndarray) -> str:
    if value.ndim == 0:
        return repr(value.item())
    return np.array2string(value, precision=10, threshold=12, separator=", ", max_line_width=60)


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
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    body = []
    for case, got in results["cases"].items():
        for quantity in got["numpy"]:
            compared = rows.get((case, quantity), [])
            worst = max((r.max_abs_diff for r in compared), default=0.0)
            ok = all(r.ok for r in compared)
            bound = compared[0].tolerance if compared else 0.0
            cells = "".join(
                f'<td class="value">{html.escape(_value(got[label][quantity]))}</td>'
                for label in labels
            )
            verdict = '<span class="ok">ok</span>' if ok else '<span class="fail">FAIL</span>'
            body.append(
                f"<tr><td>{html.escape(case)}</td><td>{html.escape(quantity)}</td>{cells}"
                f"<td>{worst:.2e}</td><td>{bound:.0e}</td><td>{verdict}</td></tr>"
            )
    return (
        '<div class="tables"><table class="quantities"><thead><tr><th>case</th><th>quantity</th>'
        f"{head}<th>max |diff| from numpy</th><th>tolerance</th><th></th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _differences(texts: dict[str, str], names: dict[str, str]) -> str:
    items = [
        f'<li><a href="#{framework}-L{tag.number}">{html.escape(names[framework])}:{tag.number}'
        f"</a> [{framework}] {html.escape(tag.text)}</li>"
        for framework, text in texts.items()
        if framework != "numpy"
        for tag in show.tags(text, framework)
    ]
    if not items:
        return "<p>No tagged differences.</p>"
    return f'<ul class="differences">{"".join(items)}</ul>'


def _errata(network: str) -> str:
    entries = errata.by_network(network)
    if not entries:
        return "<p>No errata for this network.</p>"
    blocks = []
    for entry in entries:
        fields = "".join(
            f"<dt>{html.escape(label)}</dt><dd>{html.escape(getattr(entry, name))}</dd>"
            for name, label in errata.FIELDS.items()
        )
        blocks.append(f'<h3>{html.escape(entry.key)}</h3><dl class="erratum">{fields}</dl>')
    return "".join(blocks)


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


def build(
    out: Path,
    progress: Callable[[str], None],
    run: Run = harness.run_quantities,
    default_effects: Callable[[], dict[str, float] | None] = defaults.measure_all,
) -> dict[str, str]:
    """Write the site into `out` (new, empty, or written by an earlier build: see
    shared.outputs.SiteDirectory); returns each network's status line (plain text). `run`
    gives a network's quantities in a framework, `default_effects` the measured effects of
    `rosetta defaults` (the tests pass their cached runs and effects)."""
    from pygments.formatters import HtmlFormatter

    directory = outputs.SiteDirectory(out)  # OutputError before any work if out is not ours
    directory.file("style.css").write_text(STYLE)
    code_style = HtmlFormatter().get_style_defs(".highlight")
    available = [f for f in frameworks.FRAMEWORKS if frameworks.version(f) is not None]
    labels = {
        f: compare.keras_label(frameworks.current_keras_backend()) if f == "keras" else f
        for f in available
    }
    index_rows, statuses = [], {}
    for number, (network, entry) in enumerate(specs.NETWORKS.items(), 1):
        progress(f"[{number}/{len(specs.NETWORKS)}] {network}")
        results = _network_results(network, labels, run)
        paths = {f: show.source_path(f, network) for f in available}
        texts = {f: path.read_text() for f, path in paths.items()}
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
        body = (
            f'<p><a href="index.html">All networks</a></p><h1>{html.escape(network)}</h1>'
            f"<p>{html.escape(entry.description)}. Cross-check: {status}.</p>"
            f"{code_panels(list(texts.values()), list(names.values()), list(texts))}"
            f"<h2>Quantities</h2>{_quantities_table(results, list(labels.values()))}"
            f"<h2>Loss curves</h2>{curve}"
            f"<h2>Framework differences</h2>{_differences(texts, names)}"
            f"<h2>Errata</h2>{_errata(network)}"
        )
        page = _page(f"{network}: nn-rosetta", body, code_style)
        directory.file(f"{network}.html").write_text(page)
        index_rows.append(
            f'<tr><td><a href="{network}.html">{html.escape(network)}</a></td>'
            f"<td>{html.escape(entry.description)}</td>"
            f"<td>{html.escape(', '.join(entry.cases))}</td><td>{status}</td></tr>"
        )
    body = (
        "<h1>nn-rosetta</h1><p>The beginner tutorials' neural networks in "
        f"{html.escape(', '.join(labels.values()))}, side by side, each quantity compared with "
        "NumPy in float64.</p>"
        "<table><thead><tr><th>network</th><th>what it teaches</th><th>cases</th>"
        f"<th>cross-check</th></tr></thead><tbody>{''.join(index_rows)}</tbody></table>"
        '<p><a href="defaults.html">The same name, different math</a>: where PyTorch\'s and '
        "Keras' defaults differ, each difference measured.</p>"
    )
    directory.file("index.html").write_text(_page("nn-rosetta", body))
    progress("defaults: PyTorch's and Keras' defaults, measured")
    same = f'<p><a href="index.html">All networks</a></p>{defaults.to_html(default_effects())}'
    directory.file("defaults.html").write_text(_page("Defaults: nn-rosetta", same))
    return statuses
