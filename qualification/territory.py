"""A territory and its distributor cap: the one place that says whether one more distributor fits.

The cap is rules data (`territories.yaml`); the distributors approved are counted by the
caller inside the approving transaction, under the territory's lock (`uow.territories`), so
two approvals into one territory at once are serialised and this check sees the true count.
The distributor rulebook must also hold a criterion that checks the same thing
(`cap_criterion`), so an applicant's decision shows it; the approval's guard does not depend
on what that criterion is called.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from kernel.partner_types import PartnerType
from qualification.rulebook import Criterion, FactRef, Rulebook

APPROVED = "approved_distributors"
CAP = "territory_cap"


class Territory(BaseModel):
    """A territory's distributors against its cap."""

    model_config = ConfigDict(frozen=True)

    code: str
    cap: int
    approved_distributors: int

    @property
    def full(self) -> bool:
        return self.approved_distributors >= self.cap

    def refusal(self) -> str | None:
        """Why no further distributor can be approved here, or None when one more fits."""
        if not self.full:
            return None
        return f"{self.approved_distributors} distributors already approved in {self.code}; its cap is {self.cap}"


def territory(rulebook: Rulebook, code: str, approved_distributors: int) -> Territory:
    return Territory(code=code, cap=rulebook.cap_for(code), approved_distributors=approved_distributors)


def checks_the_cap(criterion: Criterion) -> bool:
    """Whether a criterion fails when the territory has its cap of approved distributors."""
    return any(c.fact == APPROVED and c.op == "<" and c.value == FactRef(fact=CAP) for c in criterion.checks)


def cap_criterion(criteria: list[Criterion]) -> Criterion | None:
    """The distributor criterion that checks the territory cap, whatever its id."""
    return next((c for c in criteria if checks_the_cap(c)), None)


def missing_cap_criterion(rulebook: Rulebook) -> str | None:
    """What `rules check` says of a distributor rulebook without the territory-cap criterion."""
    if cap_criterion(rulebook.criteria(PartnerType.distributor)) is not None:
        return None
    return (f"{PartnerType.distributor.value}.yaml: no criterion checks the territory cap "
            f"(a check 'fact: {APPROVED}, op: \"<\", value: {{fact: {CAP}}}', as the criterion "
            f"{CAP} of the shipped rules does)")
