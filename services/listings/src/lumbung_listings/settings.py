"""Listings settings, read from `LISTINGS_*` environment variables."""

from __future__ import annotations

from datetime import timedelta

from lumbung_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class ListingsSettings(ServiceSettings):
    """Connection settings plus the listings service's own."""

    model_config = SettingsConfigDict(env_prefix="LISTINGS_", extra="ignore", frozen=True)

    service_name: str = Field(default="listings", title="Service name")
    mongo_database: str = Field(default="lumbung_listings", title="Listings database")
    risk_sweep_seconds: float = Field(
        default=60.0, gt=0, title="How often expired sea alerts are cleared from catch listings"
    )
    sync_settle_seconds: float = Field(
        default=0.25,
        ge=0,
        le=10,
        title="Offline sync reads only changes older than this: it must exceed a write's latency "
        "plus the clock offset between replicas, or a sync could skip a change in flight",
    )
    tombstone_retention_days: float = Field(
        default=30,
        gt=0,
        le=3650,
        title="Deleted listings are kept this long for offline sync; older sync cursors get 410",
    )
    inbox_retention_days: float = Field(
        default=7, gt=0, title="Processed-event ids are kept this long to skip redeliveries"
    )
    housekeeping_seconds: float = Field(
        default=3600, gt=0, title="How often old tombstones and inbox ids are purged"
    )
    trip_overdue_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 14,
        title="A trip not landed this long after its expected landing is called off, its "
        "pre-orders cancelled",
    )
    trip_sweep_seconds: float = Field(
        default=300, gt=0, title="How often trips overdue for landing are looked for"
    )
    photo_reencode_slots: int = Field(
        default=2,
        ge=1,
        le=32,
        title="Photos re-encoded at once, each in a worker thread (about one per core)",
    )

    @property
    def sync_settle(self) -> timedelta:
        return timedelta(seconds=self.sync_settle_seconds)

    @property
    def trip_overdue(self) -> timedelta:
        return timedelta(hours=self.trip_overdue_hours)

    @property
    def tombstone_retention(self) -> timedelta:
        return timedelta(days=self.tombstone_retention_days)

    @property
    def inbox_retention(self) -> timedelta:
        return timedelta(days=self.inbox_retention_days)
