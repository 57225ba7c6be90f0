"""Schemathesis sends generated requests to every prospect-list operation and checks each
answer against the OpenAPI document, as tests/api/test_contract.py does for the core's."""

from __future__ import annotations

import pytest
import schemathesis
from kanban_prospects.lists import columns_from, create_list, guess_fields

from tests.api.test_contract import check_operation, token_headers  # noqa: F401  (a fixture)
from tests.factories import PipelineFactory


@pytest.fixture
def backend() -> str:
    """Fuzz on SQLite only: the other tests of the plugin cover PostgreSQL."""
    return "sqlite"


@pytest.fixture
def api_schema(app, admin, fair_rows):
    from kanban_prospects.lists import add_rows

    PipelineFactory(name="Sales", stages=["New", "Contacted"])
    header = ["Company", "Contact", "Phone", "Email", "City", "Employees"]
    plist = create_list("Fair", columns_from(header, guess_fields(header)), user=admin)
    add_rows(plist, fair_rows * 3, user=admin)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_prospect_operation_answers_as_documented(api_schema, token_headers,  # noqa: F811
                                                        subtests):
    checked = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/prospect-"):
            continue
        with subtests.test(msg=operation.label):
            check_operation(api_schema, operation, token_headers)
        checked.add(operation.label)
    assert len(checked) == 9
