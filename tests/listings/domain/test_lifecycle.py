"""Listing status changes: the table of who may move a listing where, and nothing else."""

import pytest
from lumbung_listings.domain.listing import Actor, Status, allowed_targets, transition
from lumbung_shared.errors import ConflictError, ForbiddenError

SELLER, ADMIN, SYSTEM = Actor.SELLER, Actor.ADMIN, Actor.SYSTEM
D, A, P, S, X = Status.DRAFT, Status.ACTIVE, Status.PAUSED, Status.SOLD_OUT, Status.ARCHIVED


class TestAllowedTransitions:
    @pytest.mark.parametrize(
        ("current", "target", "actor"),
        [
            (D, A, SELLER),
            (D, A, ADMIN),
            (A, P, SELLER),
            (A, P, ADMIN),
            (P, A, SELLER),
            (A, S, SYSTEM),
            (S, A, SYSTEM),
            (S, A, SELLER),
            (D, X, SELLER),
            (A, X, ADMIN),
            (P, X, SELLER),
            (S, X, SELLER),
        ],
    )
    def test_is_accepted(self, current: Status, target: Status, actor: Actor) -> None:
        assert transition(current, target, actor) is target

    def test_asking_for_the_current_status_again_is_a_no_op(self) -> None:
        assert transition(P, P, SELLER) is P


class TestForbiddenTransitions:
    @pytest.mark.parametrize(
        ("current", "target"),
        [(X, A), (X, D), (A, D), (P, S), (D, P), (D, S), (S, P)],
    )
    def test_is_a_conflict_naming_the_current_state(self, current: Status, target: Status) -> None:
        with pytest.raises(ConflictError) as caught:
            transition(current, target, ADMIN)
        assert caught.value.status == 409
        assert caught.value.extra["current_status"] == current.value
        assert current.value in caught.value.message.en

    @pytest.mark.parametrize(
        ("current", "target", "actor"),
        [(A, S, SELLER), (D, A, SYSTEM), (A, P, SYSTEM), (S, A, ADMIN)],
    )
    def test_wrong_actor_is_forbidden(self, current: Status, target: Status, actor: Actor) -> None:
        with pytest.raises(ForbiddenError):
            transition(current, target, actor)


class TestAllowedTargets:
    def test_seller_of_an_active_listing_may_pause_or_archive(self) -> None:
        assert set(allowed_targets(A, SELLER)) == {P, X}

    def test_nothing_leaves_the_archive(self) -> None:
        assert all(allowed_targets(X, actor) == [] for actor in Actor)
