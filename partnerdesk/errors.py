"""Errors a user can act on: bad input or a refused action (CLI exit 2).

A `Failure` is an outside system's (exit 1, its message instead of a traceback); everything
else is an internal error (exit 1). Domain functions return these as values
where they collect several (an import's bad rows); the service layer raises them.
"""


class InputError(Exception):
    """Bad input or a refused action; the message names the field, row or rule."""


class Failure(Exception):
    """A system PartnerDesk relies on failed (a usage engine: memory, a failed job); not the input's fault."""
