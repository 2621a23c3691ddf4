"""The listings service's use cases: the only place storage, domain rules and events meet."""

from __future__ import annotations

from dataclasses import dataclass

from lumbung_listings.usecases.add_photo import AddPhoto
from lumbung_listings.usecases.call_off_trips import CancelTrip
from lumbung_listings.usecases.change_listing_status import ChangeListingStatus
from lumbung_listings.usecases.cooperatives import Cooperatives
from lumbung_listings.usecases.create_listing import CreateListing
from lumbung_listings.usecases.create_trip import CreateTrip
from lumbung_listings.usecases.delete_listing import DeleteListing
from lumbung_listings.usecases.edit_listing import EditListing
from lumbung_listings.usecases.land_catch import LandCatch
from lumbung_listings.usecases.member_listings import MemberListings
from lumbung_listings.usecases.read_listing import ReadListing
from lumbung_listings.usecases.remove_photo import RemovePhoto
from lumbung_listings.usecases.search_listings import SearchListings
from lumbung_listings.usecases.show_photo import ShowPhoto
from lumbung_listings.usecases.show_price_board import ShowPriceBoard
from lumbung_listings.usecases.sync_listings import SyncListings

__all__ = [
    "AddPhoto",
    "CancelTrip",
    "ChangeListingStatus",
    "Cooperatives",
    "CreateListing",
    "CreateTrip",
    "DeleteListing",
    "EditListing",
    "LandCatch",
    "ListingsService",
    "MemberListings",
    "ReadListing",
    "RemovePhoto",
    "SearchListings",
    "ShowPhoto",
    "ShowPriceBoard",
    "SyncListings",
]


@dataclass(frozen=True)
class ListingsService:
    """What routes reach through the lifespan state: one collaborator per use case."""

    create_listing: CreateListing
    read_listing: ReadListing
    edit_listing: EditListing
    change_listing_status: ChangeListingStatus
    delete_listing: DeleteListing
    add_photo: AddPhoto
    remove_photo: RemovePhoto
    show_photo: ShowPhoto
    search_listings: SearchListings
    sync_listings: SyncListings
    show_price_board: ShowPriceBoard
    create_trip: CreateTrip
    land_catch: LandCatch
    cancel_trip: CancelTrip
    cooperatives: Cooperatives
    member_listings: MemberListings
