"""Commands imported only when they are run or described (kanban.cli.lazy)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kanban.cli.lazy import lazy_command


@click.command("greet")
@click.option("--name", default="world", help="Whom to greet.")
def greet(name: str) -> None:
    """Say hello."""
    click.echo(f"hello {name}")


def group_with(command: click.Command) -> click.Group:
    @click.group()
    def tool() -> None:
        """A tool."""

    tool.add_command(command)
    return tool


def test_a_lazy_command_runs_the_command_it_stands_for():
    result = CliRunner().invoke(group_with(lazy_command("greet", f"{__name__}:greet")),
                                ["greet", "--name", "Ana"])

    assert result.exit_code == 0, result.output
    assert result.output == "hello Ana\n"


def test_a_lazy_command_is_listed_with_its_own_help_line():
    result = CliRunner().invoke(group_with(lazy_command("greet", f"{__name__}:greet")),
                                ["--help"])

    assert "greet  Say hello." in result.output


def test_a_lazy_command_shows_its_own_help():
    result = CliRunner().invoke(group_with(lazy_command("greet", f"{__name__}:greet")),
                                ["greet", "--help"])

    assert "Usage: tool greet [OPTIONS]" in result.output
    assert "Whom to greet." in result.output


def test_a_lazy_command_must_bear_the_name_of_the_command_it_stands_for():
    with pytest.raises(RuntimeError, match="registered as 'hello'"):
        lazy_command("hello", f"{__name__}:greet").get_short_help_str()
