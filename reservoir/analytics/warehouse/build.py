"""Full build and incremental refresh of the warehouse.

A full build reads every source row into a fresh generation file. An incremental refresh
copies the current generation and applies only what changed since its watermark (stored in
the file's `meta` table, so it always matches the data):

- order lines with an id above the watermark are added; orders carry no `updated_at`, so the
  (status, party, owner, channel) of every order is compared with the warehouse's (two
  narrow columns per order) and the lines of changed or deleted orders are reloaded;
- interactions with an id above the watermark are added;
- for both facts, a count of source rows up to the watermark that differs from the
  warehouse's (a deleted row, or a row committed late with a lower id) triggers an id diff;
- parties whose row, primary address or segment trait changed since the last run's start
  (source clock, minus a margin) are reloaded into `dim_customer` and the segment history;
- staff, products and categories are small and reloaded every time;
- merges: facts keep the source `party_id` and carry `customer_id` = the surviving party;
  derived tables (cost facts, first/last order dates, `dim_date`, `dim_channel`) are
  recomputed from the facts at every refresh (seconds for millions of rows in DuckDB).

Every statement is idempotent per key (DELETE + INSERT), so re-running a refresh changes
nothing. Side effects: writes a new generation file and swaps it in (see `store`).

Unlike the query side, the load is DuckDB-specific (Arrow tables registered as views,
`timezone()`, `make_timestamp`, `range`): moving to a larger engine means replacing this
module's loading with that engine's bulk loader; the table shapes (`schema`) stay.
"""

# ruff: noqa: S608 - SQL here is assembled from model table names and fixed column
# lists only; every value is a bound parameter.

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.utils import timezone

from reservoir.analytics.warehouse import extract as src
from reservoir.analytics.warehouse import store
from reservoir.analytics.warehouse.schema import create_schema

Progress = Callable[[int, str], None]
MARGIN_S = 120  # re-read parties changed this long before the last run's start
NOT_COUNTED = ("cancelled", "returned")


def segment_trait_key() -> str:
    return str(getattr(settings, "ANALYTICS_SEGMENT_TRAIT", "rfm.segment"))


@dataclass
class RefreshResult:
    full: bool
    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    watermark: dict[str, Any] = field(default_factory=dict)


def read_watermark() -> dict[str, Any] | None:
    """The watermark of the current generation, or None before the first build."""
    if store.current_file() is None:
        return None
    con = store.read_connection()
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'watermark'").fetchall()
        row = rows[0] if rows else None
    finally:
        con.close()
    return json.loads(row[0]) if row else None


def refresh(*, full: bool, progress: Progress | None = None) -> RefreshResult:
    """Build (full) or refresh (incremental) the warehouse; return counts and the watermark.

    Falls back to a full build when there is no warehouse yet. Blocks while another refresh
    runs (file lock). Side effects: a new generation file swapped in.
    """
    report = progress or (lambda _p, _s: None)
    with store.write_lock():
        old = None if full else read_watermark()
        result = RefreshResult(full=old is None)
        with store.new_generation(copy_current=old is not None) as con:
            _Builder(con, report, result, old).run()
    return result


