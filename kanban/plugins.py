"""The plugin host: one pluggy manager per application, kept in ``app.extensions``."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import EntryPoint, EntryPoints, entry_points
from typing import Any

import pluggy
from flask import Flask, current_app

from kanban import hookspecs
from kanban.schema import models_later

ENTRY_POINT_GROUP = "kanban.plugins"
# The core's own hook implementations, registered like any plugin.
CORE_PLUGINS = ("kanban.duplicates", "kanban.notify.events", "kanban.notify.delivery",
                "kanban.services.stage_rules")

log = logging.getLogger(__name__)


class PluginError(RuntimeError):
    """A plugin could not be loaded or misbehaved while strict mode is on."""


@dataclass
class PluginStatus:
    name: str
    module: str
    error: str | None = None


def create_plugin_manager(app: Flask) -> pluggy.PluginManager:
    """Build the application's plugin manager and load the configured plugins."""
    pm = pluggy.PluginManager("kanban")
    pm.add_hookspecs(hookspecs)
    pm.hook.kanban_add_hookspecs.call_historic(kwargs={"pm": pm})
    statuses: list[PluginStatus] = []
    for name in app.config["DISABLED_PLUGINS"]:
        if name in CORE_PLUGINS:  # the core's own rules (such as duplicates) always apply
            raise PluginError(
                f"{name} is part of the core and cannot be disabled: remove it from "
                f"KANBAN_DISABLED_PLUGINS")
        pm.set_blocked(name)
    for module_name in CORE_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    for ep in _plugin_entry_points(app.config["PLUGINS"]):
        if pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            models_later(plugin)  # its tables load with the whole schema (kanban.schema)
            statuses.append(PluginStatus(ep.name, ep.value))
        except Exception as exc:  # a broken plugin must not hide which one it is
            message = f"Plugin {ep.name!r} ({ep.value}) failed to load: {exc}"
            if app.config["PLUGINS_STRICT"]:
                raise PluginError(message) from exc
            log.error(message)
            statuses.append(PluginStatus(ep.name, ep.value, error=str(exc)))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"A plugin implements a hook that does not exist: {exc}") from exc
    pm.kanban_statuses = statuses  # type: ignore[attr-defined]
    return pm


def installed_entry_points(group: str) -> list[EntryPoint]:
    """Return the installed packages' entry points of a group.

    The packages are read once for the search path: the ``kanban`` command looks up both
    Flask's command group and the plugins', and reading every package's metadata is what
    takes the time.
    """
    return list(_all_entry_points(tuple(sys.path)).select(group=group))


@lru_cache(maxsize=8)
def _all_entry_points(search_path: tuple[str, ...]) -> EntryPoints:
    return entry_points()


def _plugin_entry_points(wanted: list[str] | None) -> list[Any]:
    found = installed_entry_points(ENTRY_POINT_GROUP)
    if wanted is None:
        return found
    by_name = {ep.name: ep for ep in found}
    missing = [name for name in wanted if name not in by_name]
    if missing:
        raise PluginError(f"Configured plugins are not installed: {', '.join(missing)}")
    return [by_name[name] for name in wanted]


def get_plugin_manager(app: Flask | None = None) -> pluggy.PluginManager:
    """Return the plugin manager of the given (or current) application."""
    return (app or current_app).extensions["kanban_plugins"]


def get_hook(name: str, app: Flask | None = None) -> pluggy.HookCaller:
    """Return the hook caller for ``name``, failing loudly when no such hook exists."""
    caller = getattr(get_plugin_manager(app).hook, name, None)
    if caller is None or not caller.has_spec():
        raise PluginError(f"There is no hook named {name!r}")
    return caller


def collect(name: str, **kwargs: Any) -> list[Any]:
    """Call a hook and flatten the lists its implementations return."""
    items: list[Any] = []
    for result in get_hook(name)(**kwargs):
        if result:
            items.extend(result)
    return items


def fire_event(name: str, **kwargs: Any) -> None:
    """Call a lifecycle hook, one plugin at a time.

    The change is already committed, so a failing plugin is logged with its name
    and the others still run; in strict mode (tests) the failure is raised. Hook
    wrappers (``wrapper=True``, or the older ``hookwrapper=True``) run around the whole
    event, as pluggy runs them, and receive the results of the plugins that succeeded.
    """
    _call_each(get_hook(name), name, kwargs)


def fire_events(name: str, calls: Iterable[dict[str, Any]], *,
                skip_plugins: Iterable[object] = ()) -> None:
    """Fire one lifecycle hook once per set of arguments (a batch of new leads), leaving out
    ``skip_plugins``, as ``fire_event`` does."""
    skipped = list(skip_plugins)
    caller = (get_plugin_manager().subset_hook_caller(name, remove_plugins=skipped)
              if skipped else get_hook(name))
    if not caller.get_hookimpls():
        return
    for kwargs in calls:
        _call_each(caller, name, kwargs)


def _call_each(caller: pluggy.HookCaller, name: str, kwargs: dict[str, Any]) -> None:
    around: list[tuple[Any, Any]] = []
    results: list[Any] = []
    for impl in reversed(caller.get_hookimpls()):  # pluggy's order: wrappers come first
        arguments = {arg: kwargs[arg] for arg in impl.argnames}
        with _isolated(impl, name):
            if impl.wrapper or impl.hookwrapper:
                generator = impl.function(**arguments)
                next(generator)  # the wrapper's code before the event
                around.append((impl, generator))
            else:
                results.append(impl.function(**arguments))
    for impl, generator in reversed(around):
        with _isolated(impl, name), suppress(StopIteration):  # the wrapper's code after
            generator.send(pluggy.Result(results, None) if impl.hookwrapper else results)


@contextmanager
def _isolated(impl: Any, name: str) -> Iterator[None]:
    try:
        yield
    except Exception:
        if current_app.config["PLUGINS_STRICT"]:
            raise
        log.exception("Plugin %r failed while handling %s", impl.plugin_name, name)


def plugin_report(app: Flask) -> list[dict[str, Any]]:
    """Describe every loaded plugin and the hooks it implements."""
    pm = get_plugin_manager(app)
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked by configuration
            continue
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        rows.append({"name": name, "hooks": hooks, "error": None})
    for status in pm.kanban_statuses:
        if status.error:
            rows.append({"name": status.name, "hooks": [], "error": status.error})
    return rows


def hook_reference() -> str:
    """Return a Markdown reference of every hook spec, from the specs' own docstrings."""
    import inspect

    lines = []
    for name in sorted(n for n in dir(hookspecs) if n.startswith("kanban_")):
        function = getattr(hookspecs, name)
        options = getattr(function, "kanban_spec", {}) or {}
        signature = str(inspect.signature(function)).replace("'", "")
        flags = [flag for flag in ("firstresult", "historic") if options.get(flag)]
        summary = inspect.cleandoc(function.__doc__ or "").split("\n\n")
        lines.append(f"- `{name}{signature}`" + (f" ({', '.join(flags)})" if flags else ""))
        lines.extend(f"  {paragraph.replace(chr(10), ' ')}" for paragraph in summary)
    return "\n".join(lines)
