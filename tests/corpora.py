"""The shared corpora of real-world mail and CSV files, which sit beside the repository.

A plain clone has no ``shared/`` beside it: the corpus tests then skip, saying where the
files were looked for. CI sets ``KANBAN_TEST_REQUIRE_CORPUS=1``, and a missing corpus fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
REQUIRED = os.environ.get("KANBAN_TEST_REQUIRE_CORPUS") == "1"


def require_corpus(folder: Path) -> None:
    """Skip the test when ``folder`` is missing (fail when CI requires the corpora)."""
    if folder.is_dir():
        return
    message = f"the shared corpus is missing at {folder}"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)