class _Builder:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        report: Progress,
        result: RefreshResult,
        old: dict[str, Any] | None,
    ) -> None:
        self.con, self.report, self.result, self.old = con, report, result, old
        self.tz = settings.TIME_ZONE

    # ------------------------------------------------------------------ driver

    def run(self) -> None:
        con = self.con
        create_schema(con)
        started = src.source_now()
        max_line = int(src.scalar(f"SELECT MAX(id) FROM {src.table('sales.OrderLine')}") or 0)
        max_inter = int(src.scalar(f"SELECT MAX(id) FROM {src.table('timeline.Interaction')}") or 0)
        old = self.old or {}
        self.report(2, "staff and products")
        self._staff()
        self._products()
        self.report(5, "customers")
        self._customers(None if self.old is None else int(old["since"]) - MARGIN_S)
        self.report(15, "sales")
        self._sales(int(old.get("line_id", 0)), max_line, 15, 50)
        self.report(50, "interactions")
        self._interactions(int(old.get("interaction_id", 0)), max_inter, 50, 85)
        self.report(85, "derived tables")
        if self.old is None:
            self._sort_facts()
        self._derive()
        wm = {"since": started, "line_id": max_line, "interaction_id": max_inter}
        now = dt.datetime.now(dt.UTC).isoformat()
        con.execute("DELETE FROM meta")
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [["watermark", json.dumps(wm)], ["refreshed_at", now], ["time_zone", self.tz]],
        )
        for name in ("fact_sales", "fact_interactions", "dim_customer", "dim_product"):
            self.result.rows[name] = int(_one(con, f"SELECT COUNT(*) FROM {name}"))
        self.result.watermark = wm
        self.report(95, "saving")

    # ------------------------------------------------------------ dimensions

    def _staff(self) -> None:
        from reservoir.iam.models import User

        rows = [
            (u.pk, str(u), u.username, u.role, u.team_id, u.team.name if u.team else "")
            for u in User.objects.select_related("team").order_by("pk")
        ]
        schema = pa.schema(
            [
                ("staff_id", pa.int64()),
                ("name", pa.string()),
                ("username", pa.string()),
                ("role", pa.string()),
                ("team_id", pa.int64()),
                ("team_name", pa.string()),
            ]
        )
        self._replace_all("dim_staff", src.to_arrow(rows, schema))

    def _products(self) -> None:
        from reservoir.sales.models import Product, ProductCategory

        paths = dict(ProductCategory.objects.values_list("id", "path"))
        rows = []
        for pid, sku, name, cat in Product.objects.values_list("id", "sku", "name", "category"):
            parts = [p.strip() for p in (paths.get(cat) or "").split(" / ") if p.strip()]
            l1 = parts[0] if parts else ""
            l2 = parts[1] if len(parts) > 1 else ""
            rows.append((pid, sku, name, cat, l1, l2, " / ".join(parts)))
        schema = pa.schema(
            [
                ("product_id", pa.int64()),
                ("sku", pa.string()),
                ("name", pa.string()),
                ("category_id", pa.int64()),
                ("category_l1", pa.string()),
                ("category_l2", pa.string()),
                ("category_path", pa.string()),
            ]
        )
        self._replace_all("dim_product", src.to_arrow(rows, schema))

    def _replace_all(self, name: str, data: pa.Table) -> None:
        self.con.execute(f"DELETE FROM {name}")
        self.con.register("stage", data)
        self.con.execute(f"INSERT INTO {name} SELECT * FROM stage")
        self.con.unregister("stage")

    def _customers(self, since: int | None) -> None:
        key = segment_trait_key()
        if since is None:
            ids: list[int] | None = None
            top = int(src.scalar(f"SELECT MAX(id) FROM {src.table('parties.Party')}") or 0)
            parties = _concat(
                src.pages(src.parties_select(), "id", src.PARTIES, after=0, upto=top),
                src.PARTIES,
            )
            top = int(src.scalar(f"SELECT MAX(id) FROM {src.table('parties.PostalAddress')}") or 0)
            select = src.addresses_select()
            addresses = _concat(
                src.pages(select, "id", src.ADDRESSES, after=0, upto=top), src.ADDRESSES
            )
        else:
            ids = src.changed_party_ids(since, key)
            self.result.changed["customers"] = len(ids)
            if not ids:
                return
            parties = _concat(src.by_ids(src.parties_select(), "id", ids, src.PARTIES), src.PARTIES)
            addresses = _concat(
                src.by_ids(src.addresses_select(), "party_id", ids, src.ADDRESSES), src.ADDRESSES
            )
        con = self.con
        con.register("sp", parties)
        con.register("sa", addresses)
        con.register("ss", src.segments(key, ids))
        con.register("sh", src.segment_history(key, ids))
        con.execute("DELETE FROM dim_customer WHERE customer_id IN (SELECT id FROM sp)")
        con.execute(
            """
            INSERT INTO dim_customer
            SELECT p.id, p.name, p.kind, p.status, p.owner_id, p.team_id, p.merged_into_id,
                   COALESCE(a.region, ''), COALESCE(a.city, ''), COALESCE(s.segment, ''),
                   NULL, NULL, CAST(timezone(?, to_timestamp(p.created_epoch)) AS DATE)
            FROM sp p
            LEFT JOIN (SELECT party_id, region, city, row_number() OVER
                         (PARTITION BY party_id ORDER BY is_primary DESC, id) AS rn
                       FROM sa) a ON a.party_id = p.id AND a.rn = 1
            LEFT JOIN ss s ON s.party_id = p.id
            """,
            [self.tz],
        )
        con.execute("DELETE FROM customer_segment_history WHERE customer_id IN (SELECT id FROM sp)")
        con.execute(
            """
            INSERT INTO customer_segment_history
            SELECT party_id, segment, make_timestamp(epoch * 1000000),
                   LEAD(make_timestamp(epoch * 1000000))
                       OVER (PARTITION BY party_id ORDER BY epoch)
            FROM sh
            """
        )
        for name in ("sp", "sa", "ss", "sh"):
            con.unregister(name)

    # ------------------------------------------------------------------ facts

    def _load_sales(self, page: pa.Table, *, replace: bool) -> None:
        con = self.con
        con.register("page", page)
        if replace:
            con.execute("DELETE FROM fact_sales WHERE line_id IN (SELECT line_id FROM page)")
        con.execute(
            """
            INSERT INTO fact_sales
            SELECT line_id, order_id, CAST(timezone(?, to_timestamp(epoch)) AS DATE),
                   party_id, party_id, product_id, COALESCE(channel, ''), staff_id, status,
                   status NOT IN ('cancelled', 'returned'), quantity, amount_cents
            FROM page
            """,
            [self.tz],
        )
        con.unregister("page")

    def _sales(self, after: int, upto: int, p0: int, p1: int) -> None:
        select, incremental = src.sales_select(), self.old is not None
        changed = 0
        if incremental:
            changed += self._changed_orders()
            changed += self._id_diff("fact_sales", "line_id", src.table("sales.OrderLine"), after)
        total = max(upto - after, 1)
        for page in src.pages(select, "l.id", src.SALES, after=after, upto=upto):
            self._load_sales(page, replace=incremental)
            changed += page.num_rows
            done = int(page.column("line_id")[-1].as_py()) - after
            self.report(p0 + (p1 - p0) * done // total, "sales")
        self.result.changed["sales"] = changed

    def _changed_orders(self) -> int:
        """Reload the lines of orders whose state changed; drop lines of deleted orders."""
        con = self.con
        con.register("so", src.orders_state())
        rows = con.execute(
            """
            SELECT w.order_id, s.order_id IS NULL AS gone
            FROM (SELECT order_id, any_value(status) AS status, any_value(party_id) AS party_id,
                         any_value(staff_id) AS staff_id, any_value(channel) AS channel
                  FROM fact_sales GROUP BY order_id) w
            LEFT JOIN so s ON s.order_id = w.order_id
            WHERE s.order_id IS NULL OR s.status IS DISTINCT FROM w.status
               OR s.party_id IS DISTINCT FROM w.party_id
               OR s.staff_id IS DISTINCT FROM w.staff_id
               OR COALESCE(s.channel, '') IS DISTINCT FROM w.channel
            """
        ).fetchall()
        con.unregister("so")
        ids = [int(r[0]) for r in rows]
        if not ids:
            return 0
        _delete_ids(con, "fact_sales", "order_id", ids)
        reload = [int(r[0]) for r in rows if not r[1]]
        for page in src.by_ids(src.sales_select(), "l.order_id", reload, src.SALES):
            self._load_sales(page, replace=True)
        return len(ids)

    def _load_interactions(self, page: pa.Table, *, replace: bool) -> None:
        con = self.con
        con.register("page", page)
        if replace:
            con.execute(
                "DELETE FROM fact_interactions "
                "WHERE interaction_id IN (SELECT interaction_id FROM page)"
            )
        con.execute(
            """
            INSERT INTO fact_interactions
            SELECT interaction_id, CAST(timezone(?, to_timestamp(epoch)) AS DATE), party_id,
                   party_id, channel, kind, direction, staff_id, COALESCE(link_app, ''),
                   cost_cents, duration_seconds
            FROM page
            """,
            [self.tz],
        )
        con.unregister("page")

    def _interactions(self, after: int, upto: int, p0: int, p1: int) -> None:
        select, incremental = src.interactions_select(), self.old is not None
        changed = 0
        if incremental:
            changed += self._id_diff(
                "fact_interactions", "interaction_id", src.table("timeline.Interaction"), after
            )
        total = max(upto - after, 1)
        for page in src.pages(select, "id", src.INTERACTIONS, after=after, upto=upto):
            self._load_interactions(page, replace=incremental)
            changed += page.num_rows
            done = int(page.column("interaction_id")[-1].as_py()) - after
            self.report(p0 + (p1 - p0) * done // total, "interactions")
        self.result.changed["interactions"] = changed

    def _id_diff(self, fact: str, key: str, source: str, upto: int) -> int:
        """When the source holds a different number of rows up to `upto` than the warehouse,
        delete the warehouse rows gone from the source and load the ones it lacks."""
        have = int(_one(self.con, f"SELECT COUNT(*) FROM {fact} WHERE {key} <= ?", [upto]))
        count = int(src.scalar(f"SELECT COUNT(*) FROM {source} WHERE id <= %s", [upto]) or 0)
        if have == count:
            return 0
        ids = src.fetch(
            f"SELECT id FROM {source} WHERE id <= %s", [upto], pa.schema([("id", pa.int64())])
        )
        self.con.register("ids", ids)
        gone = [
            int(r[0])
            for r in self.con.execute(
                f"SELECT {key} FROM {fact} WHERE {key} <= ? AND {key} NOT IN (SELECT id FROM ids)",
                [upto],
            ).fetchall()
        ]
        missing = [
            int(r[0])
            for r in self.con.execute(
                f"SELECT id FROM ids WHERE id NOT IN (SELECT {key} FROM {fact})"
            ).fetchall()
        ]
        self.con.unregister("ids")
        _delete_ids(self.con, fact, key, gone)
        if fact == "fact_sales":
            for page in src.by_ids(src.sales_select(), "l.id", missing, src.SALES):
                self._load_sales(page, replace=True)
        else:
            for page in src.by_ids(src.interactions_select(), "id", missing, src.INTERACTIONS):
                self._load_interactions(page, replace=True)
        return len(gone) + len(missing)

    # --------------------------------------------------------------- derived

    def _sort_facts(self) -> None:
        """Store the facts in date order, so date filters skip whole row groups (zone maps).
        Incremental refreshes append recent rows, which keeps the order nearly intact."""
        con = self.con
        for fact, key in (("fact_sales", "line_id"), ("fact_interactions", "interaction_id")):
            con.execute(
                f"CREATE TABLE {fact}_sorted AS SELECT * FROM {fact} ORDER BY date_key, {key}"
            )
            con.execute(f"DROP TABLE {fact}")
            con.execute(f"ALTER TABLE {fact}_sorted RENAME TO {fact}")
        create_schema(con)  # views bind by name; recreate them over the new tables

    def _derive(self) -> None:
        con = self.con
        merged = con.execute(
            "SELECT customer_id, merged_into_id FROM dim_customer WHERE merged_into_id IS NOT NULL"
        ).fetchall()
        survivor = _resolve_merges({int(a): int(b) for a, b in merged})
        cmap = src.to_arrow(
            sorted(survivor.items()), pa.schema([("party_id", pa.int64()), ("to_id", pa.int64())])
        )
        con.register("cmap", cmap)
        for fact in ("fact_sales", "fact_interactions"):
            # Rows whose party was merged point at the survivor; the rest at their own party.
            con.execute(
                f"UPDATE {fact} SET customer_id = COALESCE(m.to_id, {fact}.party_id) "
                f"FROM (SELECT DISTINCT f.party_id, m.to_id FROM {fact} f "
                f"      LEFT JOIN cmap m ON m.party_id = f.party_id) m "
                f"WHERE {fact}.party_id = m.party_id "
                f"AND {fact}.customer_id IS DISTINCT FROM COALESCE(m.to_id, {fact}.party_id)"
            )
        con.unregister("cmap")
        con.execute("UPDATE dim_customer SET first_order_date = NULL, last_order_date = NULL")
        con.execute(
            """
            UPDATE dim_customer SET first_order_date = s.first_day, last_order_date = s.last_day
            FROM (SELECT customer_id, MIN(date_key) AS first_day, MAX(date_key) AS last_day
                  FROM fact_sales WHERE counted GROUP BY customer_id) s
            WHERE dim_customer.customer_id = s.customer_id
            """
        )
        con.execute("DELETE FROM fact_orders")
        con.execute(
            "INSERT INTO fact_orders SELECT order_id, MIN(date_key), MIN(customer_id), "
            "MIN(channel), MIN(staff_id), BOOL_AND(counted), SUM(quantity), SUM(amount_cents) "
            "FROM fact_sales GROUP BY order_id ORDER BY MIN(date_key), order_id"
        )
        con.execute("DELETE FROM fact_marketing_cost")
        con.execute(
            "INSERT INTO fact_marketing_cost SELECT date_key, customer_id, channel, "
            "'interaction', interaction_id, cost_cents FROM fact_interactions "
            "WHERE channel = 'campaign' AND cost_cents IS NOT NULL"
        )
        con.execute("DELETE FROM fact_service_cost")
        con.execute(
            "INSERT INTO fact_service_cost SELECT date_key, customer_id, channel, "
            "'interaction', interaction_id, cost_cents FROM fact_interactions "
            "WHERE link_app IN ('support', 'contact_center') AND cost_cents IS NOT NULL"
        )
        self._dates()
        self._channels()

    def _dates(self) -> None:
        con = self.con
        lo, hi = con.execute(
            "SELECT MIN(d), MAX(d) FROM (SELECT MIN(date_key) AS d FROM fact_sales UNION ALL "
            "SELECT MAX(date_key) FROM fact_sales UNION ALL SELECT MIN(date_key) "
            "FROM fact_interactions UNION ALL SELECT MAX(date_key) FROM fact_interactions) x"
        ).fetchall()[0]
        today = timezone.localdate()
        lo = min(lo or today, today.replace(month=1, day=1))
        hi = max(hi or today, dt.date(today.year, 12, 31))
        con.execute("DELETE FROM dim_date")
        con.execute(
            """
            INSERT INTO dim_date
            SELECT d, year(d), quarter(d), month(d), day(d), strftime(d, '%Y'),
                   strftime(d, '%Y') || '-Q' || CAST(quarter(d) AS VARCHAR),
                   strftime(d, '%Y-%m'), strftime(d, '%Y-%m-%d')
            FROM (SELECT CAST(range AS DATE) AS d
                  FROM range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP) + INTERVAL 1 DAY,
                             INTERVAL 1 DAY)) x
            """,
            [lo, hi],
        )

    def _channels(self) -> None:
        from reservoir.timeline.enums import Channel

        labels = {str(k): str(v) for k, v in Channel.choices}
        codes = [
            r[0]
            for r in self.con.execute(
                "SELECT channel FROM fact_sales UNION SELECT channel FROM fact_interactions"
            ).fetchall()
        ]
        rows = [(c, labels.get(c, c)) for c in sorted(set(codes) | set(labels))]
        schema = pa.schema([("channel", pa.string()), ("label", pa.string())])
        self._replace_all("dim_channel", src.to_arrow(rows, schema))


def _concat(tables: Iterable[pa.Table], schema: pa.Schema) -> pa.Table:
    parts = list(tables)
    return pa.concat_tables(parts) if parts else schema.empty_table()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _delete_ids(con: duckdb.DuckDBPyConnection, fact: str, key: str, ids: list[int]) -> None:
    if not ids:
        return
    con.register("del_ids", pa.table({"id": pa.array(ids, type=pa.int64())}))
    con.execute(f"DELETE FROM {fact} WHERE {key} IN (SELECT id FROM del_ids)")
    con.unregister("del_ids")


def _resolve_merges(into: dict[int, int]) -> dict[int, int]:
    """Follow merge chains (a → b → c) to the final survivor; cycles stop where they loop."""
    out: dict[int, int] = {}
    for start, first in into.items():
        seen, cur = {start}, first
        while cur in into and into[cur] not in seen:
            seen.add(cur)
            cur = into[cur]
        out[start] = cur
    return out
