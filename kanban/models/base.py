"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import JSON, DateTime, String, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def team_zone() -> ZoneInfo:
    """Return the team's time zone (the TIMEZONE setting): its days are the app's days."""
    return zone(current_app.config["TIMEZONE"]) if has_app_context() else zone("UTC")


def today() -> date:
    """Return the team's today: follow-up dates, overdue and standby are reckoned by it."""
    return datetime.now(team_zone()).date()


def time_now_on(day: date) -> time | None:
    """Return the team's time of day now when ``day`` is the team's today, else None: a
    follow-up due that day at an earlier time is late; another day is reckoned by date."""
    now = datetime.now(team_zone())
    return now.time().replace(tzinfo=None) if now.date() == day else None


def local_day(moment: datetime) -> date:
    """Return the day a moment falls on in the team's zone."""
    return moment.astimezone(team_zone()).date()


def start_of(day: date) -> datetime:
    """Return the moment the day begins in the team's zone, to compare a date with timestamps."""
    return day_start_in(day, team_zone())


@lru_cache(maxsize=64)
def day_start_in(day: date, zone: ZoneInfo) -> datetime:
    """Return the moment the day begins in ``zone`` (every card of a board asks, for a few
    days)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def stale_cutoff(day: date, stale_days: int) -> datetime:
    """Return the moment before which a lead's last touch makes it stale on ``day``."""
    return start_of(day - timedelta(days=stale_days))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class JSONType(TypeDecorator):
    """JSON on every database, stored as JSONB on PostgreSQL.

    The type is chosen once connected, so an app on SQLite never imports PostgreSQL's
    dialect (a command piped one message per process starts sooner).
    """

    impl = JSON
    cache_ok = True
    hashable = False  # as JSON's: a dict or list value
    should_evaluate_none = True  # as JSON's: None is stored as JSON null

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())

# Rank keys compare byte by byte on both databases: PostgreSQL's default collation
# would sort "a" and "B" differently from SQLite.
RankKey = String(255).with_variant(String(255, collation="C"), "postgresql")
