"""Words, amounts and addresses a long list works out once per page read exactly as the
template helpers write them one at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale, gettext

from kanban.links import url_template, with_query
from kanban.templating import money, money_writer
from kanban.web.agenda_rows import Words

RETURNS = ["/agenda", "/agenda?owner_id=all&sort=next_action#lead-12", "/crm/agenda?q=café ü+"]


@pytest.mark.parametrize("return_to", RETURNS)
def test_an_address_with_arguments_reads_as_url_for_writes_it(app, return_to):
    with app.test_request_context("/", environ_base={"SCRIPT_NAME": "/crm"}):
        show = url_template("web.show_lead", "lead_id")
        assert with_query(show(42), return_to=return_to) == url_for(
            "web.show_lead", lead_id=42, return_to=return_to)


@pytest.mark.parametrize("locale", ["en", "pt_PT", "it_IT", "es_ES", "ru_RU"])
def test_a_rows_words_read_as_the_templates_words(app, locale):
    words = Words()
    with app.test_request_context("/"), force_locale(locale):
        for message, values in [("Untouched for %(days)d days", {"days": 3}),
                                ("Overdue since %(date)s", {"date": "<3 dic>"}),
                                ("To do today", {})]:
            template = "{{ _(message, **values) }}"
            assert str(words(message, **values)) == render_template_string(
                template, message=message, values=values)


@pytest.mark.parametrize("locale", ["en", "pt_PT", "it_IT", "es_ES", "ru_RU"])
def test_a_pages_amounts_read_as_money_writes_them(app, locale):
    amounts = [(Decimal("1500.50"), "EUR"), (Decimal("0"), "USD"), (Decimal("-20"), "EUR"),
               (12, None), (None, "EUR"), (Decimal("1234567.891"), "JPY")]
    with app.test_request_context("/"), force_locale(locale):
        write = money_writer()
        assert [write(value, code) for value, code in amounts] == [
            money(value, code) for value, code in amounts]


def test_a_request_speaking_another_language_for_a_while_comes_back_to_its_own(app):
    with app.test_request_context("/"), force_locale("en"):
        assert gettext("Starred") == "Starred"
        with force_locale("pt_PT"):
            portuguese = gettext("Starred")
        assert portuguese != "Starred"
        assert gettext("Starred") == "Starred"
        with force_locale("pt_PT"):
            assert gettext("Starred") == portuguese
