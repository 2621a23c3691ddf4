"""The sweep that ends sea alerts nobody cancelled, so their flags do not outlive them."""

from __future__ import annotations

from lumbung_shared.loops import Loop, every

from lumbung_listings.usecases.flag_supply_risk import FlagSupplyRisk


def supply_risk_sweep(risk: FlagSupplyRisk, seconds: float) -> Loop:
    """A loop clearing expired alerts every `seconds`."""
    return every(seconds, risk.sweep_expired, "supply-risk-sweep")
