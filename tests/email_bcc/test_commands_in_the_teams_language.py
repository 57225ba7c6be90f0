"""``kanban mail reprocess`` and ``kanban mail fetch`` say what they did, and what they need,
in the team's language (``KANBAN_LANGUAGE``), as the quarantine page does; ``kanban mail
ingest`` answers its mail server in English (tests/email_bcc/test_paths.py)."""

from __future__ import annotations

import pytest

from tests.smtp_server import free_port


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru"}


def test_reprocess_says_what_became_of_each_message_in_the_teams_language(runner,
                                                                          parser_bug):
    item_id = parser_bug.id
    result = runner.invoke(args=["mail", "reprocess", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{item_id}: сохранено: " in result.output
    assert "Обработано заново: 1; вышло из карантина: 1; осталось: 0." in result.output


def test_reprocess_names_an_unknown_message_in_the_teams_language(runner):
    result = runner.invoke(args=["mail", "reprocess", "42"])
    assert result.exit_code == 1
    assert "Сообщения 42 в карантине нет." in result.output


def test_reprocess_asks_which_messages_in_the_teams_language(runner):
    result = runner.invoke(args=["mail", "reprocess"])
    assert result.exit_code == 2
    assert "Укажите номера сообщений или --all." in result.output


def test_fetch_asks_for_the_imap_server_in_the_teams_language(runner):
    result = runner.invoke(args=["mail", "fetch"])
    assert result.exit_code == 2
    assert "Укажите сервер IMAP и логин (--host, --user)" in result.output


def test_fetch_says_an_imap_server_out_of_reach_in_the_teams_language(runner):
    port = free_port()
    result = runner.invoke(args=["mail", "fetch", "--host", "127.0.0.1", "--port", str(port),
                                 "--user", "crm", "--password", "x", "--no-ssl"])
    assert result.exit_code == 75
    assert f"Сервер IMAP 127.0.0.1:{port} не пустил (" in result.output
    assert "ничего не получено, следующий запуск попробует снова." in result.output
