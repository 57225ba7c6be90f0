"""Every page in every language, in a real Chromium at 1366 and 375 px: nothing left in
English, no page wider than the phone, no button whose words spill out, and axe-core finds
no violation. A screenshot of each page is kept in tests/artifacts/ for a reviewer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kanban.config import DefaultConfig
from tests.browser.conftest import ARTIFACTS
from tests.browser.demo_team import PLUGINS, log_in_in_any_language, make_team, pages
from tests.live import axe_violations

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code in DefaultConfig.LANGUAGES if code != "en"]
WIDTHS = {"desktop": (1366, 900), "phone": (375, 740)}
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
# Texts of the page and of the attributes people read or hear.
TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (parent && !['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName)) {
      const text = node.textContent.trim();
      if (text) found.push(text);
    }
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) found.push(value);
    }
  }
  return found;
}"""
# Buttons whose words do not fit inside them (a long Russian word cut or spilling out).
SPILLING = """() => [...document.querySelectorAll('button, .button, input[type=submit]')]
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.outerHTML.slice(0, 100))"""

# Open what a person opens: every folded section, every dialog, the lead's composer.
OPEN_EVERYTHING = """() => {
  const folded = [...document.querySelectorAll('details:not([open]), dialog:not([open])')];
  for (const el of folded) { if (el.tagName === 'DIALOG') el.show(); else el.open = true; }
  const composer = document.querySelector('.composer');
  if (composer) composer.classList.add('is-open');
  return folded.length + (composer ? 1 : 0);
}"""

pytestmark = pytest.mark.browser


def english_left(language: str) -> set[str]:
    """The English interface texts that this language translates differently (and that
    are not this language's words for something else: Italian's "Notes" is "Note")."""
    english, translated = set(), set()
    for po in [ROOT / "kanban" / "translations" / language / "LC_MESSAGES" / "messages.po",
               *ROOT.glob(f"plugins/*/translations/{language}/LC_MESSAGES/messages.po")]:
        with po.open("rb") as file:
            for message in read_po(file):
                if not message.id or isinstance(message.id, tuple):
                    continue
                if PLACEHOLDER.search(message.id) or len(message.id) < 3:
                    continue
                if message.string != message.id:  # untranslated too: it shows in English
                    english.add(message.id)
                translated.add(message.string)
    return english - translated


@pytest.fixture
def plugins() -> list[str]:
    return PLUGINS


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture
def team_in(app, language) -> dict:
    return make_team(app, language)


def opened_problems(page, where: str, width: str, english: set[str]) -> list[str]:
    """What is wrong once every folded part of the page is open."""
    problems = []
    left = sorted({text for text in page.evaluate(TEXTS) if text in english})
    if left:
        problems.append(f"{where}: English left: {left}")
    if width == "phone" and page.evaluate("document.documentElement.scrollWidth") > \
            WIDTHS[width][0] + 1:
        problems.append(f"{where}: scrolls sideways")
    if violations := axe_violations(page):
        problems.append(f"{where}: axe: {violations}")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_speaks_the_language_fits_and_passes_axe(page, team_in, language, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    log_in_in_any_language(page, team_in["admin"].email)
    english = english_left(language)
    problems = []
    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in pages(team_in).items():
        response = page.goto(url)
        where = f"{language} {width} {name}"
        if response.status != 200:
            problems.append(f"{where}: HTTP {response.status}")
            continue
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / f"{language}-{name}-{WIDTHS[width][0]}.png"))
        if page.evaluate("document.documentElement.lang") != language:
            problems.append(f"{where}: <html lang> is not {language}")
        left = sorted({text for text in page.evaluate(TEXTS) if text in english})
        if left:
            problems.append(f"{where}: English left: {left}")
        if width == "phone":
            overflow = page.evaluate("document.documentElement.scrollWidth")
            if overflow > WIDTHS[width][0] + 1:
                problems.append(f"{where}: {overflow}px wide, scrolls sideways")
        spilling = page.evaluate(SPILLING)
        if spilling:
            problems.append(f"{where}: words spill out of buttons: {spilling[:3]}")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{where}: axe: {violations}")
        if page.evaluate(OPEN_EVERYTHING):
            problems += opened_problems(page, f"{where} (opened)", width, english)
            page.screenshot(path=str(ARTIFACTS / f"{language}-{name}-{WIDTHS[width][0]}-open.png"),
                            full_page=True)
    (ARTIFACTS / f"problems-{language}-{width}.txt").write_text("\n".join(problems) + "\n")
    assert problems == []
