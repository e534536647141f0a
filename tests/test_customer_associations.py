"""Customer association requests through their whole life (contract section 6), on SQLite and
PostgreSQL, with real settlement reading the associations they make."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kernel.channel import StandingAction
from partnerdesk import customers, settling, standing
from partnerdesk.errors import InputError
from settlement_world import Channel

D = dt.date(2026, 7, 1)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    return Channel(workspace, tmp_path)


def invited(channel: Channel, partner: str, customer: str, country: str = "SG", on: dt.date = D) -> tuple[int, str]:
    registered = customers.register(channel.ws, partner, customer, f"Customer {customer}", country, on, by="sam")
    code = customers.invite(channel.ws, registered.request_id, on, by="sam").code
    return registered.request_id, code


def lines_of(ws, month: str) -> dict[str, list[tuple[str, str]]]:
    """bill_to -> [(customer, gross)] of the month's invoices."""
    settled = settling.settle_month(ws, month)
    return {i.bill_to: [(l.customer_id, f"{l.gross:.2f}") for l in i.lines] for i in settled.invoices}


def test_a_lead_is_accepted_on_its_last_day_and_refused_the_day_after(channel):
    reseller = channel.partner("direct_reseller")
    registered = customers.register(channel.ws, reseller, "C-1", "Lion Foods", "SG", D)
    # registered on 2026-07-01 with the plan's lead_valid_days 30: valid through 2026-07-31.
    assert (registered.state, registered.expires_on) == ("lead", dt.date(2026, 7, 31))
    last_day, code = invited(channel, reseller, "C-2")
    assert customers.accept(channel.ws, code, day(30)).associated_on == day(30)
    _, late_code = invited(channel, reseller, "C-3")
    with pytest.raises(InputError, match="expired after 2026-07-31"):
        customers.accept(channel.ws, late_code, day(31))
    with pytest.raises(InputError, match="expired"):
        customers.invite(channel.ws, registered.request_id, day(31))
    expired = customers.requests(channel.ws, day(31), state="expired")
    assert [r.customer_id for r in expired] == ["C-1", "C-3"]
    assert expired[0].history[-1].step == "expired" and expired[0].history[-1].on == dt.date(2026, 8, 1)


def test_a_code_works_once_and_a_made_up_code_not_at_all(channel):
    reseller = channel.partner("direct_reseller")
    _, code = invited(channel, reseller, "C-1")
    assert customers.accept(channel.ws, code, day(2)).state == "associated"
    with pytest.raises(InputError, match="^CODE: this invitation was used already"):
        customers.accept(channel.ws, code, day(3))
    with pytest.raises(InputError, match="^CODE: not a valid invitation code"):
        customers.accept(channel.ws, code[:-1] + ("A" if code[-1] != "A" else "B"), day(3))
    other_id, other = invited(channel, reseller, "C-2")
    assert other != code and len(other) == 32  # 128 random bits as hex digits


def test_no_code_looks_like_an_option_on_the_command_line(channel):
    """A URL-safe code began with '-' once in 64 and `customers accept CODE` took it for an option."""
    reseller = channel.partner("direct_reseller")
    codes = [invited(channel, reseller, f"C-{n}")[1] for n in range(200)]
    assert all(re.fullmatch("[0-9a-f]{32}", code) for code in codes), [c for c in codes if c.startswith("-")]


def test_acceptance_on_a_day_associates_from_that_day_never_earlier(channel):
    reseller = channel.partner("direct_reseller")
    _, code = invited(channel, reseller, "C-1", on=D)
    with pytest.raises(InputError, match="never backdated"):
        customers.accept(channel.ws, code, day(-1))
    assert customers.accept(channel.ws, code, day(9)).associated_on == day(9)  # 2026-07-10
    channel.usage([["L1", "C-1", "ecs", "2026-07-09", "100"], ["L2", "C-1", "ecs", "2026-07-10", "40"]])
    # Only the line of the acceptance day on is the reseller's: 40.00; 07-09's 100 is the vendor's own.
    assert lines_of(channel.ws, "2026-07") == {reseller: [("C-1", "40.00")]}


