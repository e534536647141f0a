"""DuckDB baselines: the same sums and invoice totals straight from the CSV files, one query each.

Rounding as the contract says: an invoice line (one customer's month of one product) rounds
to the cent half up (DuckDB rounds decimals half away from zero, as Python's ROUND_HALF_UP),
its discount is the rounded gross times the rate rounded again, and commissions use the band
the rounded quarterly performance reaches. Amounts are read as DECIMAL(18,6): exact.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from bench.config import MONTHS, QUARTER

USAGE_COLUMNS = ("{'line_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product': 'VARCHAR', 'usage_date': 'DATE', "
                 "'amount': 'DECIMAL(18,6)', 'commissionable': 'BOOLEAN'}")
CUSTOMER_COLUMNS = "{'customer_id': 'VARCHAR', 'partner_id': 'VARCHAR', 'associated_on': 'DATE'}"


def _usage(paths: list[Path]) -> str:
    files = ", ".join(f"'{p}'" for p in paths)
    return f"read_csv([{files}], header = true, columns = {USAGE_COLUMNS})"


def _text(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def load_plan(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _plan_tables(plan: dict, name: str) -> str:
    """CTEs of one plan: `{name}_tiers` (type, tier, discount), `{name}_bands` (type, tier, from, rate)."""
    tiers, bands = [], []
    for kind in ("direct_reseller", "distributor"):
        for tier, terms in plan[kind]["tiers"].items():
            tiers.append(f"({_text(kind)}, {_text(tier)}, {Decimal(str(terms['discount_rate']))}::DECIMAL(9,6))")
            for band in terms["commission"]:
                bands.append(f"({_text(kind)}, {_text(tier)}, {Decimal(str(band['from']))}::DECIMAL(18,2), "
                             f"{Decimal(str(band['rate']))}::DECIMAL(9,6))")
    defaults = ", ".join(f"({_text(k)}, {_text(plan[k]['default_tier'])})" for k in ("direct_reseller", "distributor"))
    return (f"{name}_tiers(kind, tier, discount) AS (VALUES {', '.join(tiers)}),\n"
            f"{name}_bands(kind, tier, start, rate) AS (VALUES {', '.join(bands)}),\n"
            f"{name}_defaults(kind, tier) AS (VALUES {defaults})")


def _excluded(plan: dict) -> str:
    products = plan.get("non_commissionable_products") or []
    return "(" + ", ".join(_text(p) for p in products) + ")" if products else "('')"


def _owned(data: Path, paths: list[Path]) -> str:
    """CTEs: partners, each customer's spans of ownership, and lines joined to their owner."""
    return f"""
partners AS (
    SELECT CAST(id AS INTEGER) AS id, partner_type, NULLIF(tier, '') AS tier,
           CAST(NULLIF(discount_rate, '') AS DECIMAL(9,6)) AS own_discount,
           CAST(NULLIF(parent_id, '') AS INTEGER) AS parent
    FROM read_csv('{data / "partners.csv"}', header = true, all_varchar = true)),
span AS (
    SELECT customer_id, CAST(substr(partner_id, 3) AS INTEGER) AS partner, associated_on AS start_on,
           lead(associated_on) OVER (PARTITION BY customer_id ORDER BY associated_on) AS end_on
    FROM read_csv('{data / "customers.csv"}', header = true, columns = {CUSTOMER_COLUMNS})),
owned AS (
    SELECT l.customer_id, l.product, l.usage_date, l.amount, coalesce(l.commissionable, true) AS commissionable,
           o.id AS owner, o.partner_type, o.parent
    FROM {_usage(paths)} AS l
    JOIN span AS s ON s.customer_id = l.customer_id AND l.usage_date >= s.start_on
                  AND (s.end_on IS NULL OR l.usage_date < s.end_on)
    JOIN partners AS o ON o.id = s.partner)"""


def import_query(path: Path) -> str:
    return (f"SELECT customer_id, product, sum(amount) AS gross FROM {_usage([path])} "
            f"GROUP BY customer_id, product")


def month_query(data: Path, month: str, plan: dict) -> str:
    """Every invoice's line count and totals, and every agency's commission, for one month."""
    t2_default = Decimal(str(plan["distributor"]["tier2_default_discount"]))
    agency_rate = Decimal(str(plan["agency"]["commission_rate"]))
    return f"""
WITH {_plan_tables(plan, 'plan')},
{_owned(data, [data / f'usage-{month}.csv'])},
billed AS (
    SELECT CASE WHEN partner_type = 'tier2_reseller' THEN parent ELSE owner END AS bill_to,
           customer_id, product, sum(amount) AS gross
    FROM owned WHERE partner_type IN ('direct_reseller', 'distributor', 'tier2_reseller') GROUP BY ALL
    UNION ALL
    SELECT owner, customer_id, product, sum(amount)
    FROM owned WHERE partner_type = 'tier2_reseller' GROUP BY ALL),
rate_of AS (
    SELECT p.id, CASE WHEN p.partner_type = 'tier2_reseller'
                      THEN coalesce(p.own_discount, {t2_default}::DECIMAL(9,6)) ELSE t.discount END AS rate
    FROM partners AS p
    LEFT JOIN plan_defaults AS d ON d.kind = p.partner_type
    LEFT JOIN plan_tiers AS t ON t.kind = p.partner_type AND t.tier = coalesce(p.tier, d.tier)),
invoice_lines AS (
    SELECT bill_to, round(gross, 2) AS gross, round(round(gross, 2) * rate, 2) AS discount
    FROM billed JOIN rate_of ON rate_of.id = bill_to),
agencies AS (
    SELECT owner, round(sum(CASE WHEN commissionable AND product NOT IN {_excluded(plan)} THEN amount ELSE 0 END), 2)
           AS commissionable
    FROM owned WHERE partner_type = 'agency' GROUP BY owner)
SELECT 'invoice' AS kind, bill_to AS partner, count(*) AS lines, sum(gross) AS gross, sum(discount) AS discount,
       sum(gross - discount) AS total
FROM invoice_lines GROUP BY bill_to
UNION ALL
SELECT 'agency', owner, NULL, commissionable, {agency_rate},
       greatest(round(commissionable * {agency_rate}, 2), 0)
FROM agencies"""


