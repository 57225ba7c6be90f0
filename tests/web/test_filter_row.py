"""The board's filters in one row: search, owner, and the rest under "More filters"."""

from __future__ import annotations

import re

from tests.factories import LeadFactory

FIELDS = ["pipeline_id", "q", "owner_id", "tag", "priority", "attention", "starred", "status",
          "sort"]


def filter_form(html: str) -> str:
    return re.search(r'<form class="filters".*?</form>', html, re.S).group(0)


def more_filters(html: str) -> str:
    return re.search(r'<details class="more-filters".*?</details>', html, re.S).group(0)


def test_the_filter_form_keeps_its_field_names(member_client, pipeline):
    form = filter_form(member_client.get("/board").text)
    assert re.findall(r'\sname="([^"]+)"', form) == FIELDS


def test_search_and_owner_are_in_the_row_the_rest_under_more_filters(member_client, pipeline):
    html = member_client.get("/board").text
    more = more_filters(html)

    assert 'id="f-q"' not in more and 'id="f-owner"' not in more
    for name in ("tag", "priority", "attention", "starred", "status", "sort"):
        assert f'name="{name}"' in more


def test_more_filters_says_how_many_of_its_filters_are_set(member_client, pipeline):
    html = member_client.get(f"/board?pipeline_id={pipeline.id}&tag=web&starred=1&q=x").text
    assert '<summary>More filters <span class="filter-on">(2)</span></summary>' in more_filters(
        html)


def test_more_filters_shows_no_count_when_none_of_its_filters_is_set(member_client, pipeline):
    html = member_client.get(f"/board?pipeline_id={pipeline.id}&q=x").text
    assert "<summary>More filters</summary>" in more_filters(html)


def test_a_filter_under_more_filters_still_selects_leads(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Tagged", tags=["web"])
    LeadFactory(stage=pipeline.stages[0], title="Plain")

    html = member_client.get(f"/board?pipeline_id={pipeline.id}&tag=web").text

    assert ">Tagged</a>" in html and ">Plain</a>" not in html
    assert 'id="f-tag" name="tag" list="f-tags" value="web"' in html


def test_the_saved_views_sit_beside_the_filters(member_client, pipeline):
    html = member_client.get("/board").text
    row = re.search(r'<div class="filter-row">.*?</section>\s*</div>', html, re.S).group(0)
    assert '<form class="filters"' in row and 'class="saved-views"' in row