def test_a_transfer_waits_for_a_manager_and_moves_from_the_approval_day(channel):
    first, second = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    channel.customers([["C-1", first, "2026-06-01"]])
    request_id, code = invited(channel, second, "C-1")
    waiting = customers.accept(channel.ws, code, day(4))
    assert (waiting.state, waiting.associated_on) == ("pending_review", None)
    shown = customers.requests(channel.ws, day(4), state="pending_review")
    assert [(r.request_id, r.review_reasons, r.from_partner_id) for r in shown] == [(request_id, ["transfer"], first)]
    decided = customers.decide(channel.ws, request_id, True, "customer moved its contract", "morgan", day(14))
    assert (decided.state, decided.associated_on) == ("associated", day(14))  # 2026-07-15
    channel.usage([["L1", "C-1", "ecs", "2026-07-14", "10"], ["L2", "C-1", "ecs", "2026-07-15", "20"]])
    # Until the approval day the first reseller's (10.00), from 07-15 the second's (20.00).
    assert lines_of(channel.ws, "2026-07") == {first: [("C-1", "10.00")], second: [("C-1", "20.00")]}


def test_a_rejected_transfer_keeps_the_customer_where_it_was(channel):
    first, second = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    channel.customers([["C-1", first, "2026-06-01"]])
    request_id, code = invited(channel, second, "C-1")
    customers.accept(channel.ws, code, day(4))
    with pytest.raises(InputError, match="^--reason"):
        customers.decide(channel.ws, request_id, False, " ", "morgan", day(5))
    assert customers.decide(channel.ws, request_id, False, "no signed transfer", "morgan", day(5)).state == "rejected"
    with pytest.raises(InputError, match="only a request in pending_review"):
        customers.decide(channel.ws, request_id, True, "changed my mind", "morgan", day(6))
    channel.usage([["L1", "C-1", "ecs", "2026-07-20", "30"]])
    assert lines_of(channel.ws, "2026-07") == {first: [("C-1", "30.00")]}


def test_a_customer_outside_the_territory_waits_for_a_manager(channel):
    reseller = channel.partner("direct_reseller")  # territory SG
    request_id, code = invited(channel, reseller, "C-1", country="MY")
    assert customers.accept(channel.ws, code, day(1)).state == "pending_review"
    assert customers.requests(channel.ws, day(1))[0].review_reasons == ["cross_region"]
    assert customers.decide(channel.ws, request_id, True, "serves the SG office", "morgan", day(2)).associated_on == day(2)


def test_an_acceptance_after_the_partners_suspension_is_refused(channel):
    reseller = channel.partner("direct_reseller")
    _, code = invited(channel, reseller, "C-1")
    standing.change_standing(channel.ws, reseller, StandingAction.suspend, "unpaid invoices", "morgan", day(3))
    with pytest.raises(InputError, match="is suspended on 2026-07-05; accepting its invitation is refused"):
        customers.accept(channel.ws, code, day(4))
    with pytest.raises(InputError, match="registering a customer is refused"):
        customers.register(channel.ws, reseller, "C-2", "Other", "SG", day(4))
    standing.change_standing(channel.ws, reseller, StandingAction.reinstate, "paid", "morgan", day(5))
    assert customers.accept(channel.ws, code, day(6)).state == "associated"


def test_a_terminated_partners_customers_later_usage_is_on_no_invoice(channel):
    reseller = channel.partner("direct_reseller")
    distributor = channel.partner("distributor")
    reseller_of = channel.tier2(distributor)
    channel.customers([["C-1", reseller, "2026-06-01"], ["C-2", reseller_of, "2026-06-01"]])
    released = standing.change_standing(channel.ws, reseller, StandingAction.terminate, "contract ended", "morgan",
                                        dt.date(2026, 7, 16))
    assert (released.standing, released.customers_released) == ("terminated", 1)
    standing.change_standing(channel.ws, distributor, StandingAction.terminate, "left the program", "morgan",
                             dt.date(2026, 7, 16))
    channel.usage([["L1", "C-1", "ecs", "2026-07-15", "10"], ["L2", "C-1", "ecs", "2026-07-16", "20"],
                   ["L3", "C-2", "ecs", "2026-07-15", "5"], ["L4", "C-2", "ecs", "2026-07-16", "7"]])
    # Up to 07-15 still theirs (10.00; 5.00 to the tier-2 reseller and its distributor); from the
    # termination date 07-16 on the vendor's direct business, on no invoice.
    assert lines_of(channel.ws, "2026-07") == {reseller: [("C-1", "10.00")], distributor: [("C-2", "5.00")],
                                               reseller_of: [("C-2", "5.00")]}
    with pytest.raises(InputError, match="termination is final"):
        standing.change_standing(channel.ws, reseller, StandingAction.reinstate, "oops", "morgan", dt.date(2026, 8, 1))
    assert "2026-08" not in str(lines_of(channel.ws, "2026-08"))


