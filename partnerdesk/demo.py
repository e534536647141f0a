"""A realistic demo data set, loaded into an empty database through the real services.

Partners are created by applying and being approved (so their audit trails are real),
customers, billing lines and payments go through the same imports as files do, and months
are settled by `settle`. Everything is drawn from a seeded random generator: the same
`as_of` gives the same data. Billing covers 2026-05 to 2026-10; May to August are settled
(and the second quarter), September and October stay open, some invoices are overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from pydantic import BaseModel
from stdnum.sg import uen

from kernel.periods import Month
from kernel.states import Action
from partnerdesk import accounts, applications, credit, imports, lookups, payments, review, settling, tier2
from partnerdesk.demo_platform import load_platform
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace

SEED = 2026
FIRST_MONTH, LAST_MONTH = Month(year=2026, month=5), Month(year=2026, month=10)
SETTLED_MONTHS = ["2026-05", "2026-06", "2026-07", "2026-08"]
SETTLED_QUARTERS = ["2026-Q2"]
PRODUCTS = ["ecs", "oss", "rds", "cdn", "slb", "support", "marketplace"]
ACCOUNTS = [("applicant", "applicant-demo", "applicant", "Avery Applicant"),
            ("manager", "manager-demo", "manager", "Morgan Manager"),
            ("analyst", "analyst-demo", "analyst", "Ana Analyst"),
            ("admin", "admin-demo", "admin", "Ada Admin")]
MANAGER = "Morgan Manager"
NEAR_LIMIT = "Thames Integration Ltd."

# (partner type, company, territory, tier) of the partners approved in March 2026.
APPROVED = [
    ("agency", "Lion City Referrals Pte. Ltd.", "SG", None),
    ("agency", "Harbour Digital Agency Ltd.", "HK", None),
    ("agency", "Straits Growth Partners Sdn. Bhd.", "MY", None),
    ("agency", "Deccan Cloud Advisors Pvt. Ltd.", "IN", None),
    ("direct_reseller", "Merlion Systems Pte. Ltd.", "SG", "gold"),
    ("direct_reseller", "Petronas Tower IT Sdn. Bhd.", "MY", "registered"),
    ("direct_reseller", "Bengaluru Stack Pvt. Ltd.", "IN", "registered"),
    ("direct_reseller", "Sakura Cloud Works K.K.", "JP", "gold"),
    ("direct_reseller", "Thames Integration Ltd.", "GB", "registered"),
    ("distributor", "Equator Distribution Pte. Ltd.", "SG", None),
    ("distributor", "Pacific Channel Inc.", "US", None),
    ("distributor", "Indus Value Networks Pvt. Ltd.", "IN", None),
]
TIER2 = {  # distributor company -> (tier-2 name, own discount or None for the plan's default)
    "Equator Distribution Pte. Ltd.": [("Orchard Road Tech", "0.07"), ("Jurong Cloud Shop", None),
                                       ("Sentosa Digital", None)],
    "Pacific Channel Inc.": [("Bay Area Resellers LLC", "0.06"), ("Hudson IT Supply", None)],
    "Indus Value Networks Pvt. Ltd.": [("Chennai Cloud Mart", None), ("Pune Systems Hub", "0.04")],
}


class DemoAccount(BaseModel):
    username: str
    password: str
    role: str
    partner_id: str | None = None


class DemoSummary(BaseModel):
    as_of: dt.date
    accounts: list[DemoAccount]
    applications: dict[str, int]
    partners: dict[str, int]
    customers: int
    billing_lines: int
    settled: list[str]
    invoices: dict[str, int]


def _refuse_unless_empty(ws: Workspace) -> None:
    if not lookups.is_empty(ws):
        raise InputError("demo: the database is not empty; the demo loads only into an empty database")


def _registration(rng: random.Random, territory: str, index: int) -> dict:
    """A registration number that the territory's format (if the rules know one) accepts."""
    if territory == "SG":
        digits = f"{2010 + index % 12}{10000 + index * 137:05d}"
        number = digits + uen.calc_local_company_check_digit(digits)
    else:
        number = f"{territory}-{rng.randrange(10**7, 10**8)}"
    return {"registration_country": territory, "registration_number": number,
            "registration_date": f"{rng.randrange(2012, 2022)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"}


