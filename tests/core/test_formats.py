"""Dates, times and money in the reader's locale, one style per kind of date on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from kanban.templating import day, file_size, moment
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory

LATER = date(2099, 12, 3)


def test_a_card_and_the_lead_page_write_one_day_alike(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, title="Padaria",
                       next_action_kind="standby", next_action_date=LATER)
    assert "Standby until Dec 3, 2099" in member_client.get("/board").text
    assert "Standby until Dec 3, 2099" in member_client.get(f"/leads/{lead.id}").text
    assert "12/3/99" not in member_client.get("/board").text


def test_a_day_follows_the_readers_country(app):
    with force_locale("pt_PT"):
        assert day(LATER) == "3/12/2099"
    with force_locale("ru_RU"):
        assert day(LATER) == "3 дек. 2099\u202fг."
    with force_locale("en"):
        assert day(LATER) == "Dec 3, 2099"


def test_a_pickers_day_carries_its_weekday_in_the_readers_order(app):
    with force_locale("en"):
        assert day(LATER, "weekday") == "Thu, Dec 3"
    with force_locale("es_ES"):
        assert day(LATER, "weekday") == "jue, 3 dic"


def test_a_moment_is_the_day_and_a_time_without_seconds(app):
    at = datetime(2099, 12, 3, 14, 5, 9, tzinfo=UTC)
    with force_locale("en"):
        assert moment(at) == "Dec 3, 2099, 2:05\u202fPM"
    with force_locale("it_IT"):
        assert moment(at) == "3 dic 2099, 14:05"


def test_money_follows_the_readers_country(app, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Padaria", value=1500.5)
    russian = log_in(app.test_client(), UserFactory(locale="ru"))
    assert "1\xa0500,50\xa0€" in russian.get("/board").text


def test_a_file_size_is_written_in_the_readers_units(app):
    with force_locale("en"):
        assert [file_size(n) for n in (512, 1_200, 12_400_000)] == ["512 byte", "1.2 kB",
                                                                     "12.4 MB"]
    with force_locale("ru"):
        assert [file_size(n) for n in (512, 1_200, 12_400_000)] == ["512 Б", "1,2 кБ",
                                                                     "12,4 МБ"]


def test_an_empty_file_has_a_size_of_nothing(app):
    with force_locale("pt"):
        assert file_size(0) == "0 bytes"
