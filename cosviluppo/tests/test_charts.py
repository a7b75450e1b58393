import json
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from cosviluppo.lib.charts import bar_chart


def _chart(**overrides):
    arguments = {
        "chart_id": "by continent",
        "title": "Granted by continent",
        "labels": ["Africa", "Americas"],
        "datasets": [
            {"label": "Granted", "values": [Decimal("1250000.50"), Decimal("40000.55")]},
            {"label": "Projects", "values": [3, 1]},
        ],
        "money": True,
    }
    return bar_chart(**(arguments | overrides))


def test_the_chart_data_are_json_safe_and_exact():
    chart = _chart(stacked=True, horizontal=True)
    assert chart["id"] == "by-continent" and chart["data_id"] == "by-continent-data"
    decoded = json.loads(json.dumps(chart["config"]))
    assert decoded["datasets"][0]["values"] == ["1250000.50", "40000.55"]  # Decimals as exact strings
    assert decoded["datasets"][1]["values"] == [3, 1]
    assert decoded["labels"] == ["Africa", "Americas"]
    assert decoded["stacked"] is True and decoded["horizontal"] is True and decoded["money"] is True


def test_the_table_formats_money_in_the_active_language():
    with translation.override("it"):
        assert _chart()["table"]["rows"][0]["cells"][0] == "€ 1.250.000,50"
    with translation.override("en"):
        rows = _chart()["table"]["rows"]
    assert rows[0] == {"label": "Africa", "cells": ["€ 1,250,000.50", "€ 3.00"]}
    counts = _chart(money=False, datasets=[{"label": "Projects", "values": [1250, 3]}])["table"]["rows"]
    assert [row["cells"] for row in counts] == [["1,250"], ["3"]]


def test_a_dataset_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        _chart(datasets=[{"label": "Granted", "values": [1]}])


def test_the_include_renders_canvas_json_and_a_table_alternative():
    with translation.override("en"):
        html = render_to_string("includes/chart.html", {"chart": _chart(category_label="Continent")})
    assert '<figure class="cosv-chart" id="by-continent"' in html
    assert '<canvas data-chart="by-continent-data" role="img" aria-label="Bar chart: Granted by continent.' in html
    assert '<script id="by-continent-data" type="application/json">' in html
    # Without JavaScript the canvas stays hidden and the table is open.
    assert '<div class="cosv-chart-canvas" hidden>' in html
    assert '<details class="cosv-chart-data" open data-chart-table="by-continent-data">' in html
    # The table scrolls in a focusable region named by its caption (a keyboard can scroll it on a phone).
    assert (
        '<div class="table-responsive" tabindex="0" role="region" aria-labelledby="by-continent-table-caption">' in html
    )
    assert '<caption id="by-continent-table-caption">Granted by continent</caption>' in html
    assert '<th scope="col">Continent</th>' in html
    assert '<th scope="row">Africa</th>' in html and "€ 40,000.55" in html
    assert "style=" not in html and "<script>" not in html


def test_an_empty_chart_says_so_without_a_canvas():
    html = render_to_string("includes/chart.html", {"chart": _chart(labels=[], datasets=[])})
    assert "<canvas" not in html and "No data yet." in html


def test_the_scripts_include_loads_chartjs_then_charts_js():
    html = render_to_string("includes/chart_scripts.html")
    assert html.index("vendor/chartjs/chart.umd.min.js") < html.index("cosviluppo/charts.js")