def _quarter_commissions(plan: dict, name: str) -> str:
    """CTEs `{name}_perf` and `{name}_commission`: vendor-billed partners' quarterly commission."""
    return f"""
{name}_perf AS (
    SELECT CASE WHEN partner_type = 'tier2_reseller' THEN parent ELSE owner END AS partner,
           round(sum(CASE WHEN commissionable AND product NOT IN {_excluded(plan)} THEN amount ELSE 0 END), 2)
           AS commissionable
    FROM owned WHERE partner_type IN ('direct_reseller', 'distributor', 'tier2_reseller') GROUP BY ALL),
{name}_commission AS (
    SELECT f.partner, f.commissionable,
           coalesce(max_by(b.rate, b.start) FILTER (WHERE f.commissionable >= b.start), min_by(b.rate, b.start)) AS rate
    FROM {name}_perf AS f JOIN partners AS p ON p.id = f.partner
    LEFT JOIN {name}_defaults AS d ON d.kind = p.partner_type
    JOIN {name}_bands AS b ON b.kind = p.partner_type AND b.tier = coalesce(p.tier, d.tier)
    GROUP BY f.partner, f.commissionable)"""


def quarter_query(data: Path, plan: dict) -> str:
    """Every direct reseller's and distributor's commission for the quarter."""
    return f"""
WITH {_plan_tables(plan, 'plan')},
{_owned(data, [data / f'usage-{m}.csv' for m in MONTHS])},
{_quarter_commissions(plan, 'plan')}
SELECT partner, commissionable, rate, greatest(round(commissionable * rate, 2), 0) AS commission
FROM plan_commission"""


def whatif_query(data: Path, current: dict, whatif: dict) -> str:
    """Each partner's quarterly commission (agencies: three monthly ones) under both plans."""
    def agency(plan: dict, name: str) -> str:
        rate = Decimal(str(plan["agency"]["commission_rate"]))
        return f"""
{name}_agency AS (
    SELECT owner AS partner, sum(greatest(round(commissionable * {rate}, 2), 0)) AS commission FROM (
        SELECT owner, month(usage_date) AS m,
               round(sum(CASE WHEN commissionable AND product NOT IN {_excluded(plan)} THEN amount ELSE 0 END), 2)
               AS commissionable
        FROM owned WHERE partner_type = 'agency' GROUP BY ALL) GROUP BY owner)"""

    return f"""
WITH {_plan_tables(current, 'cur')},
{_plan_tables(whatif, 'alt')},
{_owned(data, [data / f'usage-{m}.csv' for m in MONTHS])},
{_quarter_commissions(current, 'cur')},
{_quarter_commissions(whatif, 'alt')},
{agency(current, 'cur')},
{agency(whatif, 'alt')},
cur_all AS (SELECT partner, greatest(round(commissionable * rate, 2), 0) AS commission FROM cur_commission
            UNION ALL SELECT partner, commission FROM cur_agency),
alt_all AS (SELECT partner, greatest(round(commissionable * rate, 2), 0) AS commission FROM alt_commission
            UNION ALL SELECT partner, commission FROM alt_agency)
SELECT coalesce(c.partner, a.partner) AS partner, coalesce(c.commission, 0) AS current,
       coalesce(a.commission, 0) AS whatif, coalesce(a.commission, 0) - coalesce(c.commission, 0) AS difference
FROM cur_all AS c FULL OUTER JOIN alt_all AS a ON a.partner = c.partner"""


def summary_month(rows: list[tuple]) -> dict:
    invoices = [r for r in rows if r[0] == "invoice"]
    agencies = [r for r in rows if r[0] == "agency"]
    return {"invoices": len(invoices), "invoice_lines": sum(r[2] for r in invoices),
            "total": str(sum((r[5] for r in invoices), Decimal(0))),
            "agency_commissions": len(agencies), "agency_commission": str(sum((r[5] for r in agencies), Decimal(0)))}


def summary_quarter(rows: list[tuple]) -> dict:
    return {"commissions": len(rows), "commission": str(sum((r[3] for r in rows), Decimal(0)))}


def summary_whatif(rows: list[tuple]) -> dict:
    return {"partners": len(rows), "current": str(sum((r[1] for r in rows), Decimal(0))),
            "whatif": str(sum((r[2] for r in rows), Decimal(0)))}


def run(query: str) -> list[tuple]:
    import duckdb

    connection = duckdb.connect()
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


__all__ = ["QUARTER", "import_query", "month_query", "quarter_query", "whatif_query", "run"]
