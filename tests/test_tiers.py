"""Tier review and a manager's tier change, through the real CLI on SQLite and PostgreSQL.

Shipped plan: registered direct resellers 3 % discount, 1 % commission, earned from 0; gold 8 %
discount, 2 % commission (4 % from 100 000), earned from a trailing 550 000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import RULES_DIR
from partnerdesk.partner_home import home
from partnerdesk.settings import Settings
from partnerdesk.settling import settle_month, settle_quarter
from partnerdesk.term_changes import terms_history
from partnerdesk.workspace import Workspace
from settlement_world import Channel


@pytest.fixture
def channel(cli, tmp_path) -> Channel:
    return Channel(Workspace.open(Settings(database_url=cli.database_url, rules_dir=RULES_DIR)), tmp_path)


@pytest.fixture
def grown(channel):
    """A registered reseller with May (400000.00) and June (200000.00) settled and 2026-Q2 too, and a
    gold reseller that sold little (1000.00 in June)."""
    registered, gold = channel.partner("direct_reseller"), channel.partner("direct_reseller", tier="gold")
    channel.customers([["R-1", registered, "2026-01-01"], ["G-1", gold, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-05-10", "400000"], ["L2", "R-1", "ecs", "2026-06-10", "200000"],
                   ["L3", "G-1", "ecs", "2026-06-11", "1000"], ["L4", "R-1", "ecs", "2026-07-10", "10000"]])
    settle_month(channel.ws, "2026-05")
    settle_month(channel.ws, "2026-06")
    settle_quarter(channel.ws, "2026-Q2")
    return registered, gold


def invoice_of(cli, month: str, partner_id: str) -> dict:
    result = cli("settle", "month", month)
    assert result.code == 0, result.stderr
    [invoice] = [i for i in result.json["invoices"] if i["bill_to"] == partner_id]
    return {k: invoice[k] for k in ("gross", "discount", "total")}


def test_a_promotion_by_trailing_performance_leaves_earlier_invoices_and_commissions_unchanged(cli, grown):
    registered, gold = grown
    review = cli("tiers", "review", "--quarter", "2026-Q2")
    assert review.code == 0, review.stderr
    # trailing four quarters (2025-07 to 2026-06): 400000.00 + 200000.00 = 600000.00 >= 550000: gold;
    # the gold reseller's 1000.00 reaches only registered's 0
    assert review.json == [
        {"partner_id": registered, "tier": "registered", "proposed": "gold", "trailing_performance": "600000.00"},
        {"partner_id": gold, "tier": "gold", "proposed": "registered", "trailing_performance": "1000.00"},
    ]
    changed = cli("tiers", "set", registered, "--tier", "gold", "--reason", "tier review 2026-Q2", "--by", "Morgan")
    assert changed.code == 0, changed.stderr
    # June is the latest settled month: the new tier applies from July on
    assert changed.json == {"partner_id": registered, "tier": "gold", "previous_tier": "registered",
                            "in_force_from": "2026-07"}
    # July at gold: 10000.00 x 0.08 = 800.00 discount, 9200.00 to pay
    assert invoice_of(cli, "2026-07", registered) == {"gross": "10000.00", "discount": "800.00", "total": "9200.00"}
    # the settled months keep registered's 3 %: 400000.00 - 12000.00 and 200000.00 - 6000.00
    assert invoice_of(cli, "2026-05", registered) == {"gross": "400000.00", "discount": "12000.00",
                                                      "total": "388000.00"}
    assert invoice_of(cli, "2026-06", registered) == {"gross": "200000.00", "discount": "6000.00",
                                                      "total": "194000.00"}
    # and the settled quarter its registered commission: 600000.00 x 0.01 = 6000.00
    [commission] = [c for c in cli("settle", "quarter", "2026-Q2").json["commissions"] if c["partner_id"] == registered]
    assert (commission["tier"], commission["commission"]) == ("registered", "6000.00")
    assert cli("tiers", "review", "--quarter", "2026-Q2").json[0]["tier"] == "gold"


def test_a_tier_the_plan_lacks_or_a_change_without_a_reason_is_refused_and_writes_nothing(cli, channel, grown):
    registered, _ = grown
    agency = channel.partner("agency")
    for args, message in [
        ([registered, "--tier", "platinum", "--reason", "r", "--by", "Morgan"],
         "--tier: 'platinum' is not a direct_reseller tier of the plan (registered, gold)"),
        ([registered, "--tier", "gold", "--by", "Morgan"], "--reason: a reason for the tier change is required"),
        ([registered, "--tier", "gold", "--reason", "r"], "--by: who changes it is required"),
        ([agency, "--tier", "gold", "--reason", "r", "--by", "Morgan"],
         f"PARTNER_ID: {agency} (agency) has no tier or credit limit"),
    ]:
        refused = cli("tiers", "set", *args)
        assert (refused.code, refused.stdout) == (2, ""), args
        assert refused.stderr.startswith(f"partnerdesk: {message}"), refused.stderr
    assert terms_history(channel.ws, registered) == []
    assert cli("tiers", "review", "--quarter", "2026-Q2").json[0]["tier"] == "registered"


def test_a_partners_home_shows_the_tier_in_force_and_its_bands(cli, channel, grown):
    registered, _ = grown
    assert cli("tiers", "set", registered, "--tier", "gold", "--reason", "tier review 2026-Q2", "--by", "Morgan").code == 0
    july, june = home(channel.ws, registered, dt.date(2026, 7, 20)), home(channel.ws, registered, dt.date(2026, 6, 20))
    # gold from July: July's 10000.00 so far is in gold's first band (2 %), the next (4 %) from 100000
    assert (july.tier, july.progress.rate, july.progress.next_band_from) == ("gold", Decimal("0.02"), 100000)
    # June was registered: one band of 1 %, none above it
    assert (june.tier, june.progress.rate, june.progress.next_band_from) == ("registered", Decimal("0.01"), None)


def test_a_change_holds_from_the_first_month_not_yet_settled(cli, channel):
    """Contract section 5: 'in force from the first month not yet settled'. Before any usage or
    settlement that is every month; later, a month left unsettled between settled ones."""
    reseller = channel.partner("direct_reseller")
    changed = cli("tiers", "set", reseller, "--tier", "gold", "--reason", "strategic", "--by", "Morgan")
    assert changed.code == 0, changed.stderr
    channel.customers([["R-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-01-15", "1000"], ["L2", "R-1", "ecs", "2026-02-15", "1000"],
                   ["L3", "R-1", "ecs", "2026-03-15", "1000"]])
    # January, imported after the change, at gold: 1000.00 x 0.08 = 80.00
    assert invoice_of(cli, "2026-01", reseller) == {"gross": "1000.00", "discount": "80.00", "total": "920.00"}
    assert invoice_of(cli, "2026-03", reseller)["discount"] == "80.00"
    # January and March settled, February not: February is the first month not yet settled
    back = cli("tiers", "set", reseller, "--tier", "registered", "--reason", "fewer sales", "--by", "Morgan")
    assert back.json["in_force_from"] == "2026-02", back.stderr
    # February at registered: 1000.00 x 0.03 = 30.00
    assert invoice_of(cli, "2026-02", reseller) == {"gross": "1000.00", "discount": "30.00", "total": "970.00"}


def test_a_settled_quarter_settles_its_months_for_a_tier_change(cli, channel):
    """A quarter settled before its months: its commission kept the tier, so the change holds from
    the month after it, and a month of it settled later is discounted at the tier it had."""
    reseller = channel.partner("direct_reseller")
    channel.customers([["R-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-01-15", "1000"], ["L2", "R-1", "ecs", "2026-04-15", "1000"]])
    assert cli("settle", "quarter", "2026-Q1").code == 0
    changed = cli("tiers", "set", reseller, "--tier", "gold", "--reason", "strategic", "--by", "Morgan")
    assert changed.json["in_force_from"] == "2026-04", changed.stderr
    # January at registered: 1000.00 x 0.03 = 30.00; April at gold: 1000.00 x 0.08 = 80.00
    assert invoice_of(cli, "2026-01", reseller) == {"gross": "1000.00", "discount": "30.00", "total": "970.00"}
    assert invoice_of(cli, "2026-04", reseller) == {"gross": "1000.00", "discount": "80.00", "total": "920.00"}
