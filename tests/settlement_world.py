"""A small channel for settlement tests: partners approved through the real services, CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

from factories import AS_OF, SG_UENS, application
from kernel.states import Action
from partnerdesk import applications, imports, review, tier2
from partnerdesk.workspace import Workspace

TERRITORY = {"agency": "SG", "direct_reseller": "SG", "distributor": "US"}
USAGE_HEADER = ["line_id", "customer_id", "product", "usage_date", "amount", "commissionable"]
CUSTOMER_HEADER = ["customer_id", "partner_id", "associated_on"]


class Channel:
    """Creates partners (distinct registration numbers) and imports files for one workspace."""

    def __init__(self, ws: Workspace, folder: Path) -> None:
        self.ws, self.folder, self.count = ws, folder, 0

    def partner(self, partner_type: str, tier: str | None = None) -> str:
        """An approved partner of the type, on the plan's default tier unless `tier` is given."""
        self.count += 1
        data = application(partner_type, registration_number=SG_UENS[self.count],
                           company_name=f"{partner_type} {self.count}", territory=TERRITORY[partner_type])
        application_id, decision = applications.submit(self.ws, data, AS_OF)
        result = review.review(self.ws, application_id, Action.approve, by="Morgan", reason="fits",
                               confirm=decision.to_review, tier=tier)
        return result["partner_id"]

    def tier2(self, distributor: str, discount: str | None = None) -> str:
        self.count += 1
        return tier2.add_tier2(self.ws, distributor, f"Tier-2 reseller {self.count}", discount)

    def file(self, name: str, header: list[str], rows: list[list]) -> Path:
        path = self.folder / name
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    def customers(self, rows: list[list], name: str = "customers.csv"):
        return imports.import_customers(self.ws, self.file(name, CUSTOMER_HEADER, rows))

    def usage(self, rows: list[list], name: str = "usage.csv"):
        """Rows of line_id, customer_id, product, usage_date, amount[, commissionable]."""
        return imports.import_usage(self.ws, self.file(name, USAGE_HEADER, [[*r, "true"][:6] for r in rows]))
