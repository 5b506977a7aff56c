"""The star schema and the data marts (DuckDB DDL).

Grain and keys:
- `fact_sales`: one row per order line; `party_id` is the ordering party, `customer_id` the
  party it resolves to after merges (the survivor); amounts in integer cents (exact sums).
  `counted` is false for cancelled and returned orders (kept for returns analysis).
- `fact_orders`: one row per order (an aggregate of `fact_sales`, rebuilt at every refresh).
- `fact_interactions`: one row per timeline interaction, cost in cents, duration in seconds.
- `fact_marketing_cost`, `fact_service_cost`: derived at every refresh from interactions
  that carry a cost: campaign messages (channel `campaign`) are marketing cost; interactions
  linked to a support case (`link_app` `support`) or made by the contact center
  (`link_app` `contact_center`) are service cost. When marketing or support record costs
  of their own, add an extract for them here (the tables keep their shape).
- Dimensions: `dim_date` (day → month → quarter → year, with sortable labels),
  `dim_customer` (owner/team for visibility, province/city from the primary postal address,
  current segment; `customer_segment_history` keeps every segment a customer had, with
  validity intervals, from the parties' trait history), `dim_product` (category levels),
  `dim_channel`, `dim_staff`.
- Marts are views per subject: `mart_sales_monthly`, `mart_customer_value`,
  `mart_channel_monthly`, `mart_interactions_monthly`. They are not visibility-filtered:
  they feed models (RFM/CLV) and the query API filters on its own.

The DDL and views are plain ANSI SQL (no DuckDB-only types except DATE/TIMESTAMP), so the
schema can be recreated on a larger engine; sqlglot can transpile it.
"""

from __future__ import annotations

import duckdb

TABLES: dict[str, str] = {
    "meta": "key VARCHAR, value VARCHAR",
    "dim_date": (
        "date_key DATE, year INTEGER, quarter INTEGER, month INTEGER, day INTEGER, "
        "year_label VARCHAR, quarter_label VARCHAR, month_label VARCHAR, day_label VARCHAR"
    ),
    "dim_customer": (
        "customer_id BIGINT, name VARCHAR, kind VARCHAR, status VARCHAR, owner_id BIGINT, "
        "team_id BIGINT, merged_into_id BIGINT, province VARCHAR, city VARCHAR, "
        "segment VARCHAR, first_order_date DATE, last_order_date DATE, created_date DATE"
    ),
    "customer_segment_history": (
        "customer_id BIGINT, segment VARCHAR, valid_from TIMESTAMP, valid_to TIMESTAMP"
    ),
    "dim_product": (
        "product_id BIGINT, sku VARCHAR, name VARCHAR, category_id BIGINT, "
        "category_l1 VARCHAR, category_l2 VARCHAR, category_path VARCHAR"
    ),
    "dim_channel": "channel VARCHAR, label VARCHAR",
    "dim_staff": (
        "staff_id BIGINT, name VARCHAR, username VARCHAR, role VARCHAR, team_id BIGINT, "
        "team_name VARCHAR"
    ),
    "fact_sales": (
        "line_id BIGINT, order_id BIGINT, date_key DATE, party_id BIGINT, customer_id BIGINT, "
        "product_id BIGINT, channel VARCHAR, staff_id BIGINT, status VARCHAR, counted BOOLEAN, "
        "quantity INTEGER, amount_cents BIGINT"
    ),
    # Order grain, derived from fact_sales at every refresh: queries that do not involve
    # products read it instead (an aggregate table), so orders are COUNT(*), not DISTINCT.
    "fact_orders": (
        "order_id BIGINT, date_key DATE, customer_id BIGINT, channel VARCHAR, "
        "staff_id BIGINT, counted BOOLEAN, quantity BIGINT, amount_cents BIGINT"
    ),
    "fact_interactions": (
        "interaction_id BIGINT, date_key DATE, party_id BIGINT, customer_id BIGINT, "
        "channel VARCHAR, kind VARCHAR, direction VARCHAR, staff_id BIGINT, link_app VARCHAR, "
        "cost_cents BIGINT, duration_seconds INTEGER"
    ),
    "fact_marketing_cost": (
        "date_key DATE, customer_id BIGINT, channel VARCHAR, source VARCHAR, "
        "source_id BIGINT, cost_cents BIGINT"
    ),
    "fact_service_cost": (
        "date_key DATE, customer_id BIGINT, channel VARCHAR, source VARCHAR, "
        "source_id BIGINT, cost_cents BIGINT"
    ),
}

