"""Errors a user can act on: bad input or a refused action (CLI exit 2).

Everything else is an internal error (exit 1). Domain functions return these as values
where they collect several (an import's bad rows); the service layer raises them.
"""


class InputError(Exception):
    """Bad input or a refused action; the message names the field, row or rule."""
