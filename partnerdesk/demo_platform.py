"""The channel platform's part of the demo: accounts of four partners (an agency, a direct
reseller, a distributor and one of its tier-2 resellers), customer association requests in
every state, and one partner suspended. Loaded through the real services, after the rest."""

from __future__ import annotations

import datetime as dt

from kernel.channel import StandingAction
from partnerdesk import customers, partner_accounts, standing
from partnerdesk.workspace import Workspace

MANAGER = "Morgan Manager"

PARTNER_ACCOUNTS = [  # (username, password, company, display name)
    ("agency", "agency-demo", "Lion City Referrals Pte. Ltd.", "Aiko Agency"),
    ("reseller", "reseller-demo", "Merlion Systems Pte. Ltd.", "Rahul Reseller"),
    ("distributor", "distributor-demo", "Equator Distribution Pte. Ltd.", "Dana Distributor"),
    ("tier2", "tier2-demo", "Orchard Road Tech", "Tomas Tier-Two"),
]
SUSPENDED = "Thames Integration Ltd."


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc)


def _request(ws: Workspace, partner_id: str, customer_id: str, name: str, country: str, on: dt.date,
             by: str) -> int:
    return customers.register(ws, partner_id, customer_id, name, country, on, by=by, at=_at(on)).request_id


def _invite(ws: Workspace, request_id: int, on: dt.date, by: str) -> str:
    return customers.invite(ws, request_id, on, by=by, at=_at(on, 11)).code


def _requests(ws: Workspace, partners: dict[str, str], as_of: dt.date) -> None:
    """Requests in every state: lead, invited, associated, expired, pending_review, rejected."""
    day = lambda n: as_of - dt.timedelta(days=n)  # noqa: E731
    reseller, agency, tier2 = (partners[c] for c in ("Merlion Systems Pte. Ltd.", "Lion City Referrals Pte. Ltd.",
                                                     "Orchard Road Tech"))
    _request(ws, reseller, "C-0901", "Tanjong Pagar Foods Pte. Ltd.", "SG", day(2), "reseller")
    _invite(ws, _request(ws, reseller, "C-0902", "Bugis Logistics Pte. Ltd.", "SG", day(6), "reseller"), day(5),
            "reseller")
    code = _invite(ws, _request(ws, reseller, "C-0903", "Raffles Dental Group", "SG", day(9), "reseller"), day(8),
                   "reseller")
    customers.accept(ws, code, day(7), at=_at(day(7), 15))
    _invite(ws, _request(ws, reseller, "C-0904", "Changi Air Services", "SG", day(60), "reseller"), day(58),
            "reseller")  # never accepted: expired
    code = _invite(ws, _request(ws, reseller, "C-0905", "Johor Retail Sdn. Bhd.", "MY", day(4), "reseller"), day(4),
                   "reseller")
    customers.accept(ws, code, day(3), at=_at(day(3), 16))  # cross region: waits for a manager
    rejected = _request(ws, reseller, "C-0906", "Osaka Robotics K.K.", "JP", day(12), "reseller")
    customers.accept(ws, _invite(ws, rejected, day(12), "reseller"), day(11), at=_at(day(11), 16))
    customers.decide(ws, rejected, False, "the customer's contract is with the Japanese entity", MANAGER, day(10),
                     at=_at(day(10), 9))
    transfer = customers.customers_now(ws, [partners["Harbour Digital Agency Ltd."]], as_of)[0].customer_id
    code = _invite(ws, _request(ws, agency, transfer, "Kowloon Trading (moving)", "SG", day(5), "agency"), day(5),
                   "agency")
    customers.accept(ws, code, day(4), at=_at(day(4), 17))  # a transfer: waits for a manager
    code = _invite(ws, _request(ws, agency, "C-0921", "Sentosa Resorts Pte. Ltd.", "SG", day(20), "agency"), day(20),
                   "agency")
    customers.accept(ws, code, day(19), at=_at(day(19), 15))
    code = _invite(ws, _request(ws, tier2, "C-0911", "Orchard Bakery Pte. Ltd.", "SG", day(15), "tier2"), day(15),
                   "tier2")
    customers.accept(ws, code, day(14), at=_at(day(14), 15))
    _invite(ws, _request(ws, tier2, "C-0912", "Somerset Florists", "SG", day(3), "tier2"), day(2), "tier2")


def load_platform(ws: Workspace, partners: dict[str, str], as_of: dt.date) -> list[tuple[str, str, str]]:
    """The platform's demo; returns (username, password, partner id) of the partner accounts."""
    made = []
    for username, password, company, name in PARTNER_ACCOUNTS:
        partner_accounts.add_partner_account(ws, username, password, partners[company], name, by="demo",
                                             strength=False, at=_at(dt.date(2026, 4, 2)))
        made.append((username, password, partners[company]))
    _requests(ws, partners, as_of)
    standing.change_standing(ws, partners[SUSPENDED], StandingAction.suspend, "two invoices overdue by 60 days",
                             MANAGER, as_of - dt.timedelta(days=10), at=_at(as_of - dt.timedelta(days=10)))
    return made
