"""Copy buttons in a real Chromium: an address a person pastes elsewhere is one click away."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_the_calendar_address_is_copied_with_its_button(page, seller, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    log_in(page, seller.email, open_board=False)
    page.goto("/profile#calendar")
    page.get_by_role("button", name="Get my calendar address").click()
    address = page.locator("#calendar-url").input_value()

    copy = page.locator("#calendar [data-copy-target='calendar-url']")
    copy.click()

    expect(copy).to_have_text("Copied")
    assert address.startswith(live_server.url) and address.endswith(".ics")
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_a_refused_clipboard_still_copies_the_older_way(page, seller, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    # As Chromium refuses it to a window that is not in front.
    page.add_init_script("navigator.clipboard.writeText = () => Promise.reject("
                         "new DOMException('Document is not focused.', 'NotAllowedError'));")
    log_in(page, seller.email, open_board=False)
    page.goto("/profile#calendar")
    page.get_by_role("button", name="Get my calendar address").click()
    address = page.locator("#calendar-url").input_value()

    copy = page.locator("#calendar [data-copy-target='calendar-url']")
    copy.click()

    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
