"""Queries and server time of the dashboards and list pages, through Django's test client.

Each page is requested as the person who would see it (force_login; staff are enrolled in TOTP,
so the two-factor middleware lets them through). One warm-up request fills the caches (templates,
the connection, the session's two-factor flag); then one request runs under CaptureQueriesContext
to count the queries, and RUNS more are timed without it (capturing adds its own overhead). The time
is the median, measured around `client.get`: URL resolution, middleware, view, template and the
test client's own small overhead — everything but the network.

The list is data: a page whose URL name does not exist (yet) is reported "not available".
"""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .generate import APPLICANT_EMAIL, EVALUATOR_EMAIL, FUNDER_EMAIL, NGO_EMAIL, OFFICER_EMAIL

MAX_QUERIES = 20
MAX_MS = 200.0
RUNS = 5

ROLE_EMAILS = {
    "officer": OFFICER_EMAIL,
    "funder": FUNDER_EMAIL,
    "applicant": APPLICANT_EMAIL,
    "ngo": NGO_EMAIL,
    "evaluator": EVALUATOR_EMAIL,
}


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # "anonymous" or a key of ROLE_EMAILS
    url_name: str
    # Keyword arguments of the URL, by landmark name (bench.generate.Programme.landmarks).
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    htmx: bool = False


PAGES = [
    # Public
    Page("home", "anonymous", "home"),
    Page("calls list", "anonymous", "calls:list"),
    Page("associations directory", "anonymous", "associations:directory"),
    Page("call results (public)", "anonymous", "funding:results", {"code": "latest_results_call"}),
    Page("open data", "anonymous", "reports:opendata"),
    Page("open data, by country", "anonymous", "reports:opendata", query="country=SN"),
    Page("open data, continent + category", "anonymous", "reports:opendata", query="continent=africa&cost_category=E"),
    Page("open data, one call", "anonymous", "reports:opendata", query="call={latest_results_call}"),
    Page("open data, list (htmx)", "anonymous", "reports:opendata", query="country=PE&page=last", htmx=True),
    Page("open data, last page", "anonymous", "reports:opendata", query="page=last"),
    Page("transparency register", "anonymous", "reports:transparency"),
    Page("transparency register, last page", "anonymous", "reports:transparency", query="page=last"),
    # Dashboards
    Page("dashboard (officer)", "officer", "dashboard"),
    Page("dashboard (funder)", "funder", "dashboard"),
    Page("dashboard (applicant)", "applicant", "dashboard"),
    Page("dashboard (NGO)", "ngo", "dashboard"),
    Page("dashboard (evaluator)", "evaluator", "dashboard"),
    Page("funder dashboard", "funder", "funding:funder-dashboard"),
    Page("programme dashboard", "officer", "funding:programme-dashboard"),
    # Staff lists
    Page("calls (manage)", "officer", "calls:manage"),
    Page("questions (manage)", "officer", "calls:manage-questions"),
    Page("verification queue", "officer", "associations:verification-queue"),
    Page("evaluation: calls", "officer", "evaluation:calls"),
    Page("evaluation: call proposals", "officer", "evaluation:call-proposals", {"code": "evaluation_call"}),
    Page("evaluation: ranking", "officer", "evaluation:ranking", {"code": "evaluation_call"}),
    Page("funding: calls", "officer", "funding:index"),
    Page("funding: call decision", "officer", "funding:decision", {"code": "latest_results_call"}),
    Page("funding: requests for review", "officer", "funding:review-requests"),
    Page("report runs", "officer", "reports:run-list"),
    # Funders
    Page("funder sign-off", "funder", "funding:signoff", {"code": "evaluation_call"}),
    Page("report runs (funder)", "funder", "reports:run-list"),
]


def page_url(page: Page, landmarks: dict) -> str:
    kwargs = {key: landmarks[landmark] for key, landmark in page.kwargs.items()}
    url = reverse(page.url_name, kwargs=kwargs)
    if page.query:
        url += "?" + page.query.format(**landmarks)
    return url


def _client(role: str) -> Client:
    from accounts.models import User

    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(User.objects.get(email=ROLE_EMAILS[role]))
    return client


def measure_page(page: Page, landmarks: dict, runs: int = RUNS) -> dict:
    result = {"name": page.name, "role": page.role, "url_name": page.url_name}
    try:
        url = page_url(page, landmarks)
    except (NoReverseMatch, KeyError) as error:
        return {**result, "status": "not available", "reason": f"{type(error).__name__}: {error}"}
    result["url"] = url
    headers = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
    client = _client(page.role)
    warm = client.get(url, **headers)
    if warm.status_code != 200:
        return {**result, "status": "error", "http_status": warm.status_code, "reason": _reason(warm)}
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    # Read now: the next request empties the connection's query log.
    captured_queries = list(captured.captured_queries)
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **headers)
        size = len(response.content)
        times.append((time.perf_counter() - started) * 1000)
    queries = len(captured_queries)
    median = statistics.median(times)
    slowest = sorted(captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    return {
        **result,
        "status": "measured",
        "http_status": 200,
        "queries": queries,
        "median_ms": round(median, 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "bytes": size,
        "slowest_queries": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in slowest],
        "queries_ok": queries < MAX_QUERIES,
        "time_ok": median < MAX_MS,
        "pass": queries < MAX_QUERIES and median < MAX_MS,
    }


def _reason(response) -> str:
    if response.status_code in (301, 302):
        return f"redirected to {response.headers.get('Location')}"
    return f"HTTP {response.status_code}"


def measure_pages(landmarks: dict, *, pages=None, runs: int = RUNS, log=print) -> list[dict]:
    results = []
    for page in pages or PAGES:
        try:
            outcome = measure_page(page, landmarks, runs=runs)
        except Exception as error:  # a page that crashes is a result too, not the end of the bench
            outcome = {"name": page.name, "role": page.role, "status": "error", "reason": repr(error)[:500]}
        results.append(outcome)
        if outcome["status"] == "measured":
            log(f"  {page.name:<36} {outcome['queries']:>3} queries {outcome['median_ms']:>8.1f} ms")
        else:
            log(f"  {page.name:<36} {outcome['status']}: {outcome.get('reason', '')}")
    return results
