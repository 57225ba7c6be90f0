"""Which addresses a webhook may call: never the team's own network, unless allowed.

A webhook makes the server send requests where an admin says; an address on a private,
loopback or link-local network could reach the server's neighbours (SSRF). The check runs
when the address is saved and again before each request (a name may be pointed elsewhere
meanwhile)."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import SplitResult, urlsplit

from flask_babel import gettext as _

from kanban_webhooks.settings import allow_private

MAX_URL = 2000
_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\Z", re.IGNORECASE)


class AddressRefused(ValueError):
    """The address cannot be called; the message says why, in the reader's words."""


def check_address(url: str) -> str:
    """Return the address, cleaned, or raise AddressRefused."""
    url = (url or "").strip()
    if not url:
        raise AddressRefused(_("Give the address to send the events to."))
    if len(url) > MAX_URL:
        raise AddressRefused(_("At most %(limit)d characters.", limit=MAX_URL))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(_("Use an address that starts with https:// (or http://)."))
    if parts.username or parts.password:
        raise AddressRefused(_("Leave the user name and password out of the address."))
    if not _well_formed(parts.hostname) or not _port_is_a_port(parts):
        raise AddressRefused(_("This is not a web address: check the server name and port "
                               "(no spaces)."))
    if not allow_private():
        for address in _addresses(parts.hostname, parts.port):
            if not address.is_global:
                raise AddressRefused(_(
                    "This address is on a private or local network (%(address)s); webhooks "
                    "only call public addresses.", address=str(address)))
    return url


def _well_formed(host: str) -> bool:
    """A server name (in any alphabet) or an IP address, as a request can carry it."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_name = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(_LABEL.match(label) for label in ascii_name.rstrip(".").split("."))


def _port_is_a_port(parts: SplitResult) -> bool:
    try:
        parts.port  # noqa: B018  (reading it checks it)
    except ValueError:
        return False
    return True


def _addresses(host: str, port: int | None) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        found = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(_("This address's server name cannot be found.")) from None
    return {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found}
