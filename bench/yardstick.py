"""A yardstick, never used by the product: the same rule files read with plain PyYAML and
evaluated by plain Python (no pydantic, no rules engine), JSON text in and decision JSON out.

It follows the semantics of contract section 1 and the README (a criterion fails when any of
its checks fails, goes to review when attested or a check's value is a review value, else
passes; all three partner types are evaluated for `qualifies_as`), so the bench can check
that the product and the yardstick agree on every application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
from decimal import Decimal
from pathlib import Path

import yaml

TYPES = ("agency", "direct_reseller", "distributor")
FILES = ("ruleset.yaml", "agency.yaml", "direct_reseller.yaml", "distributor.yaml", "territories.yaml",
         "currencies.yaml", "registration.yaml")
FIELDS = {"partner_type", "company_name", "territory", "registration_country", "registration_number",
          "registration_date", "registered_capital", "capital_currency", "financial_health", "business_areas",
          "industries", "dedicated_staff", "acp_certificates", "existing_customers", "customer_operations_years",
          "tier2_resellers_managed", "first_year_revenue_commitment", "commitment_currency", "contact_email",
          "statement"}
AREAS = ("internet_services", "system_integration", "software_development", "consulting", "investment",
         "media", "msp", "isv", "other")
MONEY = {"capital_usd", "revenue_commitment_usd"}
DECIMALS = {"customer_operations_years"}
CENT = Decimal("0.01")
OPS = {">=": Decimal.__ge__, ">": Decimal.__gt__, "<=": Decimal.__le__, "<": Decimal.__lt__,
       "==": Decimal.__eq__, "!=": Decimal.__ne__}


class YardstickError(ValueError):
    pass


def _shown_exactly(name: str, amount: Decimal):
    """Money to the cent unless it has more digits, whole years as a number (amounts compare exactly)."""
    if name in MONEY and amount == amount.quantize(CENT):
        return format(amount.quantize(CENT), "f")
    if name in DECIMALS and amount == amount.to_integral_value():
        return int(amount)
    return format(amount.normalize(), "f")


class Rules:
    """The rule files of a directory, as plain dicts."""

    def __init__(self, rules_dir: Path) -> None:
        raw = {name: (rules_dir / name).read_bytes() for name in FILES}
        data = {name: yaml.safe_load(text) for name, text in raw.items()}
        digest = hashlib.sha256()
        for name in FILES:
            digest.update(name.encode() + b"\0" + raw[name] + b"\0")
        self.version = f"{data['ruleset.yaml']['version']}+{digest.hexdigest()[:8]}"
        self.criteria = {t: data[f"{t}.yaml"]["criteria"] for t in TYPES}
        self.default_cap = int(data["territories.yaml"].get("default_cap", 2))
        self.caps = {k: int(v) for k, v in (data["territories.yaml"].get("caps") or {}).items()}
        self.rates = {k: Decimal(str(v)) for k, v in data["currencies.yaml"]["rates"].items()}
        self.formats = {k: importlib.import_module(f"stdnum.{v}")
                        for k, v in (data["registration.yaml"].get("formats") or {}).items()}
        for criteria in self.criteria.values():
            for criterion in criteria:
                for check in criterion.get("checks", []):
                    value = check.get("value")
                    if value is not None and not isinstance(value, dict):
                        check["threshold"] = Decimal(str(value))


def facts(app: dict, as_of: dt.date, rules: Rules, approved: dict[str, int]) -> dict:
    territory = app["territory"].upper()
    country = (app.get("registration_country") or territory).upper()
    number = app.get("registration_number")
    if not number:
        number_status = "missing"
    elif country in rules.formats:
        number_status = "valid" if rules.formats[country].is_valid(number) else "invalid"
    else:
        number_status = "format_not_known"
    registered = app.get("registration_date")
    years, date_status = 0, "missing"
    if registered:
        day = dt.date.fromisoformat(registered)
        if day > as_of:
            date_status = "in_future"
        else:
            date_status = "on_or_before_decision"
            years = as_of.year - day.year - ((as_of.month, as_of.day) < (day.month, day.day))
    staff = app.get("dedicated_staff") or {}
    areas = set(app.get("business_areas") or [])
    result = {
        "registration_number_status": number_status,
        "registration_date_status": date_status,
        "registered_full_years": Decimal(years),
        "capital_usd": Decimal(str(app.get("registered_capital", 0))) * rules.rates[app.get("capital_currency", "USD")],
        "financial_health": app.get("financial_health") or "unknown",
        "existing_customers": Decimal(app.get("existing_customers", 0)),
        "industry_count": Decimal(len(set(app.get("industries") or []))),
        "dedicated_staff": Decimal(staff.get("sales", 0) + staff.get("tech", 0) + staff.get("ops", 0)),
        "valid_acp_certificates": Decimal(len({c["id"] for c in app.get("acp_certificates") or []
                                               if dt.date.fromisoformat(c["expires_on"]) >= as_of})),
        "customer_operations_years": Decimal(str(app.get("customer_operations_years", 0))),
        "tier2_resellers_managed": Decimal(app.get("tier2_resellers_managed", 0)),
        "revenue_commitment_usd": (Decimal(str(app.get("first_year_revenue_commitment", 0)))
                                   * rules.rates[app.get("commitment_currency", "USD")]),
        "approved_distributors": Decimal(approved.get(territory, 0)),
        "territory_cap": Decimal(rules.caps.get(territory, rules.default_cap)),
        "statement_words": len((app.get("statement") or "").split()),
        "business_areas": ", ".join(a for a in AREAS if a in areas) or "none",
    }
    result["_areas"] = areas
    return result


def _check(check: dict, f: dict) -> str:
    """'pass', 'fail' or 'review' for one check."""
    fact = check["fact"]
    if "any_of" in check:
        return "pass" if f["_areas"] & set(check["any_of"]) else "fail"
    if "pass" in check:
        value = f[fact]
        if value in check["pass"]:
            return "pass"
        return "review" if value in check.get("review", []) else "fail"
    threshold = f[check["value"]["fact"]] if isinstance(check["value"], dict) else check["threshold"]
    return "pass" if OPS[check["op"]](f[fact], threshold) else "fail"


def _shown(name: str, value):
    return _shown_exactly(name, value) if isinstance(value, Decimal) and name in MONEY | DECIMALS else (
        int(value) if isinstance(value, Decimal) else value)


def criterion_result(criterion: dict, f: dict, territory: str) -> dict:
    checks = criterion.get("checks", [])
    outcomes = [_check(c, f) for c in checks]
    primary = checks[0] if checks else None
    if "fail" in outcomes:
        check = checks[outcomes.index("fail")]
        status = "fail"
        template = (check.get("fail_messages") or {}).get(str(f[check["fact"]]), check["fail_message"])
    elif criterion.get("attest") or "review" in outcomes:
        status, check, template = "review", primary, criterion.get("review_message", "")
    else:
        status, check, template = "pass", primary, criterion.get("pass_message", "")
    shown = {k: _shown(k, v) for k, v in f.items() if not k.startswith("_")}
    if check is not None:
        value = check.get("value")
        threshold = shown[value["fact"]] if isinstance(value, dict) else value
        actual = shown[check["fact"]]
        shortfall = ""
        if check.get("op") in (">=", ">") and not isinstance(value, dict):
            shortfall = max(check["threshold"] - f[check["fact"]], Decimal(0))
        message = template.format(**shown, actual=actual, value=threshold, shortfall=shortfall, territory=territory)
    else:
        message = template.format(**shown, actual="", value="", shortfall="", territory=territory)
    actual_fact = criterion.get("actual") or (primary["fact"] if primary else None)
    return {"id": criterion["id"], "status": status, "actual": shown[actual_fact] if actual_fact else None,
            "required": criterion.get("required") or "; ".join(
                f"{c.get('op', '')} {c.get('value', c.get('pass', c.get('any_of')))}" for c in checks),
            "message": message}


def statuses(rules: Rules, partner_type: str, f: dict, territory: str) -> list[dict]:
    return [criterion_result(c, f, territory) for c in rules.criteria[partner_type]]


def _fails(rules: Rules, partner_type: str, f: dict) -> bool:
    return any("fail" in (_check(c, f) for c in criterion.get("checks", []))
               for criterion in rules.criteria[partner_type])


def parse(text: str, rules: Rules) -> dict:
    app = json.loads(text, parse_float=Decimal)
    unknown = set(app) - FIELDS
    if unknown:
        raise YardstickError(f"{sorted(unknown)[0]}: unknown field")
    for field in ("partner_type", "company_name", "territory", "contact_email"):
        if not app.get(field):
            raise YardstickError(f"{field}: required field is missing")
    if app["partner_type"] not in TYPES:
        raise YardstickError("partner_type: unknown")
    for field in ("capital_currency", "commitment_currency"):
        if app.get(field, "USD") not in rules.rates:
            raise YardstickError(f"{field}: unknown currency")
    return app


def decide(text: str, as_of: dt.date, rules: Rules, approved: dict[str, int]) -> str:
    """JSON text of an application in, JSON text of its decision out."""
    app = parse(text, rules)
    f = facts(app, as_of, rules, approved)
    partner_type, territory = app["partner_type"], app["territory"].upper()
    own = statuses(rules, partner_type, f, territory)
    failed = [c["id"] for c in own if c["status"] == "fail"]
    return json.dumps({
        "partner_type": partner_type, "eligible": not failed, "as_of": as_of.isoformat(),
        "rules_version": rules.version, "criteria": own, "failed": failed,
        "to_review": [c["id"] for c in own if c["status"] == "review"],
        "qualifies_as": [t for t in TYPES if t != partner_type and not _fails(rules, t, f)],
    }, default=str)


def impact(documents: list[tuple[int, str, str]], as_of: dt.date, current: Rules, draft: Rules,
           approved: dict[str, int]) -> list[dict]:
    """The applications whose criterion statuses or eligibility change under the draft."""
    changed = []
    for application_id, territory, document in documents:
        app = json.loads(document, parse_float=Decimal)
        before = {c["id"]: c["status"] for c in statuses(current, app["partner_type"],
                                                           facts(app, as_of, current, approved), territory)}
        after = {c["id"]: c["status"] for c in statuses(draft, app["partner_type"],
                                                          facts(app, as_of, draft, approved), territory)}
        if before != after:
            changed.append({"application_id": application_id,
                            "criteria": [{"id": i, "current": before.get(i), "draft": after.get(i)}
                                         for i in {**before, **after} if before.get(i) != after.get(i)]})
    return changed


def signature(decision: dict) -> tuple:
    """What must agree between the product and the yardstick."""
    return (decision["partner_type"], decision["eligible"], tuple((c["id"], c["status"]) for c in decision["criteria"]),
            tuple(sorted(decision["qualifies_as"])))
