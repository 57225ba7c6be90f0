"""The README's settings file, read the two ways it is read: by a shell (cron's commands,
`set -a; . kanban.env`) and by systemd's EnvironmentFile rules."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kanban.config import DefaultConfig

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_settings(secret: str = "s3cret") -> str:
    text = README.read_text()
    block = text.split("<!-- settings:start -->", 1)[1].split("<!-- settings:end -->", 1)[0]
    lines = block.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    # The secret's line is an instruction to replace, as the admin does.
    return "\n".join(f"KANBAN_SECRET_KEY={secret}" if line.startswith("KANBAN_SECRET_KEY=")
                     else line for line in lines) + "\n"


def test_a_shell_reads_every_setting_of_the_readmes_file(tmp_path):
    settings = tmp_path / "kanban.env"
    settings.write_text(readme_settings())

    shown = subprocess.run(
        ["sh", "-c", f'set -a && . "{settings}" && set +a && env'],
        capture_output=True, text=True, check=True).stdout

    assert "KANBAN_MAIL_FROM=Kanban <kanban@example.com>\n" in shown
    names = [line.split("=", 1)[0] for line in readme_settings().splitlines()
             if not line.startswith("#")]
    assert all(f"\n{name}=" in "\n" + shown for name in names)


def test_the_settings_file_offers_the_shipped_sortable_copy_for_an_intranet():
    commented = [line.removeprefix("# ") for line in readme_settings().splitlines()
                 if line.startswith("# KANBAN_")]

    assert "KANBAN_SORTABLE_JS_LOCAL=true" in commented
    assert hasattr(DefaultConfig, "SORTABLE_JS_LOCAL")  # KANBAN_ + a setting the app reads