def _application(rng: random.Random, partner_type: str, company: str, territory: str, index: int,
                 certificates_until: dt.date, **changes) -> dict:
    """An application of the contract's shape that passes every check unless `changes` say otherwise."""
    slug = company.split()[0].lower()
    data = {
        "partner_type": partner_type, "company_name": company, "territory": territory,
        **_registration(rng, territory, index),
        "registered_capital": str(rng.randrange(20, 500) * 1000), "capital_currency": "USD",
        "financial_health": "healthy", "business_areas": ["system_integration", "msp"],
        "industries": ["retail", "finance"], "dedicated_staff": {"sales": 2, "tech": 2, "ops": 1},
        "acp_certificates": [{"id": f"ACP-{index:03d}{n}", "holder": f"Engineer {n}",
                              "expires_on": certificates_until.isoformat()} for n in range(1, 6)],
        "existing_customers": rng.randrange(5, 200), "customer_operations_years": rng.randrange(2, 12),
        "tier2_resellers_managed": rng.randrange(2, 20), "first_year_revenue_commitment": "600000",
        "commitment_currency": "USD", "contact_email": f"partners@{slug}.example",
        "statement": f"{company} brings a dedicated cloud team and customers across {territory}.",
    }
    data.update(changes)
    return data


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc)


def _approve_partners(ws: Workspace, rng: random.Random, certificates_until: dt.date) -> dict[str, str]:
    """Apply and approve the demo partners in March 2026; company name -> partner id."""
    decided_on = dt.date(2026, 3, 2)
    partners = {}
    for index, (partner_type, company, territory, tier) in enumerate(APPROVED):
        data = _application(rng, partner_type, company, territory, index, certificates_until)
        application_id, decision = applications.submit(ws, data, decided_on, at=_at(decided_on))
        result = review.review(ws, application_id, Action.approve, by=MANAGER, confirm=decision.to_review,
                               reason="references checked; a good fit for the territory", tier=tier,
                               at=_at(decided_on + dt.timedelta(days=14)))
        partners[company] = result["partner_id"]
    for distributor, resellers in TIER2.items():
        for name, discount in resellers:
            email = f"sales@{'-'.join(name.lower().split())}.example"
            partners[name] = tier2.add_tier2(ws, partners[distributor], name, discount, at=_at(dt.date(2026, 4, 1)),
                                             contact_email=email)
    return partners


def _open_applications(ws: Workspace, rng: random.Random, as_of: dt.date, certificates_until: dt.date) -> None:
    """Applications in every other state; a few belong to the demo applicant account."""
    base = len(APPROVED)
    lately = [as_of - dt.timedelta(days=d) for d in (1, 3, 6, 9, 12, 20)]  # most recent first

    def submit(index: int, partner_type: str, company: str, territory: str, day: dt.date,
               by: str | None = None, **changes) -> tuple[int, list[str]]:
        data = _application(rng, partner_type, company, territory, base + index, certificates_until, **changes)
        application_id, decision = applications.submit(ws, data, day, submitted_by=by, at=_at(day))
        return application_id, decision.to_review

    submit(0, "agency", "Marina Bay Leads Pte. Ltd.", "SG", lately[5], by="applicant")
    submit(1, "direct_reseller", "Kowloon Cloud Services Ltd.", "HK", lately[4], by="applicant",
           acp_certificates=[], dedicated_staff={"sales": 1, "tech": 0, "ops": 0})
    submit(2, "distributor", "Rhine Channel GmbH", "DE", lately[3], first_year_revenue_commitment="150000")
    waiting, _ = submit(3, "direct_reseller", "Klang Valley Integrators Sdn. Bhd.", "MY", lately[1],
                        by="applicant", financial_health="unknown")
    review.review(ws, waiting, Action.request_info, by=MANAGER, at=_at(lately[0]),
                  reason="please send the last two years' audited accounts")
    answered, _ = submit(4, "agency", "Andaman Referral Co., Ltd.", "TH", lately[2], financial_health="unknown")
    review.review(ws, answered, Action.request_info, by=MANAGER, at=_at(lately[1]),
                  reason="how many active customers will you refer in the first year?")
    applications.update(ws, answered, _application(rng, "agency", "Andaman Referral Co., Ltd.", "TH", base + 4,
                                                   certificates_until), lately[0], at=_at(lately[0], 15))
    refused, _ = submit(5, "agency", "Quick Cash Clicks Ltd.", "GB", lately[2], financial_health="concerns",
                        registered_capital="1500")
    review.review(ws, refused, Action.reject, by=MANAGER, at=_at(lately[1], 11),
                  reason="financial health and capital below the programme's minimum")
    stretched, _ = submit(6, "agency", "Borneo Digital Ventures Sdn. Bhd.", "MY", dt.date(2026, 4, 6),
                          registered_capital="1800")
    review.review(ws, stretched, Action.approve, by=MANAGER, override=True,
                  confirm=["customer_resources", "partnership_willingness"], at=_at(dt.date(2026, 4, 8)),
                  reason="capital just under the minimum; strong referral pipeline from a launch partner")


