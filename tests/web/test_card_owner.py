"""Owner initials on the cards: a round badge, the full name for screen readers and on hover."""

from __future__ import annotations

import pytest

from kanban.templating import initials
from tests.factories import LeadFactory, UserFactory
from tests.web.test_board import column


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ana Silva", "AS"), ("Ana Maria da Silva", "AS"), ("madonna", "M"),
     ("Ольга Петрова", "ОП"), ("  Rita   Seller ", "RS"), ("", ""), ("(Sales) Team", "T")],
)
def test_initials_are_the_first_letters_of_the_first_and_last_names(name, expected):
    assert initials(name) == expected


def test_card_shows_the_owners_initials_with_the_full_name(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], owner=UserFactory(name="Ana Silva"))

    html = column(member_client.get("/board").text, pipeline.stages[0].id)

    assert ('<span class="card-owner" title="Ana Silva">'
            '<span class="owner-initials" aria-hidden="true">AS</span>'
            '<span class="sr-only">Owner: Ana Silva</span></span>') in html


def test_an_unowned_card_shows_no_owner_badge(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], owner=None)
    assert "card-owner" not in column(member_client.get("/board").text, pipeline.stages[0].id)


def test_a_hostile_owner_name_is_escaped(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], owner=UserFactory(name='<b>Eve</b> "Hacker"'))

    html = column(member_client.get("/board").text, pipeline.stages[0].id)

    assert "<b>Eve</b>" not in html
    assert 'title="&lt;b&gt;Eve&lt;/b&gt; &#34;Hacker&#34;"' in html


def test_cards_loaded_later_show_the_owners_initials_too(member_client, pipeline, app):
    app.config["BOARD_PAGE_SIZE"] = 1
    owner = UserFactory(name="Bruno Costa")
    first = LeadFactory(stage=pipeline.stages[0], owner=owner)
    LeadFactory(stage=pipeline.stages[0], owner=owner)

    fragment = member_client.get(
        f"/board/stages/{pipeline.stages[0].id}/cards?after={first.rank}").text

    assert '<span class="owner-initials" aria-hidden="true">BC</span>' in fragment
