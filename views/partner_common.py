"""What the partner pages share: the signed-in partner (its membership) and money columns.

Every partner page reads only through the signed-in account's own partner: the pages never
take a partner id from the user, so no page can show another partner's data.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.partner_accounts import Membership, membership
from views.common import humanize, plain, require, today, workspace

MONEY = st.column_config.NumberColumn(format="%.2f")


def signed_in_partner() -> Membership:
    """The signed-in account's partner; the page stops for any other account."""
    account = require(Role.partner)
    member = membership(workspace(), account.username, today())
    if member is None:
        st.info("This account belongs to no partner: partner pages show a partner's own business.")
        st.stop()
    return member


def partner_caption(member: Membership) -> None:
    tier = f", tier {member.tier}" if member.tier else ""
    st.caption(plain(f"{member.partner_id} {member.partner_name}: {humanize(member.partner_type)}{tier}, "
                     f"territory {member.territory}, {member.standing.value}"))


def money_table(rows: list[dict], money: list[str], key: str | None = None) -> None:
    """Rows with money columns shown as numbers with two decimals."""
    table = pd.DataFrame(rows)
    for column in money:
        if column in table:
            table[column] = table[column].map(lambda v: float(v) if isinstance(v, Decimal) else v)
    st.dataframe(table, hide_index=True, key=key, column_config={c: MONEY for c in money})


def writable(member: Membership) -> bool:
    """Whether the partner may register anything today; says why not when it may not."""
    if member.standing.value != "active":
        st.warning(f"Your partner is {member.standing.value}: you can read everything here but register nothing.")
        return False
    return True