def test_a_termination_dated_before_a_customer_joins_the_partner_is_refused(channel):
    distributor = channel.partner("distributor")
    reseller_of = channel.tier2(distributor)
    channel.customers([["C-1", distributor, "2026-06-01"], ["C-2", reseller_of, "2026-11-15"]])
    with pytest.raises(InputError, match=r"^--as-of: customer 'C-2' becomes .* on 2026-11-15, after 2026-11-01"):
        standing.change_standing(channel.ws, distributor, StandingAction.terminate, "breach", "morgan",
                                 dt.date(2026, 11, 1))
    assert standing.current_standing(channel.ws, distributor, dt.date(2026, 12, 1)) == "active"  # nothing written
    terminated = standing.change_standing(channel.ws, distributor, StandingAction.terminate, "breach", "morgan",
                                          dt.date(2026, 11, 15))
    assert terminated.customers_released == 2
    channel.usage([["L1", "C-2", "ecs", "2026-11-20", "100"]])
    assert lines_of(channel.ws, "2026-11") == {}  # the vendor's direct business, on no invoice


def test_a_customers_file_cannot_give_a_terminated_partner_or_its_tier2_a_customer(channel):
    distributor = channel.partner("distributor")
    reseller_of = channel.tier2(distributor)
    other = channel.partner("direct_reseller")
    standing.change_standing(channel.ws, distributor, StandingAction.terminate, "left the program", "morgan",
                             dt.date(2026, 7, 16))
    rows = [["C-9", other, "2026-08-01"], ["C-1", distributor, "2026-08-01"], ["C-2", reseller_of, "2026-07-01"]]
    with pytest.raises(InputError) as refused:
        channel.customers(rows)
    # Line 3 (the distributor) and line 4 (its tier-2 reseller, before the termination date too) are
    # named; line 2 is fine but, all or nothing, is not stored either.
    assert f"line 3: partner_id: {distributor} is terminated (from 2026-07-16)" in str(refused.value)
    assert f"line 4: partner_id: {reseller_of} is terminated (from 2026-07-16)" in str(refused.value)
    assert "line 2" not in str(refused.value)
    channel.usage([["L1", "C-9", "ecs", "2026-08-02", "10"]])
    assert lines_of(channel.ws, "2026-08") == {}


def test_a_closed_months_usage_never_moves(channel):
    first, second = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    channel.customers([["C-1", first, "2026-06-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-20", "30"]])
    settling.settle_month(channel.ws, "2026-07")
    request_id, code = invited(channel, second, "C-1", on=day(10))
    customers.accept(channel.ws, code, day(12))
    with pytest.raises(InputError, match="settled month"):
        customers.decide(channel.ws, request_id, True, "moved", "morgan", day(14))
    assert customers.decide(channel.ws, request_id, True, "moved", "morgan", dt.date(2026, 8, 3)).state == "associated"


def test_every_step_is_in_the_requests_history(channel):
    first, second = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    channel.customers([["C-1", first, "2026-06-01"]])
    request_id, code = invited(channel, second, "C-1")
    customers.accept(channel.ws, code, day(1))
    customers.decide(channel.ws, request_id, True, "customer asked to move", "morgan", day(2))
    (request,) = customers.requests(channel.ws, day(2), partner_ids=[second])
    assert [(s.step, s.state, s.on, s.by) for s in request.history] == [
        ("registered", "lead", D, "sam"), ("invited", "invited", D, "sam"),
        ("accepted", "pending_review", day(1), "customer"), ("approved", "associated", day(2), "morgan")]
    assert request.history[2].reason == "waits for a channel manager: transfer"
    assert request.history[3].reason == "customer asked to move"
    assert all(s.at is not None for s in request.history)
