"""Who may see an order and as which actor a caller moves it: the orders' authorisation rules.

Pure (`lumbung_shared.identity` only), so routes, use cases and tests share one definition.
"""

from __future__ import annotations

from typing import Final

from lumbung_shared.errors import NotFoundError
from lumbung_shared.identity import Identity, Role

from lumbung_orders.domain.order import Order
from lumbung_orders.domain.states import Actor

ACTOR_BY_ROLE: Final = {
    Role.BUYER: Actor.BUYER,
    Role.FARMER: Actor.SELLER,
    Role.FISHER: Actor.SELLER,
    Role.AGGREGATOR: Actor.SELLER,
    Role.ADMIN: Actor.ADMIN,
}
"""A cooperative sells (its listings name it the seller); its members' money is `payouts`."""


def sells(identity: Identity) -> bool:
    """Whether the caller's role sells: farmers, fishers and the cooperatives selling for them."""
    return identity.is_seller or identity.role is Role.AGGREGATOR


def actor_of(identity: Identity) -> Actor:
    """The order actor a caller acts as; other roles have no business with orders."""
    actor = ACTOR_BY_ROLE.get(identity.role)
    if actor is None:
        raise NotFoundError("Pesanan", "Order")
    return actor


def may_see(identity: Identity, order: Order) -> bool:
    """Admins see every order; a buyer only theirs, a seller only orders placed with them."""
    if identity.role is Role.ADMIN:
        return True
    if identity.role is Role.BUYER:
        return order.buyer_id == identity.subject
    if sells(identity):
        return order.seller_id == identity.subject
    return False
