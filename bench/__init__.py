"""`make bench`: a large synthetic programme in PostgreSQL, and what the reports and pages cost on it.

bench.generate builds the data (COPY on PostgreSQL, bulk INSERT elsewhere), bench.reports times each
report against the bare SQL aggregate computing the same figures, bench.pages counts the queries and
times the dashboards and list pages, bench.__main__ ties them together and writes bench-results.json.
"""
