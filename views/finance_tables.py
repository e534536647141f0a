"""Tables of the finance pages: money as numbers formatted as money, partners by id and name.

Money goes into a table as the service's Decimal: it reaches the page as an exact decimal number
(it sorts as a number) and a CSV download writes it unchanged."""

from __future__ import annotations

import streamlit as st

from partnerdesk import lookups
from views.common import workspace


def money(label: str | None = None) -> st.column_config.NumberColumn:
    """A money column: a number (so it sorts as one) shown with two decimals and thousands separators."""
    return st.column_config.NumberColumn(label, format="accounting")


def partner_names() -> dict[str, str]:
    """'P-3' -> the partner's name, to show beside its id."""
    return lookups.partner_names(workspace())
