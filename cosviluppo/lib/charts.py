"""Bar charts as plain data: Chart.js draws them in the browser (static/cosviluppo/charts.js),
and templates/includes/chart.html shows the same figures as a table for screen readers and
browsers without JavaScript.

    chart = bar_chart(chart_id="by-continent", title=_("Projects by continent"),
                      labels=["Africa", "Americas"],
                      datasets=[{"label": _("Granted"), "values": [Decimal("10.00"), Decimal("5.50")]}],
                      money=True)
    {% include "includes/chart.html" with chart=chart %}   and, once per page,
    {% block extra_js %}{% include "includes/chart_scripts.html" %}{% endblock %}
"""

from decimal import Decimal

from django.utils.text import slugify

from cosviluppo.templatetags.formatting import eur, grouped


def _json_number(value: Decimal | int) -> str | int:
    # Decimals travel as strings ("1250.50"): exact, and JSON has no decimal type; JavaScript turns
    # them into numbers only to draw.
    return str(value) if isinstance(value, Decimal) else int(value)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: list[str],
    datasets: list[dict],
    money: bool = False,
    stacked: bool = False,
    horizontal: bool = False,
    category_label: str = "",
) -> dict:
    """A bar chart: one bar per label in each dataset ({"label": str, "values": [Decimal|int]}).

    The result is JSON-safe where it goes to JavaScript (`config`) and formatted in the active
    language where it goes to the page (`table`: money as € 1.250,00 / € 1,250.00).
    """
    chart_id = slugify(chart_id)
    for dataset in datasets:
        if len(dataset["values"]) != len(labels):
            raise ValueError(f"{dataset['label']!r} has {len(dataset['values'])} values for {len(labels)} labels")
    show = eur if money else grouped
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "title": str(title),
        "empty": not labels,
        "config": {
            "labels": [str(label) for label in labels],
            "datasets": [
                {"label": str(dataset["label"]), "values": [_json_number(value) for value in dataset["values"]]}
                for dataset in datasets
            ],
            "money": money,
            "stacked": stacked,
            "horizontal": horizontal,
            "title": str(title),
        },
        "table": {
            "category_label": str(category_label),
            "headers": [str(dataset["label"]) for dataset in datasets],
            "rows": [
                {"label": str(label), "cells": [show(dataset["values"][index]) for dataset in datasets]}
                for index, label in enumerate(labels)
            ],
        },
    }
