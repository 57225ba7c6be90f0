"""The test copy of SortableJS is the very file the CDN serves in production."""

from __future__ import annotations

from kanban.config import DefaultConfig
from tests.browser.assets import SORTABLE, sri_hash
from tests.live import ASSETS, axe_violations


def test_test_copy_is_the_pinned_sortable_version():
    assert f"sortablejs@{SORTABLE.version}/{SORTABLE.path}" in DefaultConfig.SORTABLE_JS_URL


def test_pinned_integrity_matches_the_npm_package_file():
    assert sri_hash(ASSETS / SORTABLE.name) == DefaultConfig.SORTABLE_JS_INTEGRITY


def test_the_accessibility_check_finds_what_a_screen_reader_would_miss(page):
    page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                     '<img src="data:,"><button></button></main></body></html>')
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "button-name"} <= found
