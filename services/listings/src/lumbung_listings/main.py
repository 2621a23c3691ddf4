"""Wiring of the listings service: settings, repositories, use cases, consumers, routes."""

from __future__ import annotations

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.service import Runtime, create_service_app
from lumbung_shared.settings import load_settings

from lumbung_listings.api import (
    catalogue,
    cooperatives,
    listings,
    member_listings,
    photos,
    prices,
    search,
    trips,
)
from lumbung_listings.messaging.orders import order_handlers
from lumbung_listings.messaging.sea_alerts import sea_alert_handlers, trip_call_off_handlers
from lumbung_listings.settings import ListingsSettings
from lumbung_listings.storage.cooperatives import CooperativeRepository
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore
from lumbung_listings.storage.risk import SupplyRiskRepository
from lumbung_listings.storage.search import ListingSearch
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.storage.trips import PreListedTrips, ZoneDangers
from lumbung_listings.usecases import (
    AddPhoto,
    CancelTrip,
    ChangeListingStatus,
    Cooperatives,
    CreateListing,
    CreateTrip,
    DeleteListing,
    EditListing,
    LandCatch,
    ListingsService,
    MemberListings,
    ReadListing,
    RemovePhoto,
    SearchListings,
    ShowPhoto,
    ShowPriceBoard,
    SyncListings,
)
from lumbung_listings.usecases.call_off_trips import CallOffTrips
from lumbung_listings.usecases.flag_supply_risk import FlagSupplyRisk
from lumbung_listings.usecases.photo_reencoding import PhotoReencoder
from lumbung_listings.usecases.purge_tombstones import PurgeTombstones
from lumbung_listings.usecases.release_stock import ReleaseStock
from lumbung_listings.usecases.reserve_stock import ReserveStock
from lumbung_listings.usecases.settle_stock import SettleStock
from lumbung_listings.workers.housekeeping import housekeeping
from lumbung_listings.workers.supply_risk_sweep import supply_risk_sweep
from lumbung_listings.workers.trip_sweep import trip_sweep

SENDS = (
    "listing.created",
    "listing.updated",
    "listing.status_changed",
    "listing.deleted",
    "stock.reserved",
    "stock.rejected",
    "stock.released",
    "listing.trip_called_off",
    "listing.trip_landed",
)
"""The event types this service emits, for its AsyncAPI document."""


async def setup(runtime: Runtime[ListingsSettings]) -> ListingsService:
    """Repositories over the listings database, the stock and sea-alert consumers, the sweep.

    The relay watches both collections that carry outboxes: listings and stock reservations.
    Reservations rely on single-document conditional updates being atomic: true on MongoDB; on
    FerretDB 1.24 only within one connection, which is why devstack runs a pool of one.
    """
    collection = runtime.db.listings
    notify_listing = runtime.relay.watch(collection)
    listing_repository = ListingRepository(collection, notify_listing, runtime.settings.sync_settle)
    risk = SupplyRiskRepository(runtime.db.sea_alerts, collection)
    photo_store = PhotoStore(runtime.db)
    await listing_repository.ensure_indexes()
    await risk.ensure_indexes()
    await photo_store.ensure_indexes()
    reservations = StockReservationRepository(
        runtime.db.stock_reservations, runtime.relay.watch(runtime.db.stock_reservations)
    )
    stock = ListingStock(collection, notify_listing)
    runtime.consume(
        "stock",
        [Topic.ORDER_EVENTS],
        order_handlers(
            ReserveStock(reservations, stock),
            ReleaseStock(reservations, stock),
            SettleStock(reservations, stock),
        ),
    )
    supply_risk = FlagSupplyRisk(risk)
    runtime.consume("supply-risk", [Topic.SEA_ALERT_EVENTS], sea_alert_handlers(supply_risk))
    runtime.run_in_background(supply_risk_sweep(supply_risk, runtime.settings.risk_sweep_seconds))
    dangers = ZoneDangers(runtime.db.zone_dangers)
    call_off = CallOffTrips(
        PreListedTrips(collection),
        dangers,
        stock,
        reservations,
        overdue_after=runtime.settings.trip_overdue,
    )
    runtime.consume("trip-call-off", [Topic.SEA_ALERT_EVENTS], trip_call_off_handlers(call_off))
    runtime.run_in_background(trip_sweep(call_off, runtime.settings.trip_sweep_seconds))
    settings = runtime.settings
    runtime.run_in_background(
        housekeeping(
            PurgeTombstones(listing_repository, settings.tombstone_retention),
            runtime.inbox,
            settings.inbox_retention,
            settings.housekeeping_seconds,
        )
    )
    search_repository = ListingSearch(collection)
    cooperative_store = CooperativeRepository(runtime.db)
    cooperative_use_cases = Cooperatives(cooperative_store, stock)
    return ListingsService(
        create_listing=CreateListing(listing_repository, risk),
        read_listing=ReadListing(listing_repository),
        edit_listing=EditListing(listing_repository, risk),
        change_listing_status=ChangeListingStatus(listing_repository, cooperative_store),
        delete_listing=DeleteListing(listing_repository, photo_store),
        add_photo=AddPhoto(
            listing_repository, photo_store, PhotoReencoder(runtime.settings.photo_reencode_slots)
        ),
        remove_photo=RemovePhoto(listing_repository, photo_store),
        show_photo=ShowPhoto(listing_repository, photo_store),
        search_listings=SearchListings(search_repository),
        sync_listings=SyncListings(
            search_repository, settings.sync_settle, settings.tombstone_retention
        ),
        show_price_board=ShowPriceBoard(search_repository),
        create_trip=CreateTrip(listing_repository, stock, risk, dangers, call_off),
        land_catch=LandCatch(stock, reservations),
        cancel_trip=CancelTrip(call_off, stock),
        cooperatives=cooperative_use_cases,
        member_listings=MemberListings(listing_repository, stock, risk, cooperative_use_cases),
    )


def create_app(settings: ListingsSettings | None = None) -> FastAPI:
    """The listings service app (uvicorn factory)."""
    return create_service_app(
        settings or load_settings(ListingsSettings),
        title="Lumbung listings",
        description="Produce and catch listings, trips' pre-listings, cooperatives selling for "
        "their members (pools), photos, search, stock and the price board.",
        routers=[
            search.router,
            trips.router,
            member_listings.router,
            listings.router,
            photos.router,
            prices.router,
            catalogue.router,
            cooperatives.router,
        ],
        setup=setup,
        sends=SENDS,
    )
