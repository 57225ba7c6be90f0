"""Stored keys are put into words when shown: one lead reads in each reader's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from kanban.models import Activity
from kanban.services.clients import duplicate_lead
from kanban.services.leads import close_lead, create_lead
from kanban.services.sources import source_keys_by_name
from kanban.words import entry_kind_name, next_action_name, status_name, timeline_text
from tests.conftest import log_in
from tests.factories import UserFactory


@pytest.fixture
def readers(app):
    english = log_in(app.test_client(), UserFactory(locale="en"))
    portuguese = log_in(app.test_client(), UserFactory(locale="pt"))
    return english, portuguese


def system_lines(lead) -> list[Activity]:
    return [a for a in lead.activities if a.kind == "system"]


def test_a_new_leads_first_line_is_stored_as_an_event_not_as_words(pipeline, member):
    lead = create_lead({"title": "Padaria Ação"}, user=member, stage=pipeline.stages[0])
    [line] = system_lines(lead)
    assert line.body == ""
    assert line.payload["event"] == "created" and line.payload["source"] == "manual"


def test_one_lead_reads_in_each_readers_language(readers, pipeline, member):
    english, portuguese = readers
    lead = create_lead({"title": "Padaria Ação"}, user=member, stage=pipeline.stages[0])
    close_lead(lead, "won", user=member)
    in_english = english.get(f"/leads/{lead.id}").text
    in_portuguese = portuguese.get(f"/leads/{lead.id}").text
    assert "Lead created (Entered by hand)" in in_english
    assert "Closed as Won" in in_english
    assert "Lead criado (Introduzido manualmente)" in in_portuguese
    assert "Fechado como Ganho" in in_portuguese
    assert "Entered by hand" not in in_portuguese


def test_the_api_gives_the_line_in_the_readers_words_beside_the_stored_body(
    readers, pipeline, member
):
    _english, portuguese = readers
    lead = create_lead({"title": "Padaria Ação"}, user=member, stage=pipeline.stages[0])
    [entry] = portuguese.get(f"/api/v1/leads/{lead.id}/activities").json["activities"]
    assert entry["body"] == ""
    assert entry["text"] == "Lead criado (Introduzido manualmente)"


def test_a_renewal_says_where_it_comes_from_in_the_readers_words(readers, pipeline, member):
    english, portuguese = readers
    won = create_lead({"title": "Padaria Ação"}, user=member, stage=pipeline.stages[0])
    close_lead(won, "won", user=member)
    renewal = duplicate_lead(won, purpose="renewal", user=member,
                             standby_until=(date.today() + timedelta(days=30)).isoformat())
    assert f"Duplicated from lead #{won.id} for a renewal." in english.get(
        f"/leads/{renewal.id}").text
    assert f"Duplicado do lead n.º {won.id} para uma renovação." in portuguese.get(
        f"/leads/{renewal.id}").text
    assert f"Novo lead n.º {renewal.id} para uma renovação." in portuguese.get(
        f"/leads/{won.id}").text


def test_a_written_note_is_shown_as_written_in_every_language(app):
    with force_locale("pt"):
        assert timeline_text("note", "Won the deal", {"event": "closed"}) == "Won the deal"
        assert timeline_text("system", "Imported from the fair", {"event": "created"}) \
            == "Imported from the fair"


def test_a_closed_lines_lost_reason_reads_in_the_readers_words(app):
    payload = {"event": "closed", "status": "lost", "lost_reason": "Price"}
    with force_locale("en"):
        assert timeline_text("system", "Price", payload) == "Closed as Lost: Price"
    with force_locale("pt"):
        assert timeline_text("system", "Price", payload).startswith("Fechado como Perdido: ")


def test_keys_read_in_words_and_unknown_keys_as_stored(app):
    with force_locale("pt"):
        assert status_name("won") == "Ganho"
        assert next_action_name("standby") != "standby"
        assert entry_kind_name("call") != "call"
        assert status_name("archived") == "archived"
        assert entry_kind_name("sms") == "sms"
        assert status_name(None) == ""


def test_a_source_named_in_any_language_reads_back_as_its_key(app):
    keys = source_keys_by_name()
    assert keys["entered by hand"] == "manual"
    assert keys["introduzido manualmente"] == "manual"
    assert keys["manual"] == "manual"


def test_a_source_with_a_detail_reads_in_words_and_back(app, register_plugin):
    from kanban import hookimpl
    from kanban.services.sources import read_source, source_name
    from kanban.ui import LeadSource

    class Forms:
        @hookimpl
        def kanban_register_lead_sources(self):
            return [LeadSource("web form", "Web form")]

    register_plugin(Forms())
    assert source_name("web form: Contact") == "Web form: Contact"
    assert source_name("trade fair: Milan") == "trade fair: Milan"
    keys = source_keys_by_name()
    assert read_source("Web form: Contact", keys) == "web form: Contact"
    assert read_source("Entered by hand", keys) == "manual"
    assert read_source("Trade fair", keys) == "Trade fair"
