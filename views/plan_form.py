"""Editing a commercial plan in a form, for the what-if page.

The form starts from the plan in force and returns plan data; `Plan` validates it, so a
rate over 1 or bands out of order are refused with the model's own message.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from partnerdesk.errors import InputError
from settlement.plan import Plan, TieredTerms
from views.common import humanize

RATE = {"min_value": 0.0, "max_value": 1.0, "step": 0.005, "format": "%.4f"}
BAND_COLUMNS = {
    "from": st.column_config.NumberColumn("From (USD per quarter)", min_value=0, required=True),
    "rate": st.column_config.NumberColumn("Commission rate", min_value=0.0, max_value=1.0, step=0.0001,
                                          format="%.4f", required=True),
}


def _decimal(value: float) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _tiers(kind: str, terms: TieredTerms, carried: dict) -> dict:
    """Each tier's discount and commission bands as edited; its other terms as they were."""
    st.markdown(f"**{humanize(kind)} tiers**")
    tiers = {}
    for name, tier in terms.tiers.items():
        discount, bands = st.columns([1, 3])
        rate = discount.number_input(f"{name}: discount", value=float(tier.discount_rate),
                                     key=f"whatif.{kind}.{name}.discount", **RATE)
        with bands:
            table = pd.DataFrame([{"from": float(b.start), "rate": float(b.rate)} for b in tier.commission])
            edited = st.data_editor(table, key=f"whatif.{kind}.{name}.bands", num_rows="dynamic",
                                    column_config=BAND_COLUMNS, hide_index=True)
        tiers[name] = {**carried[name], "discount_rate": _decimal(rate),
                       "commission": [{"from": _decimal(r["from"]), "rate": _decimal(r["rate"])}
                                      for r in edited.sort_values("from").to_dict("records")
                                      if not pd.isna(r["from"]) and not pd.isna(r["rate"])]}
    return tiers


def plan_fields(plan: Plan) -> dict:
    """The plan in force as editable fields; returns the edited plan as data.

    Only terms that change what the quarter costs are offered; the others (payment terms,
    tier-2 resellers' default discount, credit limits, review thresholds) are carried over
    from the plan in force, so the downloaded plan is complete."""
    data = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["version"] = st.text_input("Name of this what-if plan", f"{plan.version}-whatif", key="whatif.version")
    data["non_commissionable_products"] = st.multiselect(
        "Products that earn no commission", sorted(plan.non_commissionable_products),
        plan.non_commissionable_products, key="whatif.non_commissionable", accept_new_options=True)
    data["agency"] = {"commission_rate": _decimal(st.number_input(
        "Agency commission rate", value=float(plan.agency.commission_rate), key="whatif.agency.rate", **RATE))}
    for kind in ("direct_reseller", "distributor"):
        data[kind]["tiers"] = _tiers(kind, getattr(plan, kind), data[kind]["tiers"])
    return data


def plan_of(data: dict) -> Plan:
    """The plan the form describes, or an input error naming the first field that is wrong."""
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None

