"""The PAKN lifecycle table, state x action x actor, checked against a hand-written matrix (no database)."""

from __future__ import annotations

import itertools

import pytest

from feedback.lifecycle import TRANSITIONS, Action, Actor, Facts, Status, actor_allowed, available_actions, is_available

R, INFO, A, X = Status.RECEIVED, Status.INFO_REQUESTED, Status.ANSWERED, Status.REJECTED
AU, H, M = Actor.AUTHOR, Actor.HANDLER, Actor.MODERATOR

# (action) -> (states it is available in, actors who may do it, target)
EXPECTED = {
    Action.REJECT: ({R}, {H}, X),
    Action.REQUEST_INFO: ({R}, {H}, INFO),
    Action.PROVIDE_INFO: ({INFO}, {AU}, R),
    Action.ANSWER: ({R}, {H}, A),
    Action.TRANSFER: ({R}, {H}, R),
    Action.REOPEN: ({A}, {AU}, R),
    Action.PUBLISH: ({A}, {M}, A),
}


@pytest.mark.parametrize(("action", "status", "actor"), list(itertools.product(Action, Status, Actor)))
def test_every_state_action_actor(action, status, actor):
    states, actors, target = EXPECTED[action]
    facts = Facts(status, reopened=0, is_public=True, published=False)
    allowed = status in states and actor in actors
    assert (action in available_actions(facts, [actor])) is allowed
    assert TRANSITIONS[action].target == target


def test_reopen_only_once():
    assert is_available(Action.REOPEN, Facts(A, reopened=0))
    assert not is_available(Action.REOPEN, Facts(A, reopened=1))


def test_publish_needs_consent_and_happens_once():
    assert not is_available(Action.PUBLISH, Facts(A, is_public=False))
    assert is_available(Action.PUBLISH, Facts(A, is_public=True))
    assert not is_available(Action.PUBLISH, Facts(A, is_public=True, published=True))


def test_nobody_acts_without_a_role():
    assert not any(actor_allowed(action, []) for action in Action)
