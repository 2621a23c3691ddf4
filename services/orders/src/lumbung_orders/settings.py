"""Orders settings, read from `ORDERS_*` environment variables."""

from __future__ import annotations

from datetime import timedelta

from lumbung_shared.secrets import StrongSecretOrEmpty
from lumbung_shared.settings import ServiceSettings
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict


class OrdersSettings(ServiceSettings):
    """Connection settings plus the orders service's own."""

    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore", frozen=True)

    service_name: str = Field(default="orders", title="Service name")
    mongo_database: str = Field(default="lumbung_orders", title="Orders database")
    confirm_within_seconds: float = Field(
        default=86_400, gt=0, title="How long a seller has to confirm a reserved order"
    )
    reservation_deadline_seconds: float = Field(
        default=60.0,
        gt=0,
        title="How long a placed order waits for listings' stock decision before `timeout`",
    )
    listing_wait_seconds: float = Field(
        default=0.3,
        ge=0,
        le=10,
        title="How long checkout waits for a listing the snapshots do not know yet",
        description="The listing copy trails `POST /v1/listings` by 0.1-0.5 s. A listing still "
        "unknown after this wait (read again as soon as this process copies it, and when the "
        "wait ends) is ordered anyway, as its own order with "
        "no seller yet, and listings decides; the wait only lets most carts be split by seller "
        "(and shown to the seller) at once. 0 never waits.",
    )
    checkouts_in_flight: int = Field(
        default=8,
        ge=1,
        le=1000,
        title="Checkouts this process works on at once",
        description="More wait for a turn (`checkout_wait_seconds`), then get 429 + Retry-After: "
        "one store connection serves the process, and a longer queue only ends in gateway "
        "timeouts.",
    )
    checkout_wait_seconds: float = Field(
        default=1.0,
        ge=0,
        le=10,
        title="How long a checkout waits for a turn before 429 + Retry-After",
    )
    checkout_budget_seconds: float = Field(
        default=3.5,
        gt=0,
        le=60,
        title="Longest a checkout may take once it has its turn, then 429 + Retry-After",
        description="Wait plus budget must stay below the gateway's answer timeout "
        "(`GATEWAY_ANSWER_TIMEOUT_SECONDS`, 5 s), so a slow checkout is our 429, a retry with "
        "the same key, never the gateway's timeout (which also counts against the circuit).",
    )
    saga_backlog_limit: int = Field(
        default=64,
        ge=1,
        le=10_000,
        title="Orders this process placed that may wait for their stock decision at once",
        description="Beyond it checkout answers 429 + Retry-After at once: orders accepted "
        "faster than the saga decides only queue in front of it (POST → order.reserved grew to "
        "tens of seconds). About the saga's orders/s times the wait to allow. The default suits "
        "MongoDB and several replicas (a reply consumed by another replica frees its slot only "
        "when the slot lapses, so a small limit starves a replica); the devstack on FerretDB "
        "sets 3 ≈ 8/s x 0.4 s (measured 2, 3, 4, 8, 16 with `bench/run.py --only saga`). "
        "See `domain.saga_backlog`.",
    )
    saga_backlog_slot_seconds: float = Field(
        default=5.0,
        gt=0,
        le=600,
        title="Longest an order holds its backlog slot without this process seeing its decision",
        description="Another replica may consume the stock reply, and a checkout may crash "
        "after taking its slots: a few seconds more than a saga takes under load.",
    )
    expiry_scan_seconds: float = Field(
        default=30.0, gt=0, title="How often the sweeper looks for lapsed deadlines"
    )
    idempotency_retention_hours: float = Field(
        default=48.0, ge=24, title="How long Idempotency-Keys are kept (at least 24 h)"
    )
    housekeeping_seconds: float = Field(
        default=3600.0, gt=0, title="How often old idempotency keys and inbox ids are dropped"
    )
    payment_callback_secret: StrongSecretOrEmpty = Field(
        default=SecretStr(""),
        title="HMAC key payment providers sign callbacks with (empty: callbacks refused)",
    )
    events_poll_seconds: float = Field(
        default=0.5, gt=0, title="How often the live-status stream checks the order"
    )
    events_heartbeat_seconds: float = Field(
        default=10.0, gt=0, title="Idle time after which the live-status stream sends a comment"
    )
    events_max_seconds: float = Field(
        default=300.0,
        gt=0,
        title="Longest a live-status stream stays open before the client resumes",
    )

    @property
    def confirm_within(self) -> timedelta:
        return timedelta(seconds=self.confirm_within_seconds)

    @property
    def reservation_deadline(self) -> timedelta:
        return timedelta(seconds=self.reservation_deadline_seconds)
