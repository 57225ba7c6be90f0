"""Charts drawn as SVG: scalable, named for screen readers, and safe with any label."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from kanban.ui import Bar, Chart
from kanban.web.charts import WIDTH, chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def widths(svg: ElementTree.Element) -> list[float]:
    """The drawn bars' widths (the pale tracks behind them are left out)."""
    return [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("fill") != "#eef2f6"]


def test_chart_is_an_image_named_by_its_title_that_scales():
    svg = parse(chart_svg(Chart("Won by source", [Bar("email", 3)]), "chart-x"))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-x-title"
    assert svg.find(f"{SVG}title").text == "Won by source"
    assert svg.find(f"{SVG}title").get("id") == "chart-x-title"
    assert svg.get("width") == "100%"
    assert svg.get("viewBox") == "0 0 400 40"


def test_bars_are_as_long_as_their_share_of_the_longest():
    chart = Chart("t", [Bar("a", Decimal("200")), Bar("b", 50), Bar("c", 0), Bar("d", -5)])

    assert widths(parse(chart_svg(chart, "c"))) == [WIDTH, WIDTH / 4]


def test_bars_show_their_label_and_value_text():
    svg = parse(chart_svg(Chart("t", [Bar("web form: Contact", 3500, "€3,500.00")]), "c"))

    assert [t.text for t in svg.iter(f"{SVG}text")] == ["web form: Contact", "€3,500.00"]


def test_all_zero_chart_draws_no_bar():
    chart = Chart("t", [Bar("a", 0), Bar("b", 0)])

    assert widths(parse(chart_svg(chart, "c"))) == []
    assert widths(parse(chart_svg(chart, "c", columns=True))) == []


def test_columns_stand_in_order_with_the_top_value_written_on_the_grid():
    chart = Chart("t", [Bar("Nov 1", 100, "€100"), Bar("Nov 2", 0, "€0"),
                        Bar("Nov 9", 400, "€400")])
    svg = parse(chart_svg(chart, "c", columns=True))

    columns = [(float(r.get("x")), float(r.get("height"))) for r in svg.iter(f"{SVG}rect")]
    assert [x for x, _ in columns] == sorted(x for x, _ in columns)
    assert columns[1][1] == 4 * columns[0][1]
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["€400", "Nov 1", "Nov 2", "Nov 9"]


def test_many_columns_label_only_some_of_them():
    chart = Chart("t", [Bar(f"Month {n}", n) for n in range(24)])

    labels = [t.text for t in parse(chart_svg(chart, "c", columns=True)).iter(f"{SVG}text")]

    assert len(labels) == 1 + 6  # the top value, then every fourth month


def tick_texts(chart: Chart) -> list[str]:
    """The text under the columns (the top value written on the grid left out)."""
    return [t.text for t in parse(chart_svg(chart, "c", columns=True)).iter(f"{SVG}text")][1:]


def test_a_column_is_named_by_its_short_tick_not_its_long_label():
    chart = Chart("t", [Bar("jan. de 2026", 1, tick="jan."), Bar("fev. de 2026", 2, tick="fev.")])

    assert tick_texts(chart) == ["jan.", "fev."]


def test_a_ticks_second_line_is_written_only_where_it_changes():
    chart = Chart("t", [Bar(label, 1, tick=tick) for label, tick in [
        ("Nov 2025", "Nov\n2025"), ("Dec 2025", "Dec\n2025"), ("Jan 2026", "Jan\n2026"),
        ("Feb 2026", "Feb\n2026")]])

    assert tick_texts(chart) == ["Nov", "2025", "Dec", "Jan", "2026", "Feb"]


@pytest.mark.parametrize("months", [
    ["jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.",
     "dez."],
    ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
    ["янв.", "февр.", "март", "апр.", "май", "июнь", "июль", "авг.", "сент.", "окт.", "нояб.",
     "дек."],
])
def test_twelve_months_are_named_whole_leaving_some_out_rather_than_cutting_them(months):
    chart = Chart("t", [Bar(f"{month} 2026", 1, tick=f"{month}\n2026") for month in months])

    ticks = tick_texts(chart)

    assert ticks[0] == months[0] and ticks[1] == "2026"
    assert set(ticks[2:]) <= set(months) and len(ticks) >= 1 + 4
    assert not any("…" in tick for tick in ticks)


def test_labels_and_title_are_escaped():
    hostile = '<script>alert(1)</script>"&'
    markup = str(chart_svg(Chart(hostile, [Bar(hostile, 1, "1"), Bar("a", 1, hostile)]), 'x"y'))

    assert "<script>" not in markup
    assert markup.count("&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;") == 3
    assert 'id="x&#34;y"' in markup
    parse(markup)  # still well-formed


def test_long_labels_are_shortened_with_an_ellipsis():
    svg = parse(chart_svg(Chart("t", [Bar("x" * 200, 1, "€1")]), "c"))

    label = next(svg.iter(f"{SVG}text")).text
    assert label.endswith("…") and len(label) < 60


def test_control_characters_are_left_out():
    markup = str(chart_svg(Chart("t\x07", [Bar("a\x00b\x1b", 1)]), "c"))

    assert re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", markup) is None
    parse(markup)
