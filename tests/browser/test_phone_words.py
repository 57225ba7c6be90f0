"""At 375 px, in every language, the words people choose from show whole: the top bar's
search box and the agenda's choices (Spanish "Buscar" showed as "Bus", and the order's
«По приоритету, затем по дате» was cut in its box)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kanban.config import DefaultConfig
from tests.factories import UserFactory
from tests.live import log_in

PHONE = {"width": 375, "height": 740}

# The width the placeholder's words take, and the room inside the box for them.
PLACEHOLDER_FITS = """(input) => {
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [context.measureText(input.placeholder).width, room];
}"""
# The width a choice box takes when sized to its longest choice, and the width it has.
CHOICES_FIT = """(select) => {
  const copy = select.cloneNode(true);
  copy.removeAttribute('id');
  copy.style.cssText = 'width: auto; max-width: none; position: absolute; left: 0; top: 0';
  document.body.append(copy);
  const needed = copy.getBoundingClientRect().width;
  copy.remove();
  return [needed, select.getBoundingClientRect().width];
}"""


@pytest.fixture(params=DefaultConfig.LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture
def name() -> str:
    return "Maria Fernanda Albuquerque"  # cut short in the top bar


@pytest.fixture
def person(app, language, name):
    return UserFactory(name=name, email="maria@example.com", locale=language)


@pytest.mark.parametrize("name", ["Admin", "Maria Fernanda Albuquerque"])
def test_the_search_box_on_the_brands_row_shows_its_whole_word(page, person):
    page.set_viewport_size(PHONE)
    log_in(page, person.email)

    words, room = page.locator("#top-q").evaluate(PLACEHOLDER_FITS)

    assert words <= room, page.locator("#top-q").get_attribute("placeholder")
    brand = page.locator(".topnav .brand").bounding_box()
    assert page.locator("#top-q").bounding_box()["y"] < brand["y"] + brand["height"]
    expect(page.locator(".topnav form.inline button")).to_be_in_viewport(ratio=1)  # Log out
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_agendas_choices_show_their_whole_words(page, person):
    page.set_viewport_size(PHONE)
    log_in(page, person.email)

    for choice in page.locator(".agenda-filters select").all():
        needed, width = choice.evaluate(CHOICES_FIT)
        assert needed <= width + 0.5, choice.get_attribute("id")
