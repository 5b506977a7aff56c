"""The analytics data warehouse: a DuckDB star schema built from the operational database.

Modules: `schema` (DDL of the star tables and marts), `extract` (reads the source through
the Django connection's DB-API cursor into Arrow), `build` (full and incremental refresh),
`store` (file generations, the write lock and cached read-only connections), `query` (the
OLAP query API the report pages use), run by `engine` (result layout) over `aggregate` (the
SQL of each fact), `measures` (derived values) and `periods` (comparison periods);
`cohorts` (cohort retention) and `access` (the visibility predicate).
"""
