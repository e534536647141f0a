"""The benchmark's data set: seeded, reproducible, written as the product's own file formats.

    partners.csv        every partner and tier-2 reseller (loaded in bulk: the product has no bulk path)
    customers.csv       customer_id,partner_id,associated_on          (contract section 4)
    usage-YYYY-MM.csv   line_id,customer_id,product,usage_date,amount,commissionable
    applications.jsonl  one application (contract section 2) per line

The same seed and scale always give byte-identical files; a manifest records both, so a
second run reuses the files instead of writing them again.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import yaml

from bench.config import AS_OF, MONTHS, RULES, SEED, X10_MONTH, sizes
from bench.progress import Progress

GENERATOR_VERSION = 4

# 40 territories and the currency applicants there usually declare (USD where the rules'
# currency table has no local rate). Weights: a channel program's uneven spread.
TERRITORIES = [
    ("SG", "SGD", 6), ("HK", "HKD", 3), ("LU", "EUR", 1), ("US", "USD", 10), ("CN", "CNY", 9),
    ("IN", "INR", 8), ("AU", "AUD", 4), ("BR", "BRL", 4), ("FR", "EUR", 4), ("ES", "EUR", 3),
    ("IT", "EUR", 3), ("DE", "EUR", 5), ("GB", "GBP", 5), ("JP", "JPY", 6), ("KR", "USD", 3),
    ("MY", "MYR", 3), ("ID", "IDR", 4), ("TH", "THB", 3), ("VN", "USD", 2), ("PH", "USD", 2),
    ("NZ", "USD", 1), ("CA", "USD", 3), ("MX", "USD", 2), ("AR", "USD", 1), ("CL", "USD", 1),
    ("CO", "USD", 1), ("ZA", "USD", 2), ("AE", "USD", 2), ("SA", "USD", 2), ("TR", "USD", 2),
    ("NL", "EUR", 2), ("BE", "EUR", 1), ("CH", "CHF", 2), ("SE", "USD", 1), ("NO", "USD", 1),
    ("DK", "USD", 1), ("FI", "EUR", 1), ("PL", "USD", 2), ("IE", "EUR", 1), ("PT", "EUR", 1),
]
PRODUCTS = [("ecs", 30), ("oss", 15), ("rds", 12), ("cdn", 10), ("slb", 6), ("vpc", 4), ("sls", 5),
            ("ack", 5), ("polardb", 3), ("waf", 2), ("marketplace", 5), ("support", 3)]
AREAS = ["internet_services", "system_integration", "software_development", "consulting", "investment",
         "media", "msp", "isv", "other"]
QUALIFYING_AREAS = AREAS[:3]
INDUSTRIES = ["retail", "finance", "manufacturing", "healthcare", "education", "logistics", "gaming",
              "media", "government", "energy"]
WORDS = ("we bring a dedicated cloud team with certified engineers and long customer relationships "
         "in our region and want to grow the vendor's business together").split()


def _usd_rates() -> dict[str, Decimal]:
    rates = yaml.safe_load((RULES / "currencies.yaml").read_text())["rates"]
    return {code: Decimal(str(rate)) for code, rate in rates.items()}


def _caps() -> tuple[int, dict[str, int]]:
    territories = yaml.safe_load((RULES / "territories.yaml").read_text())
    return int(territories.get("default_cap", 2)), {k: int(v) for k, v in (territories.get("caps") or {}).items()}


# --- registration numbers valid (or not) under python-stdnum --------------------------------

def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _valid_number(rng: random.Random, country: str) -> str | None:
    """A number valid for the country's format in rules/registration.yaml; None if not known here."""
    from stdnum import luhn
    from stdnum.au import acn
    from stdnum.br import cnpj
    from stdnum.cn import uscc
    from stdnum.sg import uen

    if country == "SG":
        base = str(rng.randint(1990, 2025)) + _digits(rng, 5)
        return base + uen.calc_local_company_check_digit(base)
    if country == "AU":
        base = _digits(rng, 8)
        return base + acn.calc_check_digit(base)
    if country == "CN":
        base = "91" + _digits(rng, 15)
        return base + uscc.calc_check_digit(base)
    if country == "BR":
        base = _digits(rng, 8) + "0001"
        return base + cnpj.calc_check_digits(base)
    if country == "FR":
        base = str(rng.randint(1, 9)) + _digits(rng, 7)
        return base + luhn.calc_check_digit(base)
    return None


