"""The audit trails are append-only in the database itself: raw SQL cannot change or remove an entry."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from factories import AS_OF, application
from partnerdesk import applications

STATEMENTS = {
    "UPDATE": "UPDATE audit_entry SET actor = 'someone else'",
    "DELETE": "DELETE FROM audit_entry",
}


@pytest.mark.parametrize("operation", list(STATEMENTS))
def test_the_database_refuses_to_change_or_remove_an_audit_entry(workspace, operation):
    application_id, _ = applications.submit(workspace, application("agency"), AS_OF, submitted_by="ann")
    before = applications.history(workspace, application_id)

    with pytest.raises(DBAPIError, match="audit_entry is append-only"):
        with workspace.engine.begin() as connection:
            connection.execute(text(STATEMENTS[operation]))

    assert applications.history(workspace, application_id) == before
    assert before[0]["by"] == "ann"
