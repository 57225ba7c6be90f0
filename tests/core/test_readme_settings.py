"""The README's settings file, read the two ways it is read: by a shell (cron's commands,
`set -a; . kanban.env`) and by systemd's EnvironmentFile rules."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kanban.config import DefaultConfig

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block() -> str:
    """The settings block as it stands in the README, comments included."""
    text = README.read_text()
    block = text.split("<!-- settings:start -->", 1)[1].split("<!-- settings:end -->", 1)[0]
    return block.split("```sh", 1)[1].split("```", 1)[0].strip() + "\n"


def readme_settings(secret: str = "s3cret") -> str:
    lines = [line for line in readme_block().splitlines() if not line.startswith("#")]
    # The secret's line is a value to replace, as the admin does.
    return "\n".join(f"KANBAN_SECRET_KEY={secret}" if line.startswith("KANBAN_SECRET_KEY=")
                     else line for line in lines) + "\n"


def shell_environment(settings: Path) -> str:
    return subprocess.run(
        ["sh", "-c", f'set -a && . "{settings}" && set +a && env'],
        capture_output=True, text=True, check=True).stdout


def test_a_shell_reads_every_setting_of_the_readmes_file(tmp_path):
    settings = tmp_path / "kanban.env"
    settings.write_text(readme_settings())

    shown = shell_environment(settings)

    assert "KANBAN_MAIL_FROM=Kanban <kanban@example.com>\n" in shown
    names = [line.split("=", 1)[0] for line in readme_settings().splitlines()
             if not line.startswith("#")]
    assert all(f"\n{name}=" in "\n" + shown for name in names)


def test_the_settings_file_offers_the_shipped_sortable_copy_for_an_intranet():
    commented = [line.removeprefix("# ") for line in readme_block().splitlines()
                 if line.startswith("# KANBAN_")]

    assert "KANBAN_SORTABLE_JS_LOCAL=true" in commented
    assert hasattr(DefaultConfig, "SORTABLE_JS_LOCAL")  # KANBAN_ + a setting the app reads


def readme_secret_key() -> str:
    [line] = [line for line in readme_block().splitlines()
              if line.startswith("KANBAN_SECRET_KEY=")]
    return line.split("=", 1)[1]


def test_the_readmes_file_copied_as_it_is_is_read_by_a_shell(tmp_path):
    settings = tmp_path / "kanban.env"
    settings.write_text(readme_block())

    shown = shell_environment(settings)

    assert f"\nKANBAN_SECRET_KEY={readme_secret_key()}\n" in "\n" + shown


def test_kanban_check_refuses_the_readmes_secret_key_left_as_it_is(app):
    app.config["SECRET_KEY"] = readme_secret_key()

    result = app.test_cli_runner().invoke(args=["check"])

    assert result.exit_code == 1
    assert "ERROR: SECRET_KEY" in result.output