def _registration_number(rng: random.Random, country: str) -> str | None:
    if rng.random() < 0.03:
        return None
    valid = _valid_number(rng, country)
    if valid is None:
        return f"{country}-{_digits(rng, 9)}"
    if rng.random() < 0.05:  # a typing error: the check digit is wrong
        last = valid[-1]
        wrong = "0" if last != "0" else "1"
        return valid[:-1] + wrong
    return valid


# --- partners, tier-2 resellers, customers ---------------------------------------------------

def partners(scale: float, rng: random.Random) -> list[dict]:
    """Agencies, direct resellers and distributors (within each territory's cap), then tier-2s."""
    n = sizes(scale)
    default_cap, caps = _caps()
    codes = [t[0] for t in TERRITORIES]
    weights = [t[2] for t in TERRITORIES]
    distributors = max(1, round(n["partners"] * 0.02))
    rows: list[dict] = []
    approved = dt.date(2025, 1, 1)
    # Distributors: the busiest territories first; every other one is filled to its cap, the
    # others keep one place free, so distributor applicants meet both a full and an open
    # territory_cap (about half of them apply where the territory is full).
    placed = 0
    by_weight = sorted(TERRITORIES, key=lambda t: -t[2])
    for index, (code, _, _) in enumerate(by_weight):
        cap = caps.get(code, default_cap)
        for _ in range(cap if index % 2 == 0 else cap - 1):
            if placed < distributors:
                rows.append({"partner_type": "distributor", "territory": code, "tier": "standard"})
                placed += 1
    for _ in range(n["partners"] - placed):
        kind = "agency" if rng.random() < 0.64 else "direct_reseller"
        tier = None if kind == "agency" else ("gold" if rng.random() < 0.3 else "registered")
        rows.append({"partner_type": kind, "territory": rng.choices(codes, weights)[0], "tier": tier})
    rng.shuffle(rows)
    out = []
    for number, row in enumerate(rows, 1):
        out.append({"id": number, "partner_type": row["partner_type"],
                    "name": f"{row['territory']} {row['partner_type'].replace('_', ' ').title()} {number}",
                    "territory": row["territory"], "tier": row["tier"] or "", "discount_rate": "", "parent_id": "",
                    "approved_on": (approved + dt.timedelta(days=rng.randint(0, 600))).isoformat()})
    distributor_ids = [r["id"] for r in out if r["partner_type"] == "distributor"]
    for number in range(len(out) + 1, len(out) + n["tier2"] + 1):
        parent = out[rng.choice(distributor_ids) - 1]
        own = f"0.0{rng.randint(4, 7)}" if rng.random() < 0.4 else ""
        out.append({"id": number, "partner_type": "tier2_reseller", "name": f"Tier-2 reseller {number}",
                    "territory": parent["territory"], "tier": "", "discount_rate": own, "parent_id": parent["id"],
                    "approved_on": (dt.date.fromisoformat(parent["approved_on"])
                                    + dt.timedelta(days=rng.randint(1, 200))).isoformat()})
    return out


def associations(scale: float, partner_rows: list[dict], rng: random.Random) -> list[tuple[str, str, str]]:
    """85 % of customers belong to a partner (the rest is the vendor's direct business); 3 % of
    those move to another partner inside the quarter, 2 % join a partner inside it."""
    n = sizes(scale)["customers"]
    owners = [r for r in partner_rows if r["partner_type"] != "distributor" or rng.random() < 0.5]
    weights = [rng.lognormvariate(0, 1.0) for _ in owners]
    quarter_start = dt.date.fromisoformat(MONTHS[0] + "-01")
    rows = []
    for number in range(1, n + 1):
        if rng.random() >= 0.85:
            continue
        customer = f"C-{number:06d}"
        owner = rng.choices(owners, weights)[0]
        if rng.random() < 0.02:
            start = quarter_start + dt.timedelta(days=rng.randint(1, 88))
        else:
            start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1276))
        rows.append((customer, f"P-{owner['id']}", start.isoformat()))
        if rng.random() < 0.03:
            other = rng.choices(owners, weights)[0]
            moved = max(start, quarter_start) + dt.timedelta(days=rng.randint(1, 80))
            if other is not owner:
                rows.append((customer, f"P-{other['id']}", moved.isoformat()))
    return rows


# --- billing lines --------------------------------------------------------------------------

