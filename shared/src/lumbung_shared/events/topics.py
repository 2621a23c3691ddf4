"""Every Kafka topic Lumbung uses, named once.

One topic per aggregate keeps each aggregate's events in order (the key is the aggregate id) while
letting consumers pick only what they need. Partition counts are a deployment setting.
"""

from enum import StrEnum


class Topic(StrEnum):
    """Kafka topic names. The value is the name on the broker."""

    LISTING_EVENTS = "lumbung.listing.events"
    STOCK_EVENTS = "lumbung.stock.events"
    ORDER_EVENTS = "lumbung.order.events"
    PAYMENT_EVENTS = "lumbung.payment.events"
    SEA_ALERT_EVENTS = "lumbung.sea_alert.events"
    FISHING_GROUND_EVENTS = "lumbung.fishing_ground.events"
    PAYOUT_EVENTS = "lumbung.payout.events"
    DEAD_LETTER = "lumbung.dead_letter"
