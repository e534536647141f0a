"""A database made by an earlier version upgrades to the current schema without losing data."""

from __future__ import annotations

import datetime as dt
import json

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from conftest import RULES_DIR
from factories import AS_OF, application
from partnerdesk import applications
from partnerdesk.review import Action, review
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace
from storage.db import _alembic_config, make_engine

AT = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.timezone.utc)


def test_an_earlier_database_upgrades_with_its_applications_and_trail(database_url):
    url = Settings(database_url=database_url).database_url
    first_revision = ScriptDirectory.from_config(_alembic_config(None)).get_base()
    engine = make_engine(url)
    document = json.dumps(application("agency"))
    decision = {"partner_type": "agency", "eligible": True, "as_of": "2026-06-01",
                "rules_version": "2026.5.0+0badc0de", "criteria": [], "failed": [],
                "to_review": ["partnership_willingness"], "qualifies_as": []}
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), first_revision)
        connection.execute(text(
            "INSERT INTO application (partner_type, company_name, territory, registration_key, state,"
            " eligible, submitted_by, document, created_at, updated_at) VALUES ('agency', 'Old Co', 'SG',"
            " '201912345R', 'submitted', true, NULL, :document, :at, :at)"), {"document": document, "at": AT})
        old_id = connection.execute(text("SELECT id FROM application")).scalar_one()
        connection.execute(text(
            "INSERT INTO decision (application_id, as_of, rules_version, eligible, document, created_at)"
            " VALUES (:id, '2026-06-01', '2026.5.0+0badc0de', true, :document, :at)"),
            {"id": old_id, "document": json.dumps(decision), "at": AT})
        connection.execute(text(
            "INSERT INTO audit_entry (application_id, action, actor, at, reason, rules_version, details)"
            " VALUES (:id, 'submitted', 'applicant', :at, NULL, NULL, '{}')"), {"id": old_id, "at": AT})
    engine.dispose()

    ws = Workspace.open(Settings(database_url=database_url, rules_dir=RULES_DIR))
    [row] = applications.list_applications(ws)
    assert (row.id, row.company_name, row.state) == (old_id, "Old Co", "submitted")
    assert applications.history(ws, old_id)[0]["action"] == "submitted"
    review(ws, old_id, Action.reject, by="maria", reason="closed during migration test")
    assert [e["action"] for e in applications.history(ws, old_id)] == ["submitted", "rejected"]
    new_id, _ = applications.submit(ws, application("direct_reseller"), AS_OF)
    assert new_id > old_id
