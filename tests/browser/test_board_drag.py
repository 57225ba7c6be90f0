"""Moving cards with a real mouse in a real Chromium."""

from __future__ import annotations

from tests.browser.conftest import card, column_titles, db_order, drag_to


def test_card_dragged_below_another_card_in_another_column_is_saved(board_page, sales):
    page = board_page
    new, contacted, _ = sales.stages

    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")

    page.wait_for_function(
        "() => !document.querySelector('.card.is-saving')"
    )
    assert column_titles(page, "Contacted") == ["Delta", "Bravo", "Echo"]
    assert db_order(contacted.id) == ["Delta", "Bravo", "Echo"]
    assert db_order(new.id) == ["Alpha", "Charlie"]
    page.reload()
    assert column_titles(page, "Contacted") == ["Delta", "Bravo", "Echo"]
    assert page.locator(".column", has_text="Contacted").locator(".count").inner_text() == "3"


def test_card_dragged_above_another_in_its_own_column_is_saved(board_page, sales):
    page = board_page
    new = sales.stages[0]

    drag_to(page, card(page, "Charlie"), card(page, "Alpha"), "above")

    page.wait_for_function("() => !document.querySelector('.card.is-saving')")
    assert column_titles(page, "New") == ["Charlie", "Alpha", "Bravo"]
    assert db_order(new.id) == ["Charlie", "Alpha", "Bravo"]
