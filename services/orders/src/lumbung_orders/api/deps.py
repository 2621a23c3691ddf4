"""Dependency aliases the order routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from lumbung_shared.web.identity import Identity, Role, require_roles
from lumbung_shared.web.state import from_service

from lumbung_orders.api.checkout_gate import CheckoutGate
from lumbung_orders.settings import OrdersSettings
from lumbung_orders.usecases.find_orders import FindOrders
from lumbung_orders.usecases.move_order import MoveOrder
from lumbung_orders.usecases.place_order import PlaceOrder
from lumbung_orders.usecases.record_payment import RecordPayment


def settings(request: Request) -> OrdersSettings:
    current: OrdersSettings = request.app.state.settings
    return current


Moves = Annotated[MoveOrder, Depends(from_service("move_order", MoveOrder))]
Payments = Annotated[RecordPayment, Depends(from_service("record_payment", RecordPayment))]
Finder = Annotated[FindOrders, Depends(from_service("find_orders", FindOrders))]
Placing = Annotated[PlaceOrder, Depends(from_service("place_order", PlaceOrder))]
Gate = Annotated[CheckoutGate, Depends(from_service("checkout_gate", CheckoutGate))]
Settings = Annotated[OrdersSettings, Depends(settings)]
Buyer = Annotated[Identity, require_roles(Role.BUYER)]
Participant = Annotated[
    Identity, require_roles(Role.BUYER, Role.FARMER, Role.FISHER, Role.AGGREGATOR, Role.ADMIN)
]
"""Anyone who can be party to an order: buyers, sellers and admins."""
OrderId = Annotated[str, Path(min_length=1, max_length=64)]
