import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from cosviluppo.lib import worldmap
from cosviluppo.lib.worldmap import base_geometry, world_map


def _map(values, **options):
    with translation.override("en"):
        return world_map(values, title="Projects funded by country", value_label="Projects funded", **options)


def _path_of(svg: str, title: str) -> str:
    found = re.search(r'<path class="([^"]+)" d="[^"]+"><title>' + re.escape(title) + "</title></path>", svg)
    assert found, f"no path titled {title!r}"
    return found.group(1)


def test_each_country_path_has_its_name_and_value_and_a_class():
    svg = _map({"SN": 3, "PE": 1, "MA": 12}).svg
    assert _path_of(svg, "Senegal: 3") != _path_of(svg, "Morocco: 12")
    assert _path_of(svg, "Peru: 1") == "cosv-map-c1"
    assert _path_of(svg, "Morocco: 12") == "cosv-map-c3"
    assert _path_of(svg, "France") == "cosv-map-c0"  # no data: the name alone


def test_the_svg_is_an_accessible_image_with_title_and_description():
    svg = _map({"SN": 3}, map_id="funded").svg
    assert svg.startswith('<svg class="cosv-world-map" viewBox="0 0 960 ')
    assert 'role="img" aria-labelledby="funded-title funded-desc"' in svg
    assert '<title id="funded-title">Projects funded by country</title>' in svg
    assert '<desc id="funded-desc">1 countries; the table below lists every value.</desc>' in svg
    assert "style=" not in svg


def test_rows_sorted_by_value_with_money_and_a_second_column():
    result = _map(
        {"sn": Decimal("48000.00"), "PE": Decimal("140000.55")},
        money=True,
        secondary={"SN": 2, "PE": 5},
        secondary_label="Projects",
        secondary_money=False,
    )
    assert [(row.code, row.name, row.value, row.display, row.secondary_display) for row in result.rows] == [
        ("PE", "Peru", Decimal("140000.55"), "€ 140,000.55", "5"),
        ("SN", "Senegal", Decimal("48000.00"), "€ 48,000.00", "2"),
    ]
    assert "Peru: € 140,000.55" in result.svg


def test_few_distinct_values_get_one_class_each_and_many_get_quantiles():
    assert [item.label for item in _map({"SN": 1, "PE": 2, "MA": 2}).legend] == ["1", "2", "no data"]
    many = _map(
        {code: index for index, code in enumerate(["SN", "PE", "MA", "EC", "BF", "AL", "UA", "CN", "IN", "BR"], 1)}
    )
    labels = [item.label for item in many.legend]
    assert labels == ["1 – 2", "3 – 4", "5 – 6", "7 – 8", "9 – 10", "no data"]
    assert [item.css_class for item in many.legend][-1] == "cosv-map-c0"


def test_countries_without_a_shape_and_unknown_codes_stay_in_the_table():
    result = _map({"CV": 2, "MU": 1, "XX": 4, "IT": 0})
    assert [(row.code, row.name, row.on_map) for row in result.rows] == [
        ("XX", "XX", False),
        ("CV", "Cabo Verde", False),
        ("MU", "Mauritius", False),
    ]
    html = render_to_string("includes/world_map.html", {"map": result})
    assert '<th scope="row">Cabo Verde <span class="cosv-map-note">' in html
    assert "IT" not in [row.code for row in result.rows]  # zero: nothing to show


def test_empty_data_renders_a_message_and_no_map():
    result = _map({})
    assert result.rows == [] and result.legend == []
    html = render_to_string("includes/world_map.html", {"map": result})
    assert "<svg" not in html and "No data yet." in html


def test_the_include_has_legend_and_table_alternative():
    with translation.override("en"):
        result = world_map(
            {"SN": 3},
            title="Funded",
            value_label="Projects",
            secondary={"SN": Decimal("5.50")},
            secondary_label="Granted",
        )
        html = render_to_string("includes/world_map.html", {"map": result})
    assert '<span class="cosv-map-swatch cosv-map-c1" aria-hidden="true"></span> 3' in html
    assert f'<caption id="{result.map_id}-table-caption">Funded</caption>' in html
    assert f'tabindex="0" role="region" aria-labelledby="{result.map_id}-table-caption"' in html
    assert '<th scope="col" class="text-end">Granted</th>' in html and "€ 5.50" in html
    assert '<th scope="row">Senegal</th>' in html


def test_the_map_stays_small_and_antarctica_is_dropped():
    svg = _map({code: 1 for code in ["SN", "PE", "MA", "US", "RU", "CN", "BR"]}).svg
    assert len(svg.encode()) < 150_000
    assert "Antarctica" not in svg
    assert {shape.alpha2 for shape in base_geometry()} >= {"SN", "PE", "RU", "FJ", "GL"}


def test_the_geometry_is_decoded_once(monkeypatch):
    base_geometry.cache_clear()
    opened = []
    real_open = open

    def counting_open(*args, **kwargs):
        opened.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    _map({"SN": 1})
    _map({"PE": 2})
    assert opened == [worldmap.GEOMETRY_FILE]
    assert base_geometry.cache_info().hits >= 1
