"""Applications that pass every check of their partner type on AS_OF, to vary one field at a time."""

from __future__ import annotations

import copy
import datetime as dt

AS_OF = dt.date(2026, 11, 24)

_BASE = {
    "company_name": "Acme Cloud Pte. Ltd.",
    "territory": "SG",
    "registration_country": "SG",
    "registration_number": "201912345R",
    "registration_date": "2021-03-15",
    "registered_capital": "50000.00",
    "capital_currency": "USD",
    "financial_health": "healthy",
    "business_areas": ["system_integration"],
    "industries": ["retail"],
    "dedicated_staff": {"sales": 1, "tech": 1, "ops": 1},
    "acp_certificates": [
        {"id": f"ACP-000{i}", "holder": "Jane Tan", "expires_on": "2027-06-30"} for i in range(1, 5)
    ],
    "existing_customers": 40,
    "customer_operations_years": 3,
    "tier2_resellers_managed": 3,
    "first_year_revenue_commitment": "500000",
    "commitment_currency": "USD",
    "contact_email": "ops@acme.example",
    "statement": "We bring a sales team and twenty engineers.",
}

# Distinct valid Singapore UENs (local companies), so applications do not collide as duplicates.
SG_UENS = ['200012345W', '200112345C', '200212345E', '200312345H', '200412345M', '200512345R', '200612345Z', '200712345D', '200812345G', '200912345K', '201012345D', '201112345G', '201212345K', '201312345N', '201412345W', '201512345C', '201612345E', '201712345H', '201812345M', '201912345R']


def application(partner_type: str = "direct_reseller", **overrides) -> dict:
    data = copy.deepcopy(_BASE)
    data["partner_type"] = partner_type
    data.update(overrides)
    return data
