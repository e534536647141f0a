"""The analyst's pages: rules in force and a draft's impact, settlement, what-if."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from app_driver import errors, open_page, press, shown, sign_in, sign_in_as, texts
from conftest import Cli
from factories import AS_OF, SG_UENS, application
from partnerdesk.applications import submit
from partnerdesk.settling import settle_month
from partnerdesk.settings import PROJECT_ROOT
from settlement_world import Channel

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


@pytest.fixture
def quarter_channel(app_workspace, tmp_path) -> Channel:
    """One partner of each tier with usage in 2026-Q3, figures worked out by hand in the tests.

    Under the shipped plan (agency 0.10; registered 3 % discount, 1 % commission; gold 8 %, 2 %
    below 100 000; standard distributor 10 %, 2 % below 500 000; marketplace not commissionable):
      agency A-1:      Jul ecs 1000.00 -> 100.00; Aug ecs 400.00 -> 40.00 (marketplace 200.00 earns
                       nothing): commission 140.00, no discount (the vendor invoices its customers)
      registered R-1:  Jul ecs 10000.00: discount 300.00, commission 100.00, cost 400.00
      gold G-1:        Sep ecs 60000.00: discount 4800.00, commission 1200.00, cost 6000.00
      distributor D-1: Aug ecs 20000.00 and its tier-2's T-1 Sep rds 5000.00: discount 2000.00 +
                       500.00 = 2500.00, commission 25000.00 x 0.02 = 500.00, cost 3000.00
      total: discount 7600.00, commission 1940.00, cost 9540.00
    """
    channel = Channel(app_workspace, tmp_path)
    agency, registered = channel.partner("agency"), channel.partner("direct_reseller")
    gold, distributor = channel.partner("direct_reseller", tier="gold"), channel.partner("distributor")
    reseller = channel.tier2(distributor)
    channel.customers([["A-1", agency, "2026-01-01"], ["R-1", registered, "2026-01-01"],
                       ["G-1", gold, "2026-01-01"], ["D-1", distributor, "2026-01-01"],
                       ["T-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "A-1", "ecs", "2026-07-10", "1000"], ["L2", "A-1", "ecs", "2026-08-10", "400"],
                   ["L3", "A-1", "marketplace", "2026-08-11", "200"], ["L4", "R-1", "ecs", "2026-07-15", "10000"],
                   ["L5", "G-1", "ecs", "2026-09-30", "60000"], ["L6", "D-1", "ecs", "2026-08-01", "20000"],
                   ["L7", "T-1", "rds", "2026-09-02", "5000"]])
    channel.agency, channel.registered, channel.gold, channel.distributor = agency, registered, gold, distributor
    return channel


def what_if_page(app_url: str, quarter: str = "2026-Q3"):
    at = open_page(sign_in(app_url, "analyst"), "whatif")
    at.text_input(key="whatif.quarter").input(quarter).run()
    return at


def cost_metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def test_a_what_if_compares_the_whole_cost_discounts_and_commissions(app_url, quarter_channel):
    at = what_if_page(app_url)
    at.number_input(key="whatif.agency.rate").set_value(0.12)
    at.number_input(key="whatif.direct_reseller.gold.discount").set_value(0.10)
    press(at, "Compare with the plan in force")
    # agency at 0.12: 1000.00 x 0.12 = 120.00 + 400.00 x 0.12 = 48.00 = 168.00 (+28.00)
    # gold discount at 0.10: 60000.00 x 0.10 = 6000.00 (+1200.00)
    # cost 9540.00 -> 9540.00 + 28.00 + 1200.00 = 10768.00
    assert cost_metrics(at) == ["9,540.00 USD", "10,768.00 USD", "1,228.00 USD"]
    assert "Discounts 7,600.00 → 8,800.00 USD; commissions 1,940.00 → 1,968.00 USD." in texts(at)
    table = at.dataframe[0].value.set_index("partner")
    assert table.loc[quarter_channel.gold, ["discount now", "discount what-if", "cost difference"]].tolist() == [
        4800.0, 6000.0, 1200.0]
    assert table.loc[quarter_channel.agency, ["commission now", "commission what-if", "cost difference"]].tolist() == [
        140.0, 168.0, 28.0]
    assert table.loc[quarter_channel.distributor, "name"] == "distributor 4"


# Each field the form offers, a change to it, and the change in the quarter's cost it makes.
CHANGES = {
    # agency 0.11: 1000.00 x 0.11 = 110.00 + 400.00 x 0.11 = 44.00 -> 154.00, 14.00 more than 140.00
    "whatif.agency.rate": (0.11, "14.00"),
    # registered discount 4 %: 10000.00 x 0.04 = 400.00 (100.00 more)
    "whatif.direct_reseller.registered.discount": (0.04, "100.00"),
    # gold discount 9 %: 60000.00 x 0.09 = 5400.00 (600.00 more)
    "whatif.direct_reseller.gold.discount": (0.09, "600.00"),
    # standard discount 11 %: 20000.00 x 0.11 + 5000.00 x 0.11 = 2750.00 (250.00 more)
    "whatif.distributor.standard.discount": (0.11, "250.00"),
}
BAND_CHANGES = {
    # first band's rate one point up: 10000.00 x 0.02 = 200.00 (100.00 more)
    "whatif.direct_reseller.registered.bands": "100.00",
    # 60000.00 x 0.03 = 1800.00 (600.00 more)
    "whatif.direct_reseller.gold.bands": "600.00",
    # 25000.00 x 0.03 = 750.00 (250.00 more)
    "whatif.distributor.standard.bands": "250.00",
}


def test_the_form_offers_only_fields_that_change_the_cost(app_url, quarter_channel):
    at = what_if_page(app_url)
    assert {n.key for n in at.number_input} == set(CHANGES)
    assert {t.key for t in at.text_input} == {"whatif.quarter", "whatif.version"}
    assert [m.key for m in at.multiselect] == ["whatif.non_commissionable"]


@pytest.mark.parametrize("key", CHANGES)
def test_each_rate_of_the_form_changes_the_cost(app_url, quarter_channel, key):
    at = what_if_page(app_url)
    value, difference = CHANGES[key]
    at.number_input(key=key).set_value(value)
    press(at, "Compare with the plan in force")
    assert cost_metrics(at)[2] == f"{difference} USD"


@pytest.mark.parametrize("key", BAND_CHANGES)
def test_each_tiers_commission_bands_change_the_cost(app_url, quarter_channel, key):
    at = what_if_page(app_url)
    first_rate = {"whatif.direct_reseller.registered.bands": 0.02, "whatif.direct_reseller.gold.bands": 0.03,
                  "whatif.distributor.standard.bands": 0.03}[key]
    at.session_state[key] = {"edited_rows": {"0": {"rate": first_rate}}, "added_rows": [], "deleted_rows": []}
    press(at, "Compare with the plan in force")
    assert cost_metrics(at)[2] == f"{BAND_CHANGES[key]} USD"


def test_commissioning_marketplace_and_naming_the_plan_show_in_the_result(app_url, quarter_channel):
    at = what_if_page(app_url)
    at.multiselect(key="whatif.non_commissionable").set_value([])
    at.text_input(key="whatif.version").input("all products")
    press(at, "Compare with the plan in force")
    # the agency's August marketplace 200.00 earns 0.10: 20.00 more
    assert cost_metrics(at)[2] == "20.00 USD"
    assert at.subheader[0].value == "2026-Q3: all products beside 2026.1"


def captured_downloads(monkeypatch) -> dict[str, bytes]:
    """What the app hands Streamlit's media storage for download buttons, by file id."""
    stored: dict[str, bytes] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = keep(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return stored


def test_the_edited_plan_downloads_as_a_file_the_command_line_reads(app_url, quarter_channel, monkeypatch, tmp_path):
    stored = captured_downloads(monkeypatch)
    at = what_if_page(app_url)
    at.number_input(key="whatif.agency.rate").set_value(0.12)
    press(at, "Compare with the plan in force")
    [button] = [b for b in at.get("download_button") if b.proto.label == "Download this plan (YAML)"]
    plan_file = tmp_path / "downloaded.yaml"
    plan_file.write_bytes(stored[button.proto.url.rsplit("/", 1)[-1].split(".")[0]])
    result = Cli(app_url, tmp_path)("whatif", "--plan", plan_file, "--quarter", "2026-Q3")
    assert result.code == 0, result.stderr
    # as on the page: the agency's 140.00 becomes 168.00, nothing else changes
    assert result.json["whatif_plan"] == "2026.1-whatif"
    assert result.json["totals"]["cost"] == {"current": "9540.00", "whatif": "9568.00", "difference": "28.00"}


def test_changing_the_quarter_drops_the_result_of_the_other_quarter(app_url, quarter_channel):
    at = what_if_page(app_url)
    press(at, "Compare with the plan in force")
    assert at.subheader[0].value.startswith("2026-Q3:")
    at.text_input(key="whatif.quarter").input("2026-Q2").run()
    assert not at.metric and not at.subheader


def test_a_what_if_plan_whose_bands_do_not_start_at_zero_is_refused(demo_url):
    at = analyst(demo_url, "whatif")
    at.text_input(key="whatif.quarter").input("2026-Q3")
    at.session_state["whatif.direct_reseller.gold.bands"] = {
        "edited_rows": {"0": {"from": 10}}, "added_rows": [], "deleted_rows": []}
    press(at, "Compare with the plan in force")
    assert errors(at) == ["direct_reseller.tiers.gold.commission: the first commission band must start from 0"]
    assert not at.metric


def test_a_what_if_from_an_uploaded_plan_file(app_url, quarter_channel):
    at = what_if_page(app_url)
    plan = (PROJECT_ROOT / "rules" / "plan.yaml").read_text()
    at.file_uploader(key="whatif.upload").upload("generous.yaml", plan.replace('version: "2026.1"', 'version: "generous"')
                                                .replace('{from: 0, rate: "0.01"}', '{from: 0, rate: "0.05"}').encode())
    at.run()
    press(at, "Compare with the plan in force")
    assert at.subheader[0].value == "2026-Q3: generous beside 2026.1"
    # the registered reseller's 10000.00 earns 0.05 = 500.00 instead of 100.00
    assert cost_metrics(at)[2] == "400.00 USD"
    registered = at.dataframe[0].value.query("tier == 'registered'")
    assert registered["cost difference"].tolist() == [400.0]


def test_a_broken_plan_file_is_named_by_its_own_name(demo_url):
    at = analyst(demo_url, "whatif")
    at.file_uploader(key="whatif.upload").upload("broken.yaml", b"version: 1\nagency: {commission_rate: 2}\n")
    at.run()
    press(at, "Compare with the plan in force")
    assert errors(at) and errors(at)[0].startswith("broken.yaml:")
    assert "partnerdesk-upload" not in errors(at)[0]


def test_a_quarter_written_wrongly_is_refused_and_shows_no_result(app_url, quarter_channel):
    at = what_if_page(app_url)
    press(at, "Compare with the plan in force")
    at.text_input(key="whatif.quarter").input("2026-Q5").run()
    assert errors(at) == ["quarter: '2026-Q5' is not a quarter written YYYY-Qn (n = 1..4)"]
    assert not at.metric and not [b for b in at.button if b.label == "Compare with the plan in force"]


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
    first = invoices[invoices["invoice"] == chosen].iloc[0]
    assert sum(lines["net"]) == first["total"]
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
    assert set(statements.columns) >= {"partner", "name", "tier", "commissionable", "rate", "commission"}
    assert len(statements) > 0


@pytest.fixture
def owing_channel(app_workspace, tmp_path) -> Channel:
    """A registered reseller whose July is settled (360000.00 - 3 % = 349200.00, due 08-31) with
    August (180000.00) and September (96000.00) not invoiced yet; a distributor with 1000.00 of
    August usage."""
    channel = Channel(app_workspace, tmp_path)
    channel.reseller, channel.distributor = channel.partner("direct_reseller"), channel.partner("distributor")
    channel.customers([["R-1", channel.reseller, "2026-01-01"], ["D-1", channel.distributor, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-07-10", "360000"], ["L2", "R-1", "ecs", "2026-08-10", "180000"],
                   ["L3", "R-1", "ecs", "2026-09-05", "96000"], ["L4", "D-1", "ecs", "2026-08-20", "1000"]])
    settle_month(app_workspace, "2026-07")
    return channel


def settlement_section(app_url: str, section: str):
    at = open_page(sign_in(app_url, "analyst"), "settlement")
    at.radio(key="settlement.section").set_value(section).run()
    return at


def rows_of(table, *columns) -> list[tuple]:
    return [tuple(row) for row in table[list(columns)].itertuples(index=False)]


def test_overdue_invoices_are_counted_listed_and_aged(app_url, owing_channel):
    at = settlement_section(app_url, "Payments")
    at.radio(key="payments.status").set_value("overdue")
    at.date_input(key="payments.as_of").set_value(dt.date(2026, 9, 10)).run()
    # on 09-10 the July invoice (349200.00, due 08-31) is 10 days overdue, nothing paid
    assert at.metric[0].value == "1"
    listed = at.dataframe[0].value
    assert rows_of(listed, "invoice", "billed to", "name", "total", "paid", "balance") == [
        (f"INV-2026-07-{owing_channel.reseller}", owing_channel.reseller, "direct_reseller 1", 349200, 0, 349200)]
    aged = at.dataframe[1].value
    assert rows_of(aged, "partner", "1-30 days", "31-60 days", "overdue") == [
        (owing_channel.reseller, 349200, 0, 349200), ("Total", 349200, 0, 349200)]


def test_the_credit_section_shows_exposure_and_the_partners_over_their_limit(app_url, owing_channel):
    at = settlement_section(app_url, "Credit")
    at.date_input(key="credit.as_of").set_value(dt.date(2026, 9, 10)).run()
    # reseller: unpaid 349200.00 + unbilled 180000.00 + 96000.00 = 625200.00 against 600000.00: 25200.00
    # over; distributor: 1000.00 unbilled against 1500000.00
    assert at.metric[0].value == "1"
    over, every = at.dataframe[0].value, at.dataframe[1].value
    assert rows_of(over, "partner", "name", "exposure", "available") == [
        (owing_channel.reseller, "direct_reseller 1", 625200, -25200)]
    assert rows_of(every, "partner", "credit limit", "unpaid", "unbilled", "exposure", "available", "over limit") == [
        (owing_channel.reseller, 600000, 349200, 276000, 625200, -25200, True),
        (owing_channel.distributor, 1500000, 0, 1000, 1000, 1499000, False)]


def test_invoice_amounts_are_numbers_beside_the_partners_name(app_url, owing_channel):
    at = settlement_section(app_url, "Invoices")
    at.selectbox(key="invoices.month").set_value("2026-07").run()
    invoices = at.dataframe[0].value
    # 360000.00 gross, 3 % = 10800.00 discount, 349200.00 to pay
    assert rows_of(invoices, "issued by", "billed to", "name", "gross", "discount", "total") == [
        ("Vendor", owing_channel.reseller, "direct_reseller 1", 360000, 10800, 349200)]
    assert not isinstance(invoices["gross"].iloc[0], str)
