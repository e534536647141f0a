"""Changing one customer's partner from a day on, as the channel platform does (an accepted or
approved request, a termination): the same associations `customers import` writes and
settlement reads, the same locks, the same rule that a settled month's usage never moves, and
the customer's usage sums derived again from that day (`imports.attribute_again`)."""

from __future__ import annotations

import datetime as dt

from partnerdesk.imports import attribute_again
from storage.uow import UnitOfWork


def hold(uow: UnitOfWork) -> None:
    """Wait for running imports and settlements, as an association import does (PostgreSQL)."""
    uow.periods.lock(settling=False)
    uow.usage.lock_for_import()


def moves_closed_usage(uow: UnitOfWork, customer_id: str, since: dt.date) -> bool:
    """Whether a change of the customer's partner from `since` would move usage of a settled month."""
    closed = uow.periods.closed_months()
    return bool(closed) and uow.usage.has_usage_since(customer_id, since, closed)


def associate(uow: UnitOfWork, customer_id: str, partner_id: int | None, on: dt.date) -> None:
    """From `on`, the customer's usage is the partner's (no partner's when None)."""
    uow.customers.associate(customer_id, partner_id, on)
    attribute_again(uow, {customer_id: on})
