"""The order state machine: one table says who may move an order from which state to which.

Every path that changes an order's state (API, saga event handler, expiry sweeper) goes through
`transition`, so the rules live in exactly one data table (`TRANSITIONS`) that tests can walk
exhaustively. The table also records which moves give reserved stock back, because forgetting a
release would silently shrink a farmer's sellable stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lumbung_shared.errors import ConflictError, ForbiddenError, Message


class OrderState(StrEnum):
    """Where an order is in its life; the values are stored and sent on the wire."""

    PENDING = "pending"
    RESERVED = "reserved"
    REJECTED = "rejected"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Actor(StrEnum):
    """Who is acting; the web layer derives it from the caller's role, handlers use `system`."""

    BUYER = "buyer"
    SELLER = "seller"
    ADMIN = "admin"
    SYSTEM = "system"
    COURIER = "courier"


ACTOR_NAMES_ID = {
    Actor.BUYER: "pembeli",
    Actor.SELLER: "penjual",
    Actor.ADMIN: "admin",
    Actor.SYSTEM: "sistem",
    Actor.COURIER: "kurir",
}


STATE_LABELS: Final[dict[OrderState, Message]] = {
    OrderState.PENDING: Message(id="menunggu stok", en="pending"),
    OrderState.RESERVED: Message(id="stok dipesan", en="reserved"),
    OrderState.REJECTED: Message(id="stok tidak cukup", en="rejected"),
    OrderState.CONFIRMED: Message(id="dikonfirmasi", en="confirmed"),
    OrderState.DECLINED: Message(id="ditolak penjual", en="declined"),
    OrderState.SHIPPED: Message(id="dikirim", en="shipped"),
    OrderState.DELIVERED: Message(id="diterima", en="delivered"),
    OrderState.COMPLETED: Message(id="selesai", en="completed"),
    OrderState.CANCELLED: Message(id="dibatalkan", en="cancelled"),
    OrderState.EXPIRED: Message(id="kedaluwarsa", en="expired"),
}
"""How each state reads to a person, used in error messages and by clients that want it."""


@dataclass(frozen=True)
class Rule:
    """One allowed move: `source` → `target` by any of `actors`, and whether stock goes back."""

    source: OrderState
    target: OrderState
    actors: frozenset[Actor]
    releases_stock: bool = False


def _rule(
    source: OrderState, target: OrderState, *actors: Actor, releases_stock: bool = False
) -> Rule:
    return Rule(source, target, frozenset(actors), releases_stock)


_S, _A = OrderState, Actor  # short aliases keep the table one rule per line
TRANSITIONS: Final[tuple[Rule, ...]] = (
    # The stock saga answers the placed order.
    _rule(_S.PENDING, _S.RESERVED, _A.SYSTEM),
    _rule(_S.PENDING, _S.REJECTED, _A.SYSTEM),
    # The seller answers a reserved order, or it lapses.
    _rule(_S.RESERVED, _S.CONFIRMED, _A.SELLER, _A.ADMIN),
    _rule(_S.RESERVED, _S.DECLINED, _A.SELLER, _A.ADMIN, releases_stock=True),
    _rule(_S.RESERVED, _S.EXPIRED, _A.SYSTEM, releases_stock=True),
    # Fulfilment.
    _rule(_S.CONFIRMED, _S.SHIPPED, _A.SELLER, _A.ADMIN),
    _rule(_S.SHIPPED, _S.DELIVERED, _A.BUYER, _A.COURIER, _A.ADMIN),
    _rule(_S.DELIVERED, _S.COMPLETED, _A.SYSTEM),
    # The buyer may change their mind until the goods leave the seller; the system cancels a
    # pre-order whose trip was called off or whose catch fell short (`domain.pre_orders`).
    _rule(_S.PENDING, _S.CANCELLED, _A.BUYER, _A.ADMIN, _A.SYSTEM),
    _rule(_S.RESERVED, _S.CANCELLED, _A.BUYER, _A.ADMIN, _A.SYSTEM, releases_stock=True),
    _rule(_S.CONFIRMED, _S.CANCELLED, _A.BUYER, _A.ADMIN, _A.SYSTEM, releases_stock=True),
)
_RULES: Final[dict[tuple[OrderState, OrderState], Rule]] = {
    (rule.source, rule.target): rule for rule in TRANSITIONS
}

TERMINAL_STATES: Final[frozenset[OrderState]] = frozenset(
    state for state in OrderState if not any(rule.source is state for rule in TRANSITIONS)
)
"""States nothing leaves: rejected, declined, completed, cancelled, expired."""


@dataclass(frozen=True)
class TransitionResult:
    """An accepted move; `releases_stock` tells the caller to give the reservation back."""

    source: OrderState
    target: OrderState
    actor: Actor
    releases_stock: bool


def allowed_targets(state: OrderState) -> frozenset[OrderState]:
    """States an order in `state` may move to, whoever asks (for clients' action buttons)."""
    return frozenset(rule.target for rule in TRANSITIONS if rule.source is state)


def transition(state: OrderState, target: OrderState, actor: Actor) -> TransitionResult:
    """Check the move `state` → `target` by `actor` against the table.

    Raises ConflictError (409, "invalid-transition") when no rule allows the move at all — the
    message names the current state so a stale client can refresh — and ForbiddenError (403)
    when the move exists but not for this actor.
    """
    rule = _RULES.get((state, target))
    if rule is None:
        raise invalid_transition(state, target)
    if actor not in rule.actors:
        raise ForbiddenError(
            Message(
                id=f"Peran {ACTOR_NAMES_ID[actor]} tidak boleh mengubah pesanan menjadi "
                f"'{STATE_LABELS[target].id}'.",
                en=f"The {actor.value} role may not mark an order {STATE_LABELS[target].en}.",
            )
        )
    return TransitionResult(state, target, actor, rule.releases_stock)


def invalid_transition(state: OrderState, target: OrderState) -> ConflictError:
    """The 409 for a move the table does not allow, naming the current state in both languages."""
    current, wanted = STATE_LABELS[state], STATE_LABELS[target]
    return ConflictError(
        "invalid-transition",
        Message(
            id=f"Pesanan berstatus '{current.id}' tidak dapat diubah menjadi '{wanted.id}'.",
            en=f"The order is {current.en} and cannot become {wanted.en}.",
        ),
        current_state=state.value,
        target_state=target.value,
    )
