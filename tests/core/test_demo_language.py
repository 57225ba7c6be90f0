"""The demo speaks the team's language: pipeline, stages, leads, notes and next steps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kanban.app import create_app
from kanban.demo import NOTES, STAGES
from kanban.extensions import db
from kanban.models import Activity, Lead, Pipeline


def demo_in(app_config, language: str | None):
    settings = {**app_config, "LANGUAGE": language} if language else app_config
    application = create_app(settings)
    with application.app_context():
        db.create_all()
        application.test_cli_runner().invoke(args=["demo", "--leads", "30"])
        pipeline = db.session.scalars(select(Pipeline)).one()
        stages = [stage.name for stage in sorted(pipeline.stages, key=lambda s: s.position)]
        notes = set(db.session.scalars(select(Activity.body).where(Activity.kind.in_(
            ["call", "email"]))))
        steps = set(db.session.scalars(select(Lead.next_action_text)))
        lost = set(db.session.scalars(select(Lead.lost_reason).where(Lead.status == "lost")))
        sources = set(db.session.scalars(select(Lead.source)))
        yield pipeline.name, stages, notes, steps, lost, sources


@pytest.fixture
def portuguese_demo(app_config):
    yield from demo_in(app_config, "pt")


@pytest.fixture
def english_demo(app_config):
    yield from demo_in(app_config, None)


def test_without_a_team_language_the_demo_is_in_english(english_demo):
    name, stages, notes, _steps, _lost, _sources = english_demo
    assert name == "Sales"
    assert stages == [stage for stage, _proposal in STAGES]
    assert notes <= set(NOTES)


def test_a_portuguese_teams_demo_is_in_portuguese(portuguese_demo):
    name, stages, notes, steps, _lost, _sources = portuguese_demo
    assert name == "Vendas"
    assert stages[0] == "Novo" and "Proposta" in stages
    assert notes and notes.isdisjoint(NOTES)
    assert "Call back" not in steps and "Send proposal" not in steps


def test_lost_reasons_stay_keys_that_each_reader_reads_in_their_words(portuguese_demo):
    *_rest, lost, _sources = portuguese_demo
    assert lost and lost <= {"Price", "Chose a competitor", "No budget", "No answer", "Timing"}


def test_a_portuguese_teams_demo_web_form_has_a_portuguese_name(portuguese_demo):
    *_rest, sources = portuguese_demo
    assert "web form: Contacto" in sources and "web form: Contact" not in sources