def usage_file(path: Path, month: str, scale: float, seed: int, progress: Progress, times: int = 1) -> int:
    """One month's billing lines: skewed spend per customer, 1.5 % credits, 4 % not commissionable;
    `times` as many lines as the scale's month, for the same customers."""
    n = sizes(scale)
    lines, customers = n["lines_per_month"] * times, n["customers"]
    rng = np.random.default_rng([seed, int(month.replace("-", ""))])
    spend = np.random.default_rng([seed, 1]).lognormal(0.0, 1.3, customers)  # same customers every month
    who = rng.choice(customers, size=lines, p=spend / spend.sum()) + 1
    products = rng.choice(len(PRODUCTS), size=lines, p=np.array([w for _, w in PRODUCTS]) / sum(w for _, w in PRODUCTS))
    year, mon = map(int, month.split("-"))
    days = rng.integers(1, calendar.monthrange(year, mon)[1] + 1, size=lines)
    micros = np.round(rng.lognormal(np.log(25.0), 1.2, lines) * 1_000_000).astype(np.int64)
    micros[rng.random(lines) < 0.015] *= -1
    flags = np.where(rng.random(lines) < 0.04, "false", "true")
    names = [p for p, _ in PRODUCTS]
    prefix = f"L{year:04d}{mon:02d}-"
    day_text = [f"{month}-{d:02d}" for d in range(0, 32)]
    with open(path, "w", newline="") as handle:
        handle.write("line_id,customer_id,product,usage_date,amount,commissionable\n")
        chunk = 100_000
        for start in range(0, lines, chunk):
            stop = min(start + chunk, lines)
            out = []
            for i, c, p, d, m, f in zip(range(start + 1, stop + 1), who[start:stop].tolist(),
                                        products[start:stop].tolist(), days[start:stop].tolist(),
                                        micros[start:stop].tolist(), flags[start:stop].tolist()):
                sign = "-" if m < 0 else ""
                m = -m if m < 0 else m
                out.append(f"{prefix}{i:07d},C-{c:06d},{names[p]},{day_text[d]},{sign}{m // 1_000_000}.{m % 1_000_000:06d},{f}\n")
            handle.write("".join(out))
            progress.update(stop)
    return lines


# --- applications ---------------------------------------------------------------------------

def _money(amount: float) -> str:
    return f"{max(amount, 0):.2f}"


def application(rng: random.Random, number: int, partner_type: str, rates: dict[str, Decimal]) -> dict:
    """One applicant with a realistic spread of met and unmet criteria for its partner type."""
    code, local_currency, _ = rng.choices(TERRITORIES, [t[2] for t in TERRITORIES])[0]
    country = code if rng.random() < 0.92 else rng.choice(TERRITORIES)[0]
    currency = local_currency if rng.random() < 0.7 else "USD"
    to_local = 1 / float(rates.get(currency, Decimal(1)))
    roll = rng.random()
    if roll < 0.03:
        registered = None
    elif roll < 0.045:
        registered = AS_OF + dt.timedelta(days=rng.randint(1, 300))
    elif roll < 0.12:
        registered = AS_OF - dt.timedelta(days=rng.randint(0, 364))
    else:
        registered = AS_OF - dt.timedelta(days=rng.randint(366, 25 * 365))
    capital_usd = rng.lognormvariate(10.8, 1.3) if rng.random() > 0.07 else rng.uniform(0, 2000)
    health = rng.choices(["healthy", "concerns", "unknown", None], [72, 8, 12, 8])[0]
    if rng.random() < 0.12:
        areas = rng.sample(AREAS[3:], rng.randint(1, 2))
    else:
        areas = rng.sample(AREAS, rng.randint(1, 3))
        if not set(areas) & set(QUALIFYING_AREAS):
            areas.append(rng.choice(QUALIFYING_AREAS))
    industries = [] if rng.random() < 0.07 else rng.sample(INDUSTRIES, rng.randint(1, 4))
    big = partner_type == "distributor"
    staff = {"sales": rng.choice([0, 1, 1, 2, 3, 5] if big else [0, 0, 1, 1, 2]),
             "tech": rng.choice([0, 1, 2, 3, 6] if big else [0, 0, 1, 1, 2]),
             "ops": rng.choice([0, 0, 1, 2])}
    certificates = []
    for index in range(rng.choices(range(9), [8, 8, 14, 14, 14, 14, 12, 8, 8])[0]):
        expires = AS_OF + dt.timedelta(days=rng.randint(-400, 900))
        certificates.append({"id": f"ACP-{number:06d}-{index}", "holder": f"Engineer {index}",
                             "expires_on": expires.isoformat()})
    if certificates and rng.random() < 0.05:  # the same certificate listed twice counts once
        certificates.append(dict(certificates[0]))
    tier2 = rng.choice([0, 1, 2, 4, 8, 15]) if big and rng.random() < 0.85 else (
        rng.randint(1, 3) if rng.random() < 0.2 else 0)
    commitment_usd = rng.lognormvariate(13.3, 0.6) if big else rng.lognormvariate(10.5, 1.0)
    data = {
        "partner_type": partner_type,
        "company_name": f"Applicant {number} {rng.choice(['Cloud', 'Digital', 'Systems', 'Tech'])} Ltd.",
        "territory": code,
        "registration_country": country,
        "registration_number": _registration_number(rng, country),
        "registration_date": registered.isoformat() if registered else None,
        "registered_capital": _money(capital_usd * to_local),
        "capital_currency": currency,
        "financial_health": health,
        "business_areas": areas,
        "industries": industries,
        "dedicated_staff": staff,
        "acp_certificates": certificates,
        "existing_customers": 0 if rng.random() < 0.06 else int(rng.lognormvariate(3.5, 1.2)),
        "customer_operations_years": rng.choice(["0", "0.5"]) if rng.random() < 0.1 else
        str(rng.randint(1, 15)) if rng.random() < 0.7 else f"{rng.uniform(1, 20):.1f}",
        "tier2_resellers_managed": tier2,
        "first_year_revenue_commitment": _money(commitment_usd * to_local),
        "commitment_currency": currency,
        "contact_email": f"ops{number}@applicant{number}.example",
        "statement": " ".join(rng.sample(WORDS, rng.randint(3, len(WORDS)))),
    }
    return {k: v for k, v in data.items() if v is not None}