def _customers(rng: random.Random, partners: dict[str, str]) -> tuple[list[dict], list[str]]:
    """About three hundred customers; most belong to a partner, a few move, some buy direct."""
    owners = [pid for name, pid in partners.items()]
    rows, customer_ids = [], []
    for n in range(1, 301):
        customer_id = f"C-{n:04d}"
        customer_ids.append(customer_id)
        if n % 10 == 0:
            continue  # the vendor's direct business: no partner
        start = dt.date(2026, 5, 1) + dt.timedelta(days=rng.choice([0, 0, 0, 0, 14, 31, 45, 62, 90]))
        rows.append({"customer_id": customer_id, "partner_id": rng.choice(owners), "associated_on": start.isoformat()})
        if n % 37 == 0:
            moved = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(0, 40))
            rows.append({"customer_id": customer_id, "partner_id": rng.choice(owners),
                         "associated_on": moved.isoformat()})
    return rows, customer_ids


def _amount(rng: random.Random, scale: float) -> Decimal:
    micros = int(rng.lognormvariate(0, 0.6) * scale * 1_000_000)
    return Decimal(micros).scaleb(-6)


def _usage(rng: random.Random, customer_ids: list[str]) -> list[dict]:
    """Several lines a month per product a customer uses, with occasional credits."""
    rows = []
    for customer_id in customer_ids:
        size = rng.choice([150, 400, 900, 2500, 6000, 15000])
        products = rng.sample(PRODUCTS, rng.randrange(2, 5))
        month = FIRST_MONTH
        while month.first_day <= LAST_MONTH.first_day:
            for product in products:
                for part in range(rng.randrange(1, 4)):
                    day = month.first_day + dt.timedelta(days=rng.randrange(0, 28))
                    amount = _amount(rng, size / 3)
                    if rng.random() < 0.03:
                        amount = -amount * 3  # a credit note larger than the month's usage
                    rows.append({"line_id": f"BL-{month.key}-{customer_id}-{product}-{part}",
                                 "customer_id": customer_id, "product": product,
                                 "usage_date": day.isoformat(), "amount": str(amount),
                                 "commissionable": "false" if rng.random() < 0.04 else "true"})
            month = month.next
    return rows


def _payments(rng: random.Random, ws: Workspace, as_of: dt.date) -> list[dict]:
    """May and June paid, July mostly, August in part: the rest is open or overdue."""
    share = {"2026-05": 1.0, "2026-06": 0.95, "2026-07": 0.8, "2026-08": 0.45}
    rows = []
    for invoice in payments.invoice_balances(ws, as_of).invoices:
        if invoice.total <= 0 or rng.random() > share.get(invoice.period, 0):
            continue
        paid_on = invoice.due_on - dt.timedelta(days=rng.randrange(0, 25))
        amount = invoice.total if rng.random() < 0.85 else (invoice.total / 2).quantize(Decimal("0.01"))
        rows.append({"invoice_id": invoice.invoice_id, "paid_on": paid_on.isoformat(), "amount": str(amount)})
    return rows


