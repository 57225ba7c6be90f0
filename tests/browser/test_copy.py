"""Copy buttons in a real Chromium: an address a person pastes elsewhere is one click away."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in

# As Chromium refuses the clipboard to a window that is not in front.
REFUSED_CLIPBOARD = ("navigator.clipboard.writeText = () => Promise.reject("
                     "new DOMException('Document is not focused.', 'NotAllowedError'));")


def calendar_address_and_its_button(page: Page, email: str, url: str) -> tuple[str, Locator]:
    """Log in, get a calendar address on the profile page; return it and its Copy button."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    log_in(page, email, open_board=False)
    page.goto("/profile#calendar")
    page.get_by_role("button", name="Get my calendar address").click()
    address = page.locator("#calendar-url").input_value()
    return address, page.locator("#calendar [data-copy-target='calendar-url']")


def test_the_calendar_address_is_copied_with_its_button(page, seller, live_server):
    address, copy = calendar_address_and_its_button(page, seller.email, live_server.url)

    copy.click()

    expect(copy).to_have_text("Copied")
    assert address.startswith(live_server.url) and address.endswith(".ics")
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_a_refused_clipboard_still_copies_the_older_way(page, seller, live_server):
    page.add_init_script(REFUSED_CLIPBOARD)
    address, copy = calendar_address_and_its_button(page, seller.email, live_server.url)

    copy.click()

    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
