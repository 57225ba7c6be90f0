"""Kanban: a self-hosted lead-pipeline CRM for small sales teams."""

from kanban.hookspecs import hookimpl

__all__ = ["hookimpl"]
