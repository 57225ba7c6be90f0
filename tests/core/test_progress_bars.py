"""A long command's progress bar is written in the team's language, as its summary is."""

from __future__ import annotations

import io
import sys

import pytest

from kanban.cli.progress import ProgressBar


class Terminal(io.StringIO):
    """Standard error as a person's terminal, where the bar shows."""

    def isatty(self) -> bool:
        return True


def watched(monkeypatch, screen: io.StringIO) -> io.StringIO:
    """Send standard error to ``screen`` (set in the test itself: pytest's own capture
    takes it back between a test's fixtures and its body)."""
    monkeypatch.setattr(sys, "stderr", screen)
    return screen


def last_drawn(screen: io.StringIO) -> str:
    return screen.getvalue().rsplit("\r", 1)[-1].rstrip()


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru"}


def test_a_bar_counts_in_the_teams_words_and_numbers(app, monkeypatch):
    screen = watched(monkeypatch, Terminal())
    with ProgressBar("Прочитано строк") as bar:
        bar.update(3000)
    shown = last_drawn(screen)
    assert shown.startswith("Прочитано строк: 3\xa0000 [00:00, ")
    assert shown.endswith(" в секунду]")


def test_a_bar_with_a_total_gives_its_share_in_the_teams_numbers(app, monkeypatch):
    screen = watched(monkeypatch, Terminal())
    with ProgressBar("Записано лидов", 4000) as bar:
        bar.update(1000)
    shown = last_drawn(screen)
    assert shown.startswith("Записано лидов:  25%|")
    assert "| 1\xa0000/4\xa0000 [" in shown and shown.endswith(" в секунду]")


def test_a_bar_is_hidden_where_no_one_watches(app, monkeypatch):
    screen = watched(monkeypatch, io.StringIO())  # a pipe, a log file
    with ProgressBar("Прочитано строк") as bar:
        bar.update(3000)
    assert screen.getvalue() == ""
