"""The draft rules (for `rules impact`) and the other plan (for `whatif`) the bench compares.

Both are derived from the shipped files in rules/ by changing a few thresholds and rates, so
they follow the shipped schema whatever it becomes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bench.config import RULES

# criterion id -> new threshold, per partner type: stricter capital, staff and certificates.
DRAFT_THRESHOLDS = {
    "agency.yaml": {"registered_capital": "5000"},
    "direct_reseller.yaml": {"dedicated_staff": 3},
    "distributor.yaml": {"acp_certificates": 5},
}


def write_draft_rules(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(RULES, target)
    for name, changes in DRAFT_THRESHOLDS.items():
        data = yaml.safe_load((target / name).read_text())
        for criterion in data["criteria"]:
            if criterion["id"] in changes and criterion.get("checks"):
                criterion["checks"][0]["value"] = changes[criterion["id"]]
        (target / name).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    ruleset = yaml.safe_load((target / "ruleset.yaml").read_text())
    ruleset["version"] = f"{ruleset['version']}-draft"
    (target / "ruleset.yaml").write_text(yaml.safe_dump(ruleset, sort_keys=False))
    return target


def write_whatif_plan(target: Path) -> Path:
    """Agency rate up, a richer gold tier, and a new distributor band."""
    plan = yaml.safe_load((RULES / "plan.yaml").read_text())
    plan["version"] = f"{plan['version']}-whatif"
    plan["agency"]["commission_rate"] = "0.12"
    gold = plan["direct_reseller"]["tiers"].get("gold")
    if gold:
        gold["commission"] = [{"from": 0, "rate": "0.025"}, {"from": 50000, "rate": "0.04"},
                              {"from": 150000, "rate": "0.05"}]
    for tier in plan["distributor"]["tiers"].values():
        tier["commission"] = [*tier["commission"], {"from": 1000000, "rate": "0.035"}]
    target.write_text(yaml.safe_dump(plan, sort_keys=False))
    return target