def _late_lines(ws: Workspace) -> list[dict]:
    """A line of July and a credit of August that the billing system sends after both months were
    settled: September's invoice of the customer's partner carries them as adjustments."""
    invoice = next(i for i in settling.preview_month(ws, "2026-07").invoices if i.issuer == "vendor")
    line = invoice.lines[0]
    return [{"line_id": f"BL-LATE-{month}-{line.customer_id}", "customer_id": line.customer_id,
             "product": line.product, "usage_date": day, "amount": amount, "commissionable": "true"}
            for month, day, amount in (("2026-07", "2026-07-30", "120.000000"), ("2026-08", "2026-08-29", "-35.50"))]


def _numbered(rows: list[dict]) -> list[tuple[int, dict]]:
    return [(line, row) for line, row in enumerate(rows, start=2)]


def load_demo(ws: Workspace, as_of: dt.date) -> DemoSummary:
    """Load the demo into an empty database (refused otherwise); `as_of` is the demo's today."""
    _refuse_unless_empty(ws)
    rng = random.Random(SEED)
    certificates_until = max(as_of, dt.date(2026, 3, 2)) + dt.timedelta(days=730)
    partners = _approve_partners(ws, rng, certificates_until)
    _open_applications(ws, rng, as_of, certificates_until)
    customer_rows, customer_ids = _customers(rng, partners)
    imports.import_customer_rows(ws, _numbered(customer_rows), "demo customers")
    usage = imports.import_usage_rows(ws, _numbered(_usage(rng, customer_ids)), "demo usage")
    for month in SETTLED_MONTHS:
        settling.settle_month(ws, month, at=_at(Month.parse(month).end, 6))
    for quarter in SETTLED_QUARTERS:
        settling.settle_quarter(ws, quarter, at=_at(dt.date(2026, 7, 3), 6))
    payments.import_payment_rows(ws, _numbered(_payments(rng, ws, as_of)), "demo payments",
                                 at=_at(dt.date(2026, 10, 2)))
    late = imports.import_usage_rows(ws, _numbered(_late_lines(ws)), "demo late lines")
    _credit_limit_agreed(ws, partners, as_of)
    for username, password, role, name in ACCOUNTS:
        accounts.add_demo_account(ws, username, password, role, display_name=name)
    partner_logins = [DemoAccount(username=u, password=p, role="partner", partner_id=partner)
                      for u, p, partner in load_platform(ws, partners, as_of)]
    return _summary(ws, as_of, len(customer_ids), usage.imported + late.imported, partner_logins)


def _credit_limit_agreed(ws: Workspace, partners: dict[str, str], as_of: dt.date) -> None:
    """A reseller close to a limit a manager agreed with it (exposure at about 95 % of it); the
    tier review proposes gold for the registered resellers that outgrew their tier."""
    near = partners[NEAR_LIMIT]
    exposure = credit.partner_credit(ws, near, as_of).exposure
    credit.set_credit_limit(ws, near, str((exposure / Decimal("0.95")).quantize(Decimal("1000"))), by=MANAGER,
                            reason="limit agreed at the quarterly business review", as_of=as_of,
                            at=_at(dt.date(2026, 10, 5)))


def _summary(ws: Workspace, as_of: dt.date, customers: int, lines: int,
             partner_logins: list[DemoAccount]) -> DemoSummary:
    partner_types = Counter(p.partner_type.value for p in lookups.partners(ws))
    states = Counter(row.state for row in applications.list_applications(ws))
    standing = Counter(i.status.value for i in payments.invoice_balances(ws, as_of).invoices)
    return DemoSummary(
        as_of=as_of, accounts=[*(DemoAccount(username=u, password=p, role=r) for u, p, r, _ in ACCOUNTS),
                               *partner_logins],
        applications=dict(sorted(states.items())), partners=dict(sorted(partner_types.items())),
        customers=customers, billing_lines=lines, settled=[*SETTLED_MONTHS, *SETTLED_QUARTERS],
        invoices=dict(sorted(standing.items())),
    )