# --- the whole data set ---------------------------------------------------------------------

def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(directory: Path, scale: float, seed: int = SEED, force: bool = False) -> dict:
    """Write the data set into `directory` (or reuse it when the manifest matches)."""
    manifest_path = directory / "manifest.json"
    wanted = {"generator": GENERATOR_VERSION, "seed": seed, "scale": scale, "sizes": sizes(scale),
              "months": list(MONTHS), "as_of": AS_OF.isoformat()}
    if not force and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted:
            print(f"data: reusing {directory}", file=sys.stderr)
            return manifest
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)
    started = time.perf_counter()
    rng = random.Random(seed)
    partner_rows = partners(scale, rng)
    _write_csv(directory / "partners.csv", list(partner_rows[0]),
               ([row[k] for k in partner_rows[0]] for row in partner_rows))
    customer_rows = associations(scale, partner_rows, random.Random(seed + 1))
    _write_csv(directory / "customers.csv", ["customer_id", "partner_id", "associated_on"], customer_rows)
    rates = _usd_rates()
    n = sizes(scale)
    app_rng = random.Random(seed + 2)
    types = ["agency", "direct_reseller", "distributor"]
    progress = Progress("data: applications", n["applications"])
    with open(directory / "applications.jsonl", "w") as handle:
        for number in range(1, n["applications"] + 1):
            handle.write(json.dumps(application(app_rng, number, types[number % 3], rates)) + "\n")
            if number % 10_000 == 0:
                progress.update(number)
    progress.done()
    for month in MONTHS:
        progress = Progress(f"data: usage-{month}.csv", n["lines_per_month"])
        usage_file(directory / f"usage-{month}.csv", month, scale, seed, progress)
        progress.done()
    manifest = {**wanted, "customers_associated": len({c for c, _, _ in customer_rows}),
                "associations": len(customer_rows), "territories": len(TERRITORIES),
                "seconds": round(time.perf_counter() - started, 1)}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    print(f"data: written to {directory} in {manifest['seconds']} s", file=sys.stderr)
    return manifest


def x10_file(directory: Path, scale: float, seed: int = SEED) -> Path:
    """The month of ten times the scale's lines (written once, beside the data set it extends)."""
    path = directory / f"usage-{X10_MONTH}-x10.csv"
    marker = path.with_suffix(".done")
    if not marker.exists() or marker.read_text() != str(GENERATOR_VERSION):
        progress = Progress(f"data: {path.name}", 10 * sizes(scale)["lines_per_month"])
        usage_file(path, X10_MONTH, scale, seed, progress, times=10)
        progress.done()
        marker.write_text(str(GENERATOR_VERSION))
    return path
