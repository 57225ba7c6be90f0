"""Errors the services raise; views turn them into HTTP answers."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal the person can act on. ``code`` is stable; ``message`` is for people."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields}
        error.update(self.extra)
        return {"error": error}


class ValidationError(ServiceError):
    status = 422
    code = "invalid"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    """The lead changed since the person saw it; ``extra`` carries the current state."""

    status = 409
    code = "conflict"


class MoveRefused(ServiceError):
    """A plugin vetoed the move."""

    status = 422
    code = "move_refused"
