"""The analyst's pages: rules in force and a draft's impact, settlement, what-if."""

from __future__ import annotations

import shutil
from decimal import Decimal

from app_driver import errors, open_page, press, shown, sign_in, sign_in_as, texts
from factories import AS_OF, SG_UENS, application
from partnerdesk.applications import submit
from partnerdesk.payments import invoice_balances
from partnerdesk.settings import PROJECT_ROOT, Settings
from partnerdesk.whatif import what_if
from partnerdesk.workspace import Workspace
from settlement.plan import AgencyTerms

pytest_plugins = ("app_fixtures",)

LASTING = [{"id": f"ACP-00{i}", "holder": "Jane Tan", "expires_on": "2099-06-30"} for i in range(1, 5)]


def test_the_rules_page_shows_the_version_in_force_and_its_files(app_url, app_workspace):
    at = open_page(sign_in(app_url, "analyst"), "rules")
    assert at.title[0].value == "Rules"
    assert at.metric[0].value == app_workspace.rulebook.version
    assert at.metric[1].value == app_workspace.plan().version
    assert "plan.yaml" in [e.label for e in at.expander]


def test_the_impact_of_a_draft_lists_the_applications_whose_decision_changes(app_url, app_workspace, tmp_path):
    for number, staff in enumerate(({"sales": 1, "tech": 1, "ops": 0}, {"sales": 2, "tech": 2, "ops": 2})):
        submit(app_workspace, application(acp_certificates=LASTING, registration_number=SG_UENS[number],
                                          company_name=f"Cloud {number}", dedicated_staff=staff), AS_OF)
    draft = tmp_path / "draft"
    shutil.copytree(PROJECT_ROOT / "rules", draft)
    reseller = draft / "direct_reseller.yaml"
    reseller.write_text(reseller.read_text().replace("value: 2\n", "value: 3\n", 1))
    at = open_page(sign_in(app_url, "analyst"), "rules")
    at.text_input(key="rules.draft").input(str(draft))
    at.date_input(key="rules.as_of").set_value(AS_OF)
    press(at, "Show the impact")
    assert "1 of 2 open applications change" in texts(at)
    changed = at.dataframe[0].value
    assert changed["company"].tolist() == ["Cloud 0"]
    assert changed["criteria"].tolist() == ["dedicated_staff: pass → fail"]


def test_a_draft_directory_with_problems_is_named_not_crashed(app_url, tmp_path):
    at = open_page(sign_in(app_url, "analyst"), "rules")
    at.text_input(key="rules.draft").input(str(tmp_path / "nowhere"))
    press(at, "Show the impact")
    assert errors(at) and "ruleset.yaml" in errors(at)[0]


def analyst(demo_url, page: str):
    return open_page(sign_in_as(demo_url, "analyst", "analyst-demo"), page)


def workspace_of(url: str) -> Workspace:
    return Workspace.open(Settings(database_url=url))


def test_an_analyst_runs_a_what_if_with_a_higher_agency_rate(demo_url):
    at = analyst(demo_url, "whatif")
    at.text_input(key="whatif.quarter").input("2026-Q3")
    at.number_input(key="whatif.agency.rate").set_value(0.12)
    press(at, "Compare with the plan in force")
    ws = workspace_of(demo_url)
    expected = what_if(ws, "2026-Q3", ws.plan().model_copy(update={
        "version": "2026.1-whatif", "agency": AgencyTerms(commission_rate=Decimal("0.12"))}))
    assert expected.totals.difference > 0
    assert [m.value for m in at.metric] == [f"{expected.totals.current:,} USD", f"{expected.totals.whatif:,} USD",
                                            f"{expected.totals.difference:,} USD"]
    table = at.dataframe[0].value
    agencies = table[table["type"] == "Agency"]
    assert not agencies.empty and (agencies["difference"] > 0).all()
    assert (table[table["type"] != "Agency"]["difference"] == 0).all()


def test_a_what_if_plan_whose_bands_do_not_start_at_zero_is_refused(demo_url):
    at = analyst(demo_url, "whatif")
    at.text_input(key="whatif.quarter").input("2026-Q3")
    at.session_state["whatif.direct_reseller.gold.bands"] = {
        "edited_rows": {"0": {"from": 10}}, "added_rows": [], "deleted_rows": []}
    press(at, "Compare with the plan in force")
    assert errors(at) == ["direct_reseller.tiers.gold.commission: the first commission band must start from 0"]
    assert not at.metric


def test_a_what_if_from_an_uploaded_plan_file(demo_url):
    at = analyst(demo_url, "whatif")
    at.text_input(key="whatif.quarter").input("2026-Q3")
    plan = (PROJECT_ROOT / "rules" / "plan.yaml").read_text()
    at.file_uploader(key="whatif.upload").upload("generous.yaml", plan.replace('version: "2026.1"', 'version: "generous"')
                                                .replace('{from: 0, rate: "0.01"}', '{from: 0, rate: "0.05"}').encode())
    at.run()
    press(at, "Compare with the plan in force")
    assert at.subheader[0].value == "2026-Q3: generous beside 2026.1"
    registered = at.dataframe[0].value.query("tier == 'registered'")
    assert not registered.empty and (registered["difference"] > 0).all()


