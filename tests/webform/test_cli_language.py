"""``kanban webform list`` speaks the team's language (``KANBAN_LANGUAGE``), as the forms'
pages do."""

from __future__ import annotations

import pytest

from tests.webform.factories import WebFormFactory


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "it"}


def test_the_list_names_each_form_and_counts_what_it_brought_in_the_teams_language(runner):
    WebFormFactory(name="Contatti", slug="contatti")
    WebFormFactory(name="Fiera", slug="fiera", enabled=False, language="en")
    result = runner.invoke(args=["webform", "list"])
    assert result.exit_code == 0, result.output
    assert ("/f/contatti  Contatti  (attivo, lingua del team)  nuovi lead: 0, aggiunti a "
            "lead: 0, spam: 0") in result.output
    assert "/f/fiera  Fiera  (disattivato, en)" in result.output


def test_with_no_form_the_list_says_who_makes_one_in_the_teams_language(runner):
    result = runner.invoke(args=["webform", "list"])
    assert result.output.strip() == ("Nessun modulo web per ora: un amministratore o un "
                                     "manager ne crea uno in Moduli web.")
