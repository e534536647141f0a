"""Two people settling the same month at once: one settlement is stored, both see the same invoices."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlmodel import Session

from partnerdesk.settling import settle_month
from settlement_world import Channel
from storage.settlement_tables import InvoiceRow, Settlement


def test_concurrent_settlements_of_a_month_write_it_once(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    reseller = channel.partner("direct_reseller")
    channel.customers([[f"C-{n}", reseller, "2026-01-01"] for n in range(50)])
    channel.usage([[f"L{n}", f"C-{n % 50}", "ecs", f"2026-07-{n % 28 + 1:02d}", f"{n}.5"] for n in range(2000)])
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: settle_month(workspace, "2026-07"), range(4)))
    assert all(result == results[0] for result in results)
    with Session(workspace.engine) as session:
        counts = [session.execute(select(func.count()).select_from(t)).scalar_one() for t in (Settlement, InvoiceRow)]
    assert counts == [1, 1]
