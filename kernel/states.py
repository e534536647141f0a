"""An application's states and the moves between them (contract section 4), in one table."""

from __future__ import annotations

from enum import StrEnum


class ApplicationState(StrEnum):
    submitted = "submitted"
    info_requested = "info_requested"
    approved = "approved"
    rejected = "rejected"


class Action(StrEnum):
    """What moves an application: a manager's review action or the applicant's update."""

    approve = "approve"
    reject = "reject"
    request_info = "request_info"
    update = "update"


TRANSITIONS: dict[Action, tuple[tuple[ApplicationState, ...], ApplicationState]] = {
    Action.approve: ((ApplicationState.submitted,), ApplicationState.approved),
    Action.reject: ((ApplicationState.submitted, ApplicationState.info_requested), ApplicationState.rejected),
    Action.request_info: ((ApplicationState.submitted,), ApplicationState.info_requested),
    Action.update: ((ApplicationState.info_requested,), ApplicationState.submitted),
}
"""Each action: the states it may start from, and the state it leads to."""

REVIEW_ACTIONS = (Action.approve, Action.reject, Action.request_info)
OPEN_STATES = (ApplicationState.submitted, ApplicationState.info_requested)
FINAL_STATES = (ApplicationState.approved, ApplicationState.rejected)


def allowed(action: Action, state: ApplicationState | str) -> bool:
    return ApplicationState(state) in TRANSITIONS[action][0]


def next_state(action: Action, state: ApplicationState | str) -> ApplicationState:
    """The state after the action; ValueError when the action is not possible from `state`."""
    if not allowed(action, state):
        final = " (approved and rejected are final)" if state in FINAL_STATES else ""
        raise ValueError(f"is {ApplicationState(state).value}{final}; cannot {action.value.replace('_', ' ')}")
    return TRANSITIONS[action][1]
