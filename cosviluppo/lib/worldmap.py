"""A world choropleth drawn on the server as SVG, from the vendored Natural Earth geometry.

No tile server and no JavaScript: the map works offline, in PDFs and without scripts. The
geometry is world-atlas's countries-110m.json (TopoJSON, ISC licence, Natural Earth public-domain
data); its feature ids are ISO 3166-1 numeric codes, which django-countries maps to the alpha-2
codes the portal stores. Tiny states (Cape Verde, Mauritius…) have no shape at this scale: they
still appear in the table that goes with every map.
"""

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

GEOMETRY_FILE = settings.BASE_DIR / "static" / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH = 960
ANTARCTICA = "010"
CLASS_COUNT = 5

# Equal Earth projection (Šavrič, Patterson, Jenny 2018): equal-area, and kinder to the
# global south than equirectangular, in a few lines.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_X_MAX = 2.7066297  # x at longitude 180°, latitude 0
_Y_TOP, _Y_BOTTOM = 1.31, -1.04  # 84° N to 56° S: the land once Antarctica is dropped


def _equal_earth(lon: float, lat: float) -> tuple[float, float]:
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    denominator = 3 * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2))
    x = 2 * math.sqrt(3) * math.radians(lon) * math.cos(theta) / denominator
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


SCALE = WIDTH / (2 * _X_MAX)
HEIGHT = round((_Y_TOP - _Y_BOTTOM) * SCALE)


def _to_svg(lon: float, lat: float) -> tuple[int, int]:
    x, y = _equal_earth(lon, lat)
    # Whole units of a 960-wide map: finer than the 110m geometry, and a small file.
    return round((x + _X_MAX) * SCALE), round((_Y_TOP - y) * SCALE)


Point = tuple[float, float]


