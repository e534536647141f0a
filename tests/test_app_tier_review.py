"""The manager's tier review page: proposals with their trailing performance, accepted or declined."""

from __future__ import annotations

import pytest

from app_driver import open_page, press, sign_in, texts
from partnerdesk.settling import settle_month
from partnerdesk.term_changes import terms_history
from settlement_world import Channel

pytest_plugins = ("app_fixtures",)


@pytest.fixture
def grown(app_workspace, tmp_path) -> Channel:
    """A registered reseller that sold 400000.00 in May and 200000.00 in June (both settled), and a
    gold reseller that sold 1000.00 in June."""
    channel = Channel(app_workspace, tmp_path)
    channel.registered = channel.partner("direct_reseller")
    channel.gold = channel.partner("direct_reseller", tier="gold")
    channel.customers([["R-1", channel.registered, "2026-01-01"], ["G-1", channel.gold, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-05-10", "400000"], ["L2", "R-1", "ecs", "2026-06-10", "200000"],
                   ["L3", "G-1", "ecs", "2026-06-11", "1000"]])
    for month in ("2026-05", "2026-06"):
        settle_month(app_workspace, month)
    return channel


def review_page(app_url: str):
    at = open_page(sign_in(app_url, "manager"), "tier_review")
    at.selectbox(key="tiers.quarter").set_value("2026-Q2").run()
    return at


def test_the_proposals_show_their_trailing_performance(app_url, grown):
    at = review_page(app_url)
    table = at.dataframe[0].value
    # 400000.00 + 200000.00 = 600000.00 reaches gold's 550000; 1000.00 only registered's 0
    assert [tuple(r) for r in table[["partner", "tier", "proposed", "trailing performance", "decision"]]
            .itertuples(index=False)] == [(grown.registered, "registered", "gold", 600000, "to decide"),
                                          (grown.gold, "gold", "registered", 1000, "to decide")]


def test_accepting_a_promotion_changes_the_tier_from_the_next_unsettled_month(app_url, grown):
    at = review_page(app_url)
    press(at, "Accept gold")
    assert f"{grown.registered} is gold from 2026-07 on." in texts(at)
    [change] = terms_history(grown.ws, grown.registered)
    assert (change.kind, change.value, change.in_force_from, change.actor, change.reason) == (
        "tier", "gold", "2026-07", "maria", "tier review 2026-Q2: trailing performance 600,000.00 USD")
    assert at.dataframe[0].value["decision"].tolist() == ["keeps its tier", "to decide"]


def test_declining_a_proposal_keeps_the_tier_and_the_managers_reason(app_url, grown):
    at = review_page(app_url)
    at.selectbox(key="tiers.2026-Q2.chosen").set_value(grown.gold).run()
    at.text_input(key=f"tiers.2026-Q2.{grown.gold}.reason").input("strategic account; keep gold")
    press(at, "Decline registered")
    [change] = terms_history(grown.ws, grown.gold)
    assert (change.kind, change.value, change.in_force_from, change.actor, change.reason) == (
        "tier_declined", "registered", "2026-Q2", "maria", "strategic account; keep gold")
    assert at.dataframe[0].value["decision"].tolist() == ["to decide", "declined"]
    assert not [b for b in at.button if b.label == "Decline registered"]
