"""Sending forms in tests the way a browser does."""

from __future__ import annotations

import re


def hosted_token(client, slug: str = "contact") -> str:
    """Open the hosted page like a browser and return its fill-time token."""
    html = client.get(f"/f/{slug}").get_data(as_text=True)
    return re.search(r'name="_ts" value="([^"]+)"', html).group(1)


def post_form(client, data: dict, slug: str = "contact", *, token: str | None = None, **kwargs):
    """Send the hosted form as a browser would, with a fresh fill-time token."""
    fields = {"_ts": token if token is not None else hosted_token(client, slug), "hp_website": "",
              **data}
    return client.post(f"/f/{slug}", data=fields, **kwargs)
