"""The collaborators routes declare: each use case from the service's typed lifespan state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from lumbung_shared.web.identity import Identity, Role, require_roles
from lumbung_shared.web.state import from_service

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

Seller = Annotated[Identity, require_roles(Role.FARMER, Role.FISHER, Role.ADMIN)]
ListingOwner = Annotated[
    Identity, require_roles(Role.FARMER, Role.FISHER, Role.AGGREGATOR, Role.ADMIN)
]
"""Who may edit, pause or delete a listing (their own): an aggregator sells for its members."""
Aggregator = Annotated[Identity, require_roles(Role.AGGREGATOR)]
Admin = Annotated[Identity, require_roles(Role.ADMIN)]
Member = Annotated[Identity, require_roles(Role.FARMER, Role.FISHER)]
"""A farmer or fisher, who may join cooperatives."""
Fisher = Annotated[Identity, require_roles(Role.FISHER)]
"""Trips are a fisher's own: announced and landed by them (a moderator archives, never lands)."""

Creating = Annotated[CreateListing, Depends(from_service("create_listing", CreateListing))]
Announcing = Annotated[CreateTrip, Depends(from_service("create_trip", CreateTrip))]
Landing = Annotated[LandCatch, Depends(from_service("land_catch", LandCatch))]
CallingOff = Annotated[CancelTrip, Depends(from_service("cancel_trip", CancelTrip))]
Reading = Annotated[ReadListing, Depends(from_service("read_listing", ReadListing))]
Editing = Annotated[EditListing, Depends(from_service("edit_listing", EditListing))]
StatusChanging = Annotated[
    ChangeListingStatus, Depends(from_service("change_listing_status", ChangeListingStatus))
]
Deleting = Annotated[DeleteListing, Depends(from_service("delete_listing", DeleteListing))]
PhotoAdding = Annotated[AddPhoto, Depends(from_service("add_photo", AddPhoto))]
PhotoRemoving = Annotated[RemovePhoto, Depends(from_service("remove_photo", RemovePhoto))]
PhotoShowing = Annotated[ShowPhoto, Depends(from_service("show_photo", ShowPhoto))]
Searching = Annotated[SearchListings, Depends(from_service("search_listings", SearchListings))]
Syncing = Annotated[SyncListings, Depends(from_service("sync_listings", SyncListings))]
PriceBoardShowing = Annotated[
    ShowPriceBoard, Depends(from_service("show_price_board", ShowPriceBoard))
]
CooperativesDep = Annotated[Cooperatives, Depends(from_service("cooperatives", Cooperatives))]
MemberListingsDep = Annotated[
    MemberListings, Depends(from_service("member_listings", MemberListings))
]
