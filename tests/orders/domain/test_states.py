"""Specification of the order state machine: the whole transition table, both ways."""

from __future__ import annotations

import itertools

import pytest
from lumbung_orders.domain.states import (
    STATE_LABELS,
    TERMINAL_STATES,
    TRANSITIONS,
    Actor,
    OrderState,
    Rule,
    allowed_targets,
    transition,
)
from lumbung_shared.errors import ConflictError, ForbiddenError

ALLOWED = {(rule.source, rule.target): rule for rule in TRANSITIONS}
ALLOWED_MOVES = [(rule, actor) for rule in TRANSITIONS for actor in sorted(rule.actors)]
WRONG_ACTORS = [
    (rule, actor) for rule in TRANSITIONS for actor in Actor if actor not in rule.actors
]
REFUSED_PAIRS = [pair for pair in itertools.product(OrderState, OrderState) if pair not in ALLOWED]


def _id(value: object) -> str:
    if isinstance(value, Rule):
        return f"{value.source}->{value.target}"
    return str(value)


class TestTheTable:
    def test_has_one_rule_per_pair(self) -> None:
        assert len(ALLOWED) == len(TRANSITIONS)

    def test_lists_the_lifecycle_of_the_issue(self) -> None:
        s, a = OrderState, Actor
        expected = {
            (s.PENDING, s.RESERVED): {a.SYSTEM},
            (s.PENDING, s.REJECTED): {a.SYSTEM},
            (s.RESERVED, s.CONFIRMED): {a.SELLER, a.ADMIN},
            (s.RESERVED, s.DECLINED): {a.SELLER, a.ADMIN},
            (s.RESERVED, s.EXPIRED): {a.SYSTEM},
            (s.CONFIRMED, s.SHIPPED): {a.SELLER, a.ADMIN},
            (s.SHIPPED, s.DELIVERED): {a.BUYER, a.COURIER, a.ADMIN},
            (s.DELIVERED, s.COMPLETED): {a.SYSTEM},
            # the system cancels a pre-order whose trip was called off or landed short
            (s.PENDING, s.CANCELLED): {a.BUYER, a.ADMIN, a.SYSTEM},
            (s.RESERVED, s.CANCELLED): {a.BUYER, a.ADMIN, a.SYSTEM},
            (s.CONFIRMED, s.CANCELLED): {a.BUYER, a.ADMIN, a.SYSTEM},
        }
        assert {pair: set(rule.actors) for pair, rule in ALLOWED.items()} == expected

    def test_terminal_states_have_no_way_out(self) -> None:
        assert {
            OrderState.REJECTED,
            OrderState.DECLINED,
            OrderState.COMPLETED,
            OrderState.CANCELLED,
            OrderState.EXPIRED,
        } == TERMINAL_STATES
        assert all(not allowed_targets(state) for state in TERMINAL_STATES)

    def test_every_state_has_a_bilingual_label(self) -> None:
        assert set(STATE_LABELS) == set(OrderState)
        assert all(label.id and label.en for label in STATE_LABELS.values())


class TestAllowedTransition:
    @pytest.mark.parametrize(("rule", "actor"), ALLOWED_MOVES, ids=_id)
    def test_is_accepted_for_each_allowed_actor(self, rule: Rule, actor: Actor) -> None:
        result = transition(rule.source, rule.target, actor)

        assert (result.source, result.target, result.actor) == (rule.source, rule.target, actor)
        assert result.releases_stock is rule.releases_stock


class TestRefusedTransition:
    @pytest.mark.parametrize(("source", "target"), REFUSED_PAIRS, ids=_id)
    def test_is_a_409_naming_the_current_state(
        self, source: OrderState, target: OrderState
    ) -> None:
        with pytest.raises(ConflictError) as caught:
            transition(source, target, Actor.ADMIN)

        error = caught.value
        assert (error.status, error.code) == (409, "invalid-transition")
        assert error.extra["current_state"] == source.value
        assert STATE_LABELS[source].id in error.message.id
        assert STATE_LABELS[source].en in error.message.en

    @pytest.mark.parametrize("actor", list(Actor))
    def test_wins_over_the_actor_check(self, actor: Actor) -> None:
        with pytest.raises(ConflictError):
            transition(OrderState.SHIPPED, OrderState.CANCELLED, actor)


class TestWrongActor:
    @pytest.mark.parametrize(("rule", "actor"), WRONG_ACTORS, ids=_id)
    def test_is_forbidden(self, rule: Rule, actor: Actor) -> None:
        with pytest.raises(ForbiddenError) as caught:
            transition(rule.source, rule.target, actor)

        assert caught.value.status == 403
        assert caught.value.message.id
        assert caught.value.message.en


class TestStockRelease:
    RELEASING = {
        (OrderState.RESERVED, OrderState.DECLINED),
        (OrderState.RESERVED, OrderState.EXPIRED),
        (OrderState.RESERVED, OrderState.CANCELLED),
        (OrderState.CONFIRMED, OrderState.CANCELLED),
    }

    def test_is_flagged_exactly_for_compensations_after_reservation(self) -> None:
        releasing = {pair for pair, rule in ALLOWED.items() if rule.releases_stock}
        assert releasing == self.RELEASING

    def test_is_not_flagged_when_cancelling_before_reservation(self) -> None:
        result = transition(OrderState.PENDING, OrderState.CANCELLED, Actor.BUYER)
        assert result.releases_stock is False