def _decode_arcs(topology: dict) -> list[list[Point]]:
    """TopoJSON arcs are delta-encoded integers; the transform turns them into degrees."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x += step_x
            y += step_y
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        # A negative index ~i is arc i walked backwards; consecutive arcs share their end point.
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _clip(ring: list[Point], inside: Callable[[Point], bool], edge_lon: float) -> list[Point]:
    """Sutherland–Hodgman against one meridian: the part of the ring on the `inside` side."""
    clipped: list[Point] = []
    for index, current in enumerate(ring):
        previous = ring[index - 1]
        if inside(current) != inside(previous):
            share = (edge_lon - previous[0]) / (current[0] - previous[0])
            clipped.append((edge_lon, previous[1] + share * (current[1] - previous[1])))
        if inside(current):
            clipped.append(current)
    return clipped


def _split_at_antimeridian(ring: list[Point]) -> list[list[Point]]:
    """world-atlas stitches rings across ±180° (Russia's Chukotka, Fiji): unwrap the longitudes,
    then cut the ring into the pieces that fall on each side of the map."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        lon += 360 * round((previous - lon) / 360)
        unwrapped.append((lon, lat))
    low, high = min(point[0] for point in unwrapped), max(point[0] for point in unwrapped)
    if low >= -180 and high <= 180:
        return [ring]
    pieces = []
    for offset in (-360, 0, 360):
        shifted = [(lon + offset, lat) for lon, lat in unwrapped]
        piece = _clip(_clip(shifted, lambda point: point[0] >= -180, -180), lambda point: point[0] <= 180, 180)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def _path(rings: list[list[Point]]) -> str:
    """Relative SVG path data: short deltas, repeated points dropped, slivers left out."""
    parts = []
    for ring_degrees in rings:
        ring = [_to_svg(lon, lat) for lon, lat in ring_degrees]
        unique = [point for i, point in enumerate(ring) if i == 0 or point != ring[i - 1]]
        if len(set(unique)) < 3:
            continue
        (x0, y0), deltas = unique[0], []
        previous = unique[0]
        for x, y in unique[1:]:
            deltas.append(f"{x - previous[0]} {y - previous[1]}")
            previous = (x, y)
        parts.append(f"M{x0} {y0}l" + " ".join(deltas) + "z")
    return "".join(parts).replace(" -", "-")


@dataclass(frozen=True)
class CountryShape:
    numeric: str
    alpha2: str  # '' for territories without an ISO code (Kosovo, Somaliland, N. Cyprus)
    atlas_name: str
    path: str


@lru_cache(maxsize=1)
def base_geometry() -> tuple[CountryShape, ...]:
    """Every country's projected outline, decoded once per process (the file is 108 KB)."""
    with open(GEOMETRY_FILE, encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = _decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id") or ""
        if numeric == ANTARCTICA:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [
            piece for polygon in polygons for ring in polygon for piece in _split_at_antimeridian(_ring(arcs, ring))
        ]
        path = _path(rings)
        if not path:
            continue
        alpha2 = (countries.alpha2(int(numeric)) or "") if numeric.isdigit() else ""
        shapes.append(CountryShape(numeric, alpha2, geometry["properties"].get("name", ""), path))
    return tuple(shapes)


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    value: Decimal | int
    display: str
    secondary: Decimal | int | None = None
    secondary_display: str = ""
    on_map: bool = True


@dataclass(frozen=True)
class LegendClass:
    css_class: str
    label: str


@dataclass
class WorldMap:
    """What templates/includes/world_map.html renders: the SVG, its legend and its table."""

    map_id: str
    title: str
    value_label: str
    svg: SafeString
    rows: list[MapRow]
    legend: list[LegendClass] = field(default_factory=list)
    secondary_label: str = ""
    description: str = ""


def _format(value: Decimal | int, money: bool) -> str:
    from cosviluppo.templatetags.formatting import eur, grouped

    return eur(value) if money else grouped(value)


def _class_bounds(values: list[Decimal | int]) -> list[Decimal | int]:
    """Upper bounds of up to CLASS_COUNT colour classes: one per value when there are few
    distinct values, otherwise quantiles of the countries' values."""
    distinct = sorted(set(values))
    if len(distinct) <= CLASS_COUNT:
        return distinct
    ordered = sorted(values)
    bounds: list[Decimal | int] = []
    for step in range(1, CLASS_COUNT + 1):
        bound = ordered[min(len(ordered) - 1, math.ceil(step * len(ordered) / CLASS_COUNT) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _class_of(value: Decimal | int, bounds: list[Decimal | int]) -> int:
    return next(index for index, bound in enumerate(bounds) if value <= bound)


def world_map(
    values: Mapping[str, Decimal | int],
    *,
    title: str,
    value_label: str,
    money: bool = False,
    secondary: Mapping[str, Decimal | int] | None = None,
    secondary_label: str = "",
    secondary_money: bool = True,
    map_id: str = "",
) -> WorldMap:
    """A choropleth of `values` (ISO alpha-2 code → number; zero and negative values are left
    out). `secondary` adds a column to the table (e.g. amounts granted beside projects funded)."""
    map_id = map_id or "map-" + (slugify(title) or "world")
    secondary = secondary or {}
    data = {code.upper(): value for code, value in values.items() if code and value and value > 0}
    shapes = base_geometry()
    drawn = {shape.alpha2 for shape in shapes if shape.alpha2}

    rows = [
        MapRow(
            code=code,
            name=str(countries.name(code) or code),
            value=value,
            display=_format(value, money),
            secondary=secondary.get(code),
            secondary_display=_format(secondary[code], secondary_money) if code in secondary else "",
            on_map=code in drawn,
        )
        for code, value in data.items()
    ]
    rows.sort(key=lambda row: (-row.value, row.name))

    bounds = _class_bounds(list(data.values()))
    legend, low = [], None
    for index, bound in enumerate(bounds):
        members = [value for value in data.values() if _class_of(value, bounds) == index]
        low = min(members)
        label = _format(low, money) if low == bound else f"{_format(low, money)} – {_format(bound, money)}"
        legend.append(LegendClass(f"cosv-map-c{index + 1}", label))
    if data:
        legend.append(LegendClass("cosv-map-c0", _("no data")))

    paths = []
    for shape in shapes:
        value = data.get(shape.alpha2) if shape.alpha2 else None
        name = str(countries.name(shape.alpha2)) if shape.alpha2 else shape.atlas_name
        if value is None:
            paths.append(format_html('<path class="cosv-map-c0" d="{}"><title>{}</title></path>', shape.path, name))
        else:
            css_class = f"cosv-map-c{_class_of(value, bounds) + 1}"
            label = f"{name}: {_format(value, money)}"
            paths.append(format_html('<path class="{}" d="{}"><title>{}</title></path>', css_class, shape.path, label))

    description = _("%(count)s countries; the table below lists every value.") % {"count": len(rows)}
    svg = format_html(
        '<svg class="cosv-world-map" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        map_id,
        map_id,
        map_id,
        title,
        map_id,
        description,
        mark_safe("".join(paths)),  # each path escaped by format_html above
    )
    return WorldMap(
        map_id=map_id,
        title=title,
        value_label=value_label,
        svg=svg,
        rows=rows,
        legend=legend,
        secondary_label=secondary_label,
        description=description,
    )
