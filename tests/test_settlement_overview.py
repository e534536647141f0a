"""The settlement overview's revenue by channel: settled months added up from what was issued,
open months only when asked (each is a whole settlement's work)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from settlement_world import Channel

from kernel.partner_types import PartnerType
from partnerdesk.overview import revenue_by_channel
from partnerdesk.settling import settle_month


def _channel_with_july_settled(workspace, tmp_path) -> Channel:
    channel = Channel(workspace, tmp_path)
    reseller, agency = channel.partner("direct_reseller"), channel.partner("agency")
    channel.customers([["C-1", reseller, "2026-07-01"], ["C-2", agency, "2026-07-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-03", "100.004"], ["L2", "C-1", "oss", "2026-07-04", "50.005"],
                   ["L3", "C-2", "ecs", "2026-07-05", "80.00"], ["L4", "C-1", "ecs", "2026-08-02", "10.00"]])
    settle_month(workspace, "2026-07", as_of=dt.date(2026, 8, 15))
    return channel


def _by_month_and_channel(revenue) -> dict:
    return {(r.month, r.channel): r.amount for r in revenue}


def test_a_settled_month_shows_the_gross_invoiced_and_the_agencies_commissionable_revenue(workspace, tmp_path):
    _channel_with_july_settled(workspace, tmp_path)
    # The reseller's July lines round to the cent each: ecs 100.004 -> 100.00, oss 50.005 -> 50.01.
    assert _by_month_and_channel(revenue_by_channel(workspace, ["2026-07", "2026-08"])) == {
        ("2026-07", PartnerType.direct_reseller): Decimal("150.01"),
        ("2026-07", PartnerType.agency): Decimal("80.00")}


def test_an_open_month_is_worked_out_as_it_stands_only_when_asked(workspace, tmp_path):
    _channel_with_july_settled(workspace, tmp_path)
    shown = _by_month_and_channel(revenue_by_channel(workspace, ["2026-07", "2026-08"], open_months=True))
    assert shown[("2026-08", PartnerType.direct_reseller)] == Decimal("10.00")
    assert shown[("2026-07", PartnerType.direct_reseller)] == Decimal("150.01")
