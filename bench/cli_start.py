"""How long the ``kanban`` command takes to start, beside Python importing Flask and
SQLAlchemy alone (the floor), measured in the same run, best of N, taken in turns.

Run from the repository: ``.venv/bin/python bench/cli_start.py [--runs 15]``. The command
timed is ``kanban mail ingest --help``: the whole application is built (settings, plugins,
commands), as for an MTA piping one message, but nothing is read or written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    instance = tempfile.mkdtemp(prefix="kanban-bench-cli-")
    env = {**os.environ, "KANBAN_INSTANCE_PATH": instance,
           "KANBAN_DATABASE_URL": f"sqlite:///{Path(instance) / 'kanban.db'}"}
    floor_command = [sys.executable, "-c", "import flask, sqlalchemy"]
    kanban_command = [str(BIN / "kanban"), "mail", "ingest", "--help"]
    seconds(kanban_command, env)  # the first start writes the instance's secret key
    floors, starts = [], []
    for _run in range(runs):
        floors.append(seconds(floor_command, env))
        starts.append(seconds(kanban_command, env))
    floor, start = min(floors), min(starts)
    print(f"floor (python -c 'import flask, sqlalchemy', best of {runs}): {floor * 1000:.0f} ms")
    print(f"kanban mail ingest --help (best of {runs}): {start * 1000:.0f} ms "
          f"= {start / floor:.2f}x the floor (target: at most 1.5x)")


if __name__ == "__main__":
    main()
