"""The PAKN (phản ánh, kiến nghị) lifecycle as one table, like the dossier workflow: state, action -> next state,
who may do it, what it needs. Pure: no Django models, so it is tested state x action x role without a database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple


class Status(StrEnum):
    RECEIVED = "received"  # waiting for the agency: reject (2 days), ask for more (5), answer (15)
    INFO_REQUESTED = "info_requested"  # the agency asked the author for more information; its clock is paused
    ANSWERED = "answered"
    REJECTED = "rejected"


class Action(StrEnum):
    REJECT = "reject"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ANSWER = "answer"
    TRANSFER = "transfer"
    REOPEN = "reopen"
    PUBLISH = "publish"


class Actor(StrEnum):
    AUTHOR = "author"  # the citizen who filed it
    HANDLER = "handler"  # reception, specialist or leader of the addressed agency
    MODERATOR = "moderator"  # a leader of the addressed agency approves publication


OPEN = frozenset({Status.RECEIVED, Status.INFO_REQUESTED})


class Transition(NamedTuple):
    source: frozenset[Status]
    target: Status
    actors: frozenset[Actor]
    requires: tuple[str, ...] = ()
    guard: str | None = None


TRANSITIONS: Mapping[Action, Transition] = {
    Action.REJECT: Transition(
        frozenset({Status.RECEIVED}), Status.REJECTED, frozenset({Actor.HANDLER}), requires=("reason",)
    ),
    Action.REQUEST_INFO: Transition(
        frozenset({Status.RECEIVED}), Status.INFO_REQUESTED, frozenset({Actor.HANDLER}), requires=("content",)
    ),
    Action.PROVIDE_INFO: Transition(
        frozenset({Status.INFO_REQUESTED}), Status.RECEIVED, frozenset({Actor.AUTHOR}), requires=("content",)
    ),
    Action.ANSWER: Transition(
        frozenset({Status.RECEIVED}), Status.ANSWERED, frozenset({Actor.HANDLER}), requires=("content",)
    ),
    # To another agency: it starts there as new, with fresh deadlines.
    Action.TRANSFER: Transition(
        frozenset({Status.RECEIVED}), Status.RECEIVED, frozenset({Actor.HANDLER}), requires=("agency", "reason")
    ),
    # The citizen may reopen an answer once (DOMAIN.md), saying why.
    Action.REOPEN: Transition(
        frozenset({Status.ANSWERED}),
        Status.RECEIVED,
        frozenset({Actor.AUTHOR}),
        requires=("reason",),
        guard="never_reopened",
    ),
    # Publication needs the author's consent (is_public) and a moderator's approval; it changes no status.
    Action.PUBLISH: Transition(
        frozenset({Status.ANSWERED}), Status.ANSWERED, frozenset({Actor.MODERATOR}), guard="author_allows_public"
    ),
}


class Facts(NamedTuple):
    status: Status
    reopened: int = 0
    is_public: bool = False
    published: bool = False


GUARDS = {
    "never_reopened": lambda f: f.reopened == 0,
    "author_allows_public": lambda f: f.is_public and not f.published,
}


def is_available(action: Action, facts: Facts) -> bool:
    transition = TRANSITIONS[action]
    if facts.status not in transition.source:
        return False
    return transition.guard is None or GUARDS[transition.guard](facts)


def actor_allowed(action: Action, actors: Iterable[Actor]) -> bool:
    return bool(TRANSITIONS[action].actors & set(actors))


def available_actions(facts: Facts, actors: Iterable[Actor]) -> list[Action]:
    held = frozenset(actors)
    return [action for action in Action if is_available(action, facts) and actor_allowed(action, held)]


# Working days from receipt (DOMAIN.md "Satisfaction and feedback").
REJECT_WITHIN = 2
ASK_WITHIN = 5
ANSWER_WITHIN = 15
