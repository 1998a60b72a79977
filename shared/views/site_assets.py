"""What every page of `rosetta site` shares: its style sheet (token colours in a light
theme that prints and a dark one for screens that prefer it) and the column picker's script.

The script only rearranges what the page holds: without it, every file is shown.
"""

from __future__ import annotations

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
.ok { color: #137333; } .fail { color: #b3261e; font-weight: bold; } .unknown { color: #8a5a00; }
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
.code .wide.spacer { display: none; }
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


def token_style() -> str:
    """The code's colours by Pygments token class: a light theme (which prints) and, on a
    screen that prefers it, a dark one."""
    from pygments.formatters import HtmlFormatter

    scopes = [".code", ".highlight"]
    light = "\n".join(HtmlFormatter(style="default").get_token_style_defs(scopes))
    dark = "\n".join(HtmlFormatter(style="github-dark").get_token_style_defs(scopes))
    return f"{light}\n@media screen and (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


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
      if (Array.isArray(item[1])) {  // [file, [lines], title]: a block across the columns
        const only = document.createElement('div');
        only.className = `only f${item[0]}`;
        only.textContent = item[2];
        parts.push(only);
        for (const i of item[1]) parts.push(cells[item[0]][i].cloneNode(true));
        for (const p of parts.slice(-item[1].length)) p.classList.add('wide');
        continue;
      }
      item.forEach((i, k) => {
        if (i >= 0) {
          const cell = cells[index[k]][i].cloneNode(true);
          cell.classList.remove('wide', 'spacer');
          parts.push(cell);
          return;
        }
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