def test_a_broken_plan_file_is_named_by_its_own_name(demo_url):
    at = analyst(demo_url, "whatif")
    at.file_uploader(key="whatif.upload").upload("broken.yaml", b"version: 1\nagency: {commission_rate: 2}\n")
    at.run()
    press(at, "Compare with the plan in force")
    assert errors(at) and errors(at)[0].startswith("broken.yaml:")
    assert "partnerdesk-upload" not in errors(at)[0]


def test_a_what_if_for_a_quarter_written_wrongly_names_it(demo_url):
    at = analyst(demo_url, "whatif")
    at.text_input(key="whatif.quarter").input("2026-Q5")
    press(at, "Compare with the plan in force")
    assert errors(at) and "2026-Q5" in errors(at)[0]


def test_the_settlement_overview_draws_revenue_and_commission_charts(demo_url):
    at = analyst(demo_url, "settlement")
    assert at.subheader[0].value == "Revenue through partners by month"
    assert at.subheader[1].value.startswith("Commission by partner and tier, ")
    assert len(at.get("vega_lite_chart")) == 2
    assert "2026-Q2" in at.dataframe[0].value["period"].tolist()


def import_usage(demo_url: str, name: str, rows: str):
    """The settlement page after uploading a usage file with these rows and pressing Import."""
    at = analyst(demo_url, "settlement")
    at.radio(key="settlement.section").set_value("Import files").run()
    text = "line_id,customer_id,product,usage_date,amount\n" + rows
    at.file_uploader(key="import.usage").upload(name, text.encode(), "text/csv")
    at.run()
    press(at, "Import usage")
    return at


def test_importing_usage_shows_progress_and_what_was_imported_then_nothing_twice(demo_url):
    at = import_usage(demo_url, "usage-2026-11.csv",
                      "BL-NEW-1,C-0001,ecs,2026-11-03,120.50\nBL-NEW-2,C-0001,oss,2026-11-04,-20\n")
    assert "Usage: 2 rows read, 2 imported, 0 already present." in texts(at)
    assert at.get("progress")[0].proto.text == "usage-2026-11.csv imported"
    press(at, "Import usage")
    assert "Usage: 2 rows read, 0 imported, 2 already present." in texts(at)


def test_a_usage_file_with_a_bad_row_imports_nothing_and_names_the_row(demo_url):
    at = import_usage(demo_url, "usage.csv", "BL-OK-1,C-0001,ecs,2026-11-03,10\nBL-BAD-2,C-0001,ecs,2026-11-31,10\n")
    assert errors(at) == ["usage.csv: 1 bad row, nothing imported  \n"
                          "usage.csv: line 3: usage_date: '2026-11-31' is not a date written YYYY-MM-DD"]
    assert not at.success


def test_settling_a_month_closes_it_and_lists_its_invoices_with_their_lines(demo_url):
    at = analyst(demo_url, "settlement")
    at.radio(key="settlement.section").set_value("Settle").run()
    at.text_input(key="settle.period").input("2026-09")
    press(at, "Settle and close the period")
    assert "Settling 2026-09 closes 2026-09" in shown(at.warning[0].value)
    press(at, "Confirm: settle 2026-09")
    assert any(shown(s.value).startswith("2026-09 settled: ") for s in at.success)
    assert "2026-09" in at.dataframe[0].value["period"].tolist()
    at.radio(key="settlement.section").set_value("Invoices").run()
    at.selectbox(key="invoices.month").set_value("2026-09").run()
    assert "Settled: the stored invoices." in texts(at)
    invoices, lines = at.dataframe[0].value, at.dataframe[1].value
    chosen = at.selectbox(key="invoices.chosen").value
    first = invoices[invoices["invoice_id"] == chosen].iloc[0]
    assert sum(Decimal(n) for n in lines["net"]) == Decimal(first["total"])
    assert [b.label for b in at.get("download_button")] == ["Invoices as CSV", "These lines as CSV"]


def test_settling_a_month_twice_with_the_same_plan_changes_nothing(demo_url):
    at = analyst(demo_url, "settlement")
    at.radio(key="settlement.section").set_value("Settle").run()
    at.text_input(key="settle.period").input("2026-07")
    press(at, "Settle and close the period")
    press(at, "Confirm: settle 2026-07")
    assert any(shown(s.value).startswith("2026-07 settled: ") for s in at.success)
    assert at.dataframe[0].value["period"].tolist().count("2026-07") == 1


def test_commission_statements_of_a_settled_quarter(demo_url):
    at = analyst(demo_url, "settlement")
    at.radio(key="settlement.section").set_value("Commissions").run()
    at.selectbox(key="commissions.quarter").set_value("2026-Q2").run()
    statements = at.dataframe[1].value
    assert set(statements.columns) >= {"partner_id", "tier", "commissionable", "rate", "commission"}
    assert len(statements) > 0


def test_overdue_invoices_are_counted_and_listed(demo_url):
    at = analyst(demo_url, "settlement")
    at.radio(key="settlement.section").set_value("Payments").run()
    at.radio(key="payments.status").set_value("overdue")
    at.date_input(key="payments.as_of").set_value(AS_OF).run()
    overdue = invoice_balances(workspace_of(demo_url), AS_OF, "overdue").invoices
    assert overdue
    assert at.metric[0].value == str(len(overdue))
    assert at.dataframe[0].value["invoice_id"].tolist() == [i.invoice_id for i in overdue]
