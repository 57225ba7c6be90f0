"""Progress bars of long commands (imports, exports, jobs), in the team's words.

tqdm writes its bar in English ("3000 rows [00:02, 1500.00 rows/s]"). Here the bar is
named by what it counts in the team's language, its numbers written as the team writes
them: "Прочитано строк: 3 000 [00:02, 1 500 в секунду]". Import this module only in a
command that shows a bar: tqdm takes a moment to import.
"""

from __future__ import annotations

import sys
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from tqdm import tqdm

WITH_TOTAL = "{desc}: {percentage:3.0f}%|{bar}| {done}/{all} [{elapsed}<{remaining}, {speed}]"
WITHOUT_TOTAL = "{desc}: {done} [{elapsed}, {speed}]"


class ProgressBar(tqdm):
    """A bar on stderr, hidden when stderr is not a terminal, named ``counted`` (what it
    counts, in the team's words: "Rows read")."""

    def __init__(self, counted: str, total: int | None = None) -> None:
        # Read here, in the command's app context: tqdm may redraw from a thread of its own.
        self.locale = get_locale() or "en"
        self.per_second = _("%(count)s per second")
        super().__init__(total=total, desc=str(counted), disable=None, file=sys.stderr)

    @property
    def format_dict(self) -> dict[str, Any]:
        values = super().format_dict
        if self.disable and not hasattr(self, "unit"):  # hidden from the start: never shown
            return values
        rate = values["rate"]
        if rate is None and values["elapsed"]:
            rate = (values["n"] - values["initial"]) / values["elapsed"]
        speed = "?" if not rate else format_decimal(round(rate, 1 if rate < 10 else None),
                                                    locale=self.locale)
        return {**values, "bar_format": WITH_TOTAL if values["total"] else WITHOUT_TOTAL,
                "done": self.number(values["n"]), "all": self.number(values["total"]),
                "speed": self.per_second % {"count": speed}}

    def number(self, count: int | None) -> str:
        return "?" if count is None else format_decimal(count, locale=self.locale)
