"""Who may see and who may change a listing.

Buyers only find what is on sale; a seller sees and edits their own listings in every state; an
admin moderates all. Someone who may not know a listing exists gets the same 404 as for a
listing that does not exist, so ids cannot be probed (BOLA).
"""

from __future__ import annotations

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.identity import Identity

from lumbung_listings.domain.lifecycle import Actor, Status

# Buyers find what is on sale now and the catch of trips still at sea (reservable ahead).
PUBLIC_SEARCH = frozenset({Status.ACTIVE, Status.PRE_LISTED})
# Reachable by id for anyone: a buyer's order keeps linking to a listing that sold out or paused,
# or to a trip that was called off.
PUBLIC_BY_ID = frozenset(
    {Status.ACTIVE, Status.PAUSED, Status.SOLD_OUT, Status.PRE_LISTED, Status.CALLED_OFF}
)
ALL_STATUSES = frozenset(Status)


def is_owner(identity: Identity, seller_id: str) -> bool:
    """The seller of the listing, or an admin acting as moderator."""
    return identity.is_admin or identity.subject == seller_id


def actor_of(identity: Identity) -> Actor:
    """The lifecycle actor a person editing a listing acts as."""
    return Actor.ADMIN if identity.is_admin else Actor.SELLER


def may_see(identity: Identity, seller_id: str, status: Status) -> bool:
    """Whether `identity` may read one listing by id."""
    return is_owner(identity, seller_id) or status in PUBLIC_BY_ID


def searchable_statuses(identity: Identity, seller_filter: str | None) -> frozenset[Status]:
    """The statuses a search by `identity` may return.

    Everyone searches the active listings; an admin, and a seller listing their own goods
    (`seller=<own id>`), see every status.
    """
    if identity.is_admin or (seller_filter is not None and seller_filter == identity.subject):
        return ALL_STATUSES
    return PUBLIC_SEARCH


IF_MATCH_PATTERN = r'^(W/)?"?[0-9]{1,12}"?$'
"""The ETags this service issues (`"3"`), also weak (`W/"3"`) or bare (`3`) as proxies send."""


def parse_if_match(header: str) -> int:
    """The listing version an `If-Match` header matching `IF_MATCH_PATTERN` names."""
    return int(header.removeprefix("W/").strip('"'))


def stale_version(current: int | None) -> DomainError:
    """The 412 for an edit made against a version that is no longer the listing's."""
    return DomainError(
        code="stale-version",
        message=Message(
            id="Iklan sudah berubah sejak Anda membukanya; muat ulang lalu coba lagi.",
            en="The listing changed since you opened it; reload and try again.",
        ),
        status=412,
        extra={} if current is None else {"current_version": current},
    )


def etag(version: int) -> str:
    """The strong ETag of a listing version."""
    return f'"{version}"'
