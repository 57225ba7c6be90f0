"""Commands imported only when they are run or described.

``kanban mail ingest``, run once per message by a mail server, needs the ``mail`` commands
alone: the others (exports, imports, webhooks...) import modules of their own, which it
should not wait for. A plugin returns ``lazy_command("export", "kanban_csv.cli:export")``
from ``kanban_register_commands``; ``kanban --help`` and ``kanban export`` import it.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazyCommand(click.Command):
    """Stands for the command at ``target`` (``"module:attribute"``) until it is needed."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name)
        self.target = target
        self._command: click.Command | None = None

    def load(self) -> click.Command:
        """Import the real command (once)."""
        if self._command is None:
            module, _, attribute = self.target.partition(":")
            command = getattr(importlib.import_module(module), attribute)
            if command.name != self.name:
                raise RuntimeError(f"{self.target} is the command {command.name!r}, "
                                   f"registered as {self.name!r}")
            self._command = command
        return self._command

    # What a group asks of its commands: their help line, a context to run them in (the
    # real command's, so the real command runs), their description.
    @property
    def hidden(self) -> bool:  # type: ignore[override]
        return self.load().hidden

    @hidden.setter
    def hidden(self, value: bool) -> None:  # click.Command.__init__ sets it
        pass

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.load().get_short_help_str(limit)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def to_info_dict(self, ctx: click.Context) -> dict[str, Any]:
        return self.load().to_info_dict(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        return self.load().main(*args, **kwargs)


def lazy_command(name: str, target: str) -> click.Command:
    """Return a command named ``name`` that imports ``target`` (``"module:attribute"``, a
    click command or group of that name) only when it is run or its help is shown."""
    return LazyCommand(name, target)
