"""Every page an admin opens fits a phone (375 px), a small tablet (700 px) and a laptop
(1024 px) in every language: the page never scrolls sideways, and no word is cut off or
spills out of its button, label or menu entry (at 700 px the top bar was wider than the
screen in every language, up to 1035 px in Russian). Each page is loaded once and looked at
in the three widths, as it opens and with its folded parts open."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from jinja2 import BytecodeCache

from kanban.config import DefaultConfig
from tests.browser.demo_team import PLUGINS, log_in_in_any_language, make_team, pages

pytestmark = pytest.mark.browser

WIDTHS = [(375, 740), (700, 1000), (1024, 768)]
SHEET = "Empresa;Pessoa de contacto;Telefone;Cidade;Observações\n" \
        "Padaria Lisboa;Ana Sousa;+351 912 345 678;Lisboa;Quer orçamento\n"

# What does not fit: the page wider than the window, text cut off by a box that hides what
# overflows it (an ellipsis says that it is cut, and is allowed), words that spill out of a
# button, label or menu entry, and a word of theirs broken between two lines. Looked for on
# the page as it opens, then with what a person opens opened: every folded section, every
# dialog, the lead's composer (closed again afterwards).
MISFITS = """() => {
  const CONTROLS = 'button, .button, input[type=submit], label, summary, legend, th, '
    + 'nav a, .menu-items a, .badge, .tag, .pipeline-switch a, [role=tab]';
  const shown = (el) => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && el.getBoundingClientRect().width > 1;
  // On how many lines a range or an element's text lies.
  const lines = (where) => {
    let range = where;
    if (where instanceof Element) {
      range = document.createRange();
      range.selectNodeContents(where);
    }
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const misfits = () => {
    const found = [];
    const say = (el, what) => {
      const words = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].map((c) => '.' + c).join('');
      found.push(`${what}: ${name} "${words}"`);
    };
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) found.push(`the page is ${root.scrollWidth}px wide`);
    for (const el of document.body.querySelectorAll('*')) {
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      const style = getComputedStyle(el);
      const hides = ['hidden', 'clip'].includes(style.overflowX);
      const control = el.matches(CONTROLS);
      if (!hides && !control) continue;
      if (el.matches('input:not([readonly]), textarea:not([readonly]), select')) continue;
      if (!shown(el) || !(el.innerText || el.value || '').trim()) continue;
      if (hides && style.textOverflow !== 'ellipsis') say(el, 'words cut off');
      else if (control && !['auto', 'scroll'].includes(style.overflowX)) say(el, 'words spill out');
    }
    for (const el of document.body.querySelectorAll(CONTROLS)) {
      if (lines(el) < 2 || !shown(el)) continue;  // on one line, no word is broken
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        for (const word of node.data.matchAll(/[^\\s\\-\\u2010\\u2013\\u2014\\/]+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          if (lines(range) > 1) { say(el, `"${word[0]}" broken in two`); break; }
        }
      }
    }
    return found;
  };
  const closed = misfits();
  const folded = [...document.querySelectorAll('details:not([open]), dialog:not([open])')];
  const composer = document.querySelector('.composer:not(.is-open)');
  if (!folded.length && !composer) return [closed, []];
  for (const el of folded) { if (el.tagName === 'DIALOG') el.show(); else el.open = true; }
  if (composer) composer.classList.add('is-open');
  const opened = misfits();
  for (const el of folded) { if (el.tagName === 'DIALOG') el.close(); else el.open = false; }
  if (composer) composer.classList.remove('is-open');
  return [closed, opened];
}"""


class CompiledOnce(BytecodeCache):
    """The templates compiled for the first language, kept for the next ones."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledOnce()


@pytest.fixture
def plugins() -> list[str]:
    return PLUGINS


@pytest.fixture(params=DefaultConfig.LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture
def team_in(app, language) -> dict:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600  # each page's styles and scripts load once
    app.jinja_env.bytecode_cache = TEMPLATES
    return make_team(app, language)


def uploaded_pages(page) -> dict[str, str]:
    """The pages that follow an upload: the CSV import's and the prospect list's columns."""
    sheet = {"name": "feira.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}
    found = {}
    for name, start in (("csv-import-columns", "/csv/import"),
                        ("prospects-columns", "/prospects/")):
        page.goto(start)
        form = page.locator("form", has=page.locator("input[type=file]"))
        form.locator("input[type=file]").set_input_files(sheet)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert urlsplit(page.url).path.rstrip("/") != start.rstrip("/"), page.url
        found[name] = page.url
    return found


def misfits(page, where: str) -> list[str]:
    """What does not fit in each width, the page as it opens and with its folded parts open."""
    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        closed, opened = page.evaluate(MISFITS)
        problems += [f"{where} {width}px: {misfit}" for misfit in closed]
        problems += [f"{where} {width}px, opened: {misfit}" for misfit in opened
                     if misfit not in closed]
    return problems


def test_every_page_fits_every_width(page, team_in, language):
    log_in_in_any_language(page, team_in["admin"].email)
    problems = []
    for name, url in {**pages(team_in), **uploaded_pages(page)}.items():
        response = page.goto(url)
        where = f"{language} {name}"
        if response.status != 200:
            problems.append(f"{where}: HTTP {response.status}")
            continue
        problems += misfits(page, where)
    assert problems == [], "\n".join(problems)
