"""Who is asking: sessions for the browser, Bearer tokens for the API, and the rule
that every page needs a login unless it says it is public."""

from kanban.auth.access import csrf_exempt, public, register_access_rules

__all__ = ["csrf_exempt", "public", "register_access_rules"]
