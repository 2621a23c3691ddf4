"""Dependency aliases the order routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from lumbung_shared.web.identity import Identity, Role, require_roles
from lumbung_shared.web.state import from_state

from lumbung_orders.checkout import Checkout
from lumbung_orders.orderbook import OrderBook
from lumbung_orders.settings import OrdersSettings


def settings(request: Request) -> OrdersSettings:
    current: OrdersSettings = request.app.state.settings
    return current


Book = Annotated[OrderBook, Depends(from_state("order_book", OrderBook))]
CheckoutUseCase = Annotated[Checkout, Depends(from_state("checkout", Checkout))]
Settings = Annotated[OrdersSettings, Depends(settings)]
Buyer = Annotated[Identity, require_roles(Role.BUYER)]
Participant = Annotated[Identity, require_roles(Role.BUYER, Role.FARMER, Role.FISHER, Role.ADMIN)]
"""Anyone who can be party to an order: buyers, sellers and admins."""
OrderId = Annotated[str, Path(min_length=1, max_length=64)]