VIEWS: dict[str, str] = {
    "mart_sales_monthly": """
        SELECT d.month_label AS month, p.category_l1 AS category, f.channel,
               SUM(f.amount_cents) / 100.0 AS revenue, COUNT(DISTINCT f.order_id) AS orders,
               COUNT(DISTINCT f.customer_id) AS customers, SUM(f.quantity) AS quantity
        FROM fact_sales f
        JOIN dim_date d ON d.date_key = f.date_key
        LEFT JOIN dim_product p ON p.product_id = f.product_id
        WHERE f.counted
        GROUP BY d.month_label, p.category_l1, f.channel""",
    "mart_customer_value": """
        SELECT c.customer_id, c.name, c.owner_id, c.team_id, c.segment,
               c.first_order_date, c.last_order_date,
               COALESCE(s.orders, 0) AS frequency,
               COALESCE(s.revenue_cents, 0) / 100.0 AS revenue,
               CASE WHEN s.orders > 0 THEN s.revenue_cents / 100.0 / s.orders END AS monetary,
               COALESCE(i.interactions, 0) AS interactions,
               COALESCE(i.cost_cents, 0) / 100.0 AS interaction_cost,
               COALESCE(m.cost_cents, 0) / 100.0 AS marketing_cost,
               COALESCE(v.cost_cents, 0) / 100.0 AS service_cost
        FROM dim_customer c
        LEFT JOIN (SELECT customer_id, COUNT(DISTINCT order_id) AS orders,
                          SUM(amount_cents) AS revenue_cents
                   FROM fact_sales WHERE counted GROUP BY customer_id) s
               ON s.customer_id = c.customer_id
        LEFT JOIN (SELECT customer_id, COUNT(*) AS interactions,
                          SUM(cost_cents) AS cost_cents
                   FROM fact_interactions GROUP BY customer_id) i
               ON i.customer_id = c.customer_id
        LEFT JOIN (SELECT customer_id, SUM(cost_cents) AS cost_cents
                   FROM fact_marketing_cost GROUP BY customer_id) m
               ON m.customer_id = c.customer_id
        LEFT JOIN (SELECT customer_id, SUM(cost_cents) AS cost_cents
                   FROM fact_service_cost GROUP BY customer_id) v
               ON v.customer_id = c.customer_id
        WHERE c.merged_into_id IS NULL""",
    "mart_channel_monthly": """
        SELECT d.month_label AS month, x.channel,
               SUM(x.interactions) AS interactions, SUM(x.cost_cents) / 100.0 AS cost,
               SUM(x.orders) AS orders, SUM(x.revenue_cents) / 100.0 AS revenue
        FROM (SELECT date_key, channel, COUNT(*) AS interactions, SUM(cost_cents) AS cost_cents,
                     0 AS orders, 0 AS revenue_cents
              FROM fact_interactions GROUP BY date_key, channel
              UNION ALL
              SELECT date_key, channel, 0, 0, COUNT(DISTINCT order_id), SUM(amount_cents)
              FROM fact_sales WHERE counted GROUP BY date_key, channel) x
        JOIN dim_date d ON d.date_key = x.date_key
        GROUP BY d.month_label, x.channel""",
    "mart_interactions_monthly": """
        SELECT d.month_label AS month, f.channel, f.kind, f.direction,
               COUNT(*) AS interactions, SUM(f.cost_cents) / 100.0 AS cost,
               SUM(f.duration_seconds) AS duration_seconds
        FROM fact_interactions f JOIN dim_date d ON d.date_key = f.date_key
        GROUP BY d.month_label, f.channel, f.kind, f.direction""",
}


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view that does not exist yet (idempotent)."""
    for name, columns in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    for name, sql in VIEWS.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
