"""PartnerDesk for people: sign in, then the pages of your role (`streamlit run app.py`).

Every page calls the service layer in `partnerdesk/`; nothing is decided or computed here.
Each page also checks the role itself, so a page reached another way shows none of its data.
"""

import streamlit as st

from partnerdesk.accounts import Role, has_accounts
from views.common import plain, preload, show_flash, sign_out, signed_in, workspace

# An emoji icon is drawn by the browser; a ":material/..." one would be fetched from a font server.
st.set_page_config(page_title="PartnerDesk", page_icon="🤝", layout="wide")

SET_UP = st.Page("views/first_admin.py", title="Set up", icon=":material/admin_panel_settings:")
SIGN_IN = st.Page("views/sign_in.py", title="Sign in", icon=":material/login:")
APPLY = st.Page("views/apply.py", title="Apply", icon=":material/edit_note:")
MY_APPLICATIONS = st.Page("views/my_applications.py", title="My applications", icon=":material/folder_open:")
QUEUE = st.Page("views/queue.py", title="Review queue", icon=":material/inbox:")
REVIEW = st.Page("views/review.py", title="Review an application", icon=":material/fact_check:")
PARTNERS = st.Page("views/partners.py", title="Partners", icon=":material/groups:")
TIER_REVIEW = st.Page("views/tier_review.py", title="Tier review", icon=":material/military_tech:")
SETTLEMENT = st.Page("views/settlement.py", title="Settlement", icon=":material/receipt_long:")
WHATIF = st.Page("views/whatif.py", title="What-if", icon=":material/tune:")
RULES = st.Page("views/rules.py", title="Rules", icon=":material/gavel:")
USERS = st.Page("views/users.py", title="Accounts", icon=":material/manage_accounts:")
MY_ACCOUNT = st.Page("views/my_account.py", title="My account", icon=":material/person:")

SIGNED_OUT = "signed_out"  # set by the sign-out button: the next run opens the sign-in page
ASSOCIATIONS = st.Page("views/association_queue.py", title="Customer associations", icon=":material/swap_horiz:")
PARTNER_HOME = st.Page("views/partner_home.py", title="Home", icon=":material/home:")
PARTNER_CUSTOMERS = st.Page("views/partner_customers.py", title="Customers", icon=":material/person_add:")
PARTNER_STATEMENTS = st.Page("views/partner_statements.py", title="Statements", icon=":material/request_quote:")
PARTNER_TIER2 = st.Page("views/partner_tier2.py", title="Tier-2 resellers", icon=":material/account_tree:")
PARTNER_TEAM = st.Page("views/partner_team.py", title="Team", icon=":material/group:")
PARTNER_APPLICATIONS = st.Page("views/my_applications.py", title="My applications", icon=":material/folder_open:",
                               url_path="partner_applications")
ACCEPT = st.Page("views/accept.py", title="Accept an invitation", icon=":material/handshake:")

SECTIONS = {
    "Applying": [APPLY, MY_APPLICATIONS],
    "Reviewing": [QUEUE, REVIEW, PARTNERS, TIER_REVIEW, ASSOCIATIONS],
    "Your business": [PARTNER_HOME, PARTNER_CUSTOMERS, PARTNER_STATEMENTS, PARTNER_TIER2, PARTNER_TEAM,
                      PARTNER_APPLICATIONS],
    "Analysis": [SETTLEMENT, WHATIF, RULES],
    "Administration": [USERS],
    "Account": [MY_ACCOUNT],
}
ROLE_SECTIONS = {
    Role.applicant: ["Applying", "Account"],
    Role.manager: ["Reviewing", "Account"],
    Role.analyst: ["Analysis", "Account"],
    Role.partner: ["Your business", "Account"],
    Role.admin: list(SECTIONS),
}


def navigation() -> st.Page:
    account = signed_in()
    if st.query_params.get("code"):  # a customer's invitation link: the public accept page, no sign-in
        return st.navigation([ACCEPT], position="hidden")
    if account is None:
        if not has_accounts(workspace()):
            return st.navigation([SET_UP], position="hidden")
        # Every page is reachable by its link: signed out, it offers the sign-in form, then shows itself.
        every_page = st.navigation([SIGN_IN, *(p for section in SECTIONS.values() for p in section)], position="hidden")
        if st.session_state.pop(SIGNED_OUT, False):
            st.switch_page(SIGN_IN)
        return every_page
    with st.sidebar:
        st.markdown(f"Signed in as **{plain(account.display_name)}** ({account.role.value})")
        if st.button("Sign out", icon=":material/logout:"):
            sign_out()
            st.session_state[SIGNED_OUT] = True
            st.rerun()
    return st.navigation({name: SECTIONS[name] for name in ROLE_SECTIONS[account.role]})


workspace()
preload()
page = navigation()
show_flash()
page.run()
