"""Every table of the application, loaded when something needs the whole schema.

A command imports only the models it works with: ``kanban mail ingest``, run once per
message by a mail server, maps the core's tables and the mail plugin's, not the tables of
imports, prospect lists or web forms. A plugin's models (the ``models`` module of its
package, by the plugins' common layout) are imported by the plugin's own code where it uses
them, and here, before anything reads the whole schema: creating or dropping the tables,
migrations, comparing the database with the models (``db.metadata``, see
``kanban.extensions``).

Plugin models may point at the core's (a foreign key, a relationship) but the core's never
point at a plugin's, so the core's models are complete without any plugin's.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType

_later: dict[str, None] = {}  # the models modules not imported yet, in plugin order
_lock = threading.RLock()


def models_later(plugin: ModuleType) -> None:
    """Note the models module of a plugin package, if it has one, for ``load_all_models``."""
    if not hasattr(plugin, "__path__"):  # a plain module, not a package
        return
    name = f"{plugin.__name__}.models"
    if name in _later or name in sys.modules or importlib.util.find_spec(name) is None:
        return
    with _lock:
        _later[name] = None


def load_all_models() -> None:
    """Import the core's models and every loaded plugin's (once): their tables join the
    metadata, with the indexes declared only for the whole schema."""
    from kanban.models import MAPPED_WHEN_NAMED
    from kanban.models.lead import add_search_index

    for module in MAPPED_WHEN_NAMED.values():
        importlib.import_module(module)
    add_search_index()
    with _lock:
        while _later:
            name = next(iter(_later))
            importlib.import_module(name)
            del _later[name]
