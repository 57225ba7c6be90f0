"""``kanban prospects import`` and ``list`` speak the team's language (``KANBAN_LANGUAGE``),
as the lists' pages do."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru"}


@pytest.fixture
def fair(tmp_path):
    path = tmp_path / "fair.csv"
    path.write_text("Empresa;Telefone\nPadaria;912 345 678\nCafé;913 000 000\n")
    return path


def test_import_counts_the_rows_of_the_new_list_in_the_teams_language(runner, member, fair):
    result = runner.invoke(args=["prospects", "import", str(fair), "--name", "Ярмарка",
                                 "--user", member.email])
    assert result.exit_code == 0, result.output
    assert "(Ярмарка): строк: 2." in result.output


def test_list_shows_each_lists_progress_in_the_teams_language(runner, member, fair):
    runner.invoke(args=["prospects", "import", str(fair), "--name", "Ярмарка",
                        "--user", member.email])
    result = runner.invoke(args=["prospects", "list"])
    assert ("Ярмарка\tстрок: 2\tсвязались: 0\tсоздано лидов: 0\tвыиграно: 0"
            in result.output)


def test_import_names_an_unknown_owner_in_the_teams_language(runner, fair):
    result = runner.invoke(args=["prospects", "import", str(fair), "--name", "Ярмарка",
                                 "--user", "nobody@example.com"])
    assert result.exit_code == 2
    assert "Ни у одного активного пользователя нет email nobody@example.com." in result.output
