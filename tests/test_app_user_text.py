"""Text that applicants and partners supply shows as text on every page, never as Markdown.

A company name `Evil [approve here](http://evil.example) ![x](...)` would be a live link and a
remote image in a heading, an expander's label or a message; shown escaped, it reads as typed.
"""

from __future__ import annotations

from app_driver import open_page, shown, sign_in
from factories import AS_OF, application
from kernel.states import Action
from partnerdesk.applications import submit
from partnerdesk.review import review

pytest_plugins = ("app_fixtures",)

HOSTILE = "Evil [approve here](http://evil.example) ![x](http://127.0.0.1:9/t.png)"
LIVE = "](http"  # what Markdown needs to make a link or an image


def test_a_partners_hostile_name_is_text_in_the_partner_list(app_url, app_workspace):
    application_id, decision = submit(app_workspace, application("agency", company_name=HOSTILE), AS_OF)
    review(app_workspace, application_id, Action.approve, by="maria", reason="fits", confirm=decision.to_review)
    at = open_page(sign_in(app_url, "manager"), "partners")
    at.text_input(key="partners.search").input("Evil").run()
    [heading] = [h.value for h in at.subheader if "Evil" in h.value]
    assert LIVE not in heading and shown(heading).endswith(HOSTILE)


def test_an_applicants_hostile_name_is_text_in_their_applications(app_url, app_workspace):
    submit(app_workspace, application("agency", company_name=HOSTILE), AS_OF, submitted_by="ann")
    at = open_page(sign_in(app_url, "applicant"), "my_applications")
    [label] = [e.label for e in at.expander if "Evil" in e.label]
    assert LIVE not in label and HOSTILE in shown(label)
