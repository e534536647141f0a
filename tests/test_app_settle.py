"""The analyst's Settle section: which months a settlement closes, confirmed before it runs."""

from __future__ import annotations

from app_driver import open_page, press, shown, sign_in_as, texts

pytest_plugins = ("app_fixtures",)


def settle_section(demo_url):
    at = open_page(sign_in_as(demo_url, "analyst", "analyst-demo"), "settlement")
    at.radio(key="settlement.section").set_value("Settle").run()
    return at


def test_settling_a_quarter_names_the_months_it_closes_and_waits_for_confirmation(demo_url):
    at = settle_section(demo_url)
    at.text_input(key="settle.period").input("2026-q3")
    press(at, "Settle and close the period")
    assert "Settling 2026-Q3 closes 2026-07, 2026-08, 2026-09" in texts(at)
    assert "2026-Q3" not in at.dataframe[0].value["period"].tolist()  # nothing settled yet
    press(at, "Confirm: settle 2026-Q3")
    assert any(shown(s.value).startswith("2026-Q3 settled: ") for s in at.success)
    assert "2026-Q3" in at.dataframe[0].value["period"].tolist()


def test_a_period_that_has_not_ended_is_refused_without_a_confirmation(demo_url):
    at = settle_section(demo_url)
    at.text_input(key="settle.period").input("2099-01")
    press(at, "Settle and close the period")
    assert "2099-01 has not ended on " in shown(at.error[0].value)
    assert not [b for b in at.button if b.label.startswith("Confirm")]
    assert "2099-01" not in at.dataframe[0].value["period"].tolist()


def test_the_late_lines_a_month_will_settle_as_adjustments_are_named_before_confirming(demo_url):
    at = settle_section(demo_url)  # the demo has a late line of 2026-07 and a credit of 2026-08
    at.text_input(key="settle.period").input("2026-09")
    press(at, "Settle and close the period")
    assert "Late lines of 2026-07, 2026-08 settle with it as adjustments" in texts(at)
    press(at, "Confirm: settle 2026-09")
    at.text_input(key="settle.period").input("2026-10")
    press(at, "Settle and close the period")
    assert "Late lines of" not in texts(at)  # September's settlement settled them
