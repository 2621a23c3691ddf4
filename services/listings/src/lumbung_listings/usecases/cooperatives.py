"""A cooperative's profile and its members: invite, join with consent, leave from either side.

A member who leaves takes their unreserved stock out of the cooperative's pools and their own
listings are paused; units held for open orders stay for those orders. The membership is kept
(`ended`) rather than removed, so a repeated leave (a phone retrying) runs the withdrawal again,
each listing a no-op where it already happened.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from lumbung_shared.clock import utc_now
from lumbung_shared.errors import ForbiddenError, NotFoundError
from lumbung_shared.identity import Identity, Role
from lumbung_shared.mongo import Document

from lumbung_listings.domain.cooperative import (
    CODE_ALPHABET,
    CooperativeProfile,
    InvitationRequest,
    MembershipStatus,
    ProfileRequiredError,
    home_in_scope,
    invitation_problem,
    is_current,
    membership_id,
)
from lumbung_listings.domain.problems import invalid
from lumbung_listings.storage.cooperatives import CooperativeRepository
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.usecases.stock_lines import withdraw_member

MEMBER_ROLES = frozenset({Role.FARMER, Role.FISHER})
CODE_LENGTH = 10
MAX_DRAWS = 5


class MembershipNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Keanggotaan", "Membership")


class Cooperatives:
    """Profiles, invitations and memberships of aggregators."""

    def __init__(self, cooperatives: CooperativeRepository, stock: ListingStock) -> None:
        self._cooperatives = cooperatives
        self._stock = stock

    async def save_profile(self, aggregator: Identity, profile: CooperativeProfile) -> Document:
        """Declare or change the profile; a new fee applies to listings created afterwards."""
        if not home_in_scope(profile.home_regency, aggregator.regions):
            raise invalid(
                "home-regency-out-of-scope",
                "Kabupaten asal harus wilayah akun Anda.",
                "The home regency must be your account's region.",
                regions=aggregator.regions,
            )
        existing = await self._cooperatives.profile(aggregator.subject)
        now = utc_now()
        fields = {
            **profile.model_dump(mode="json"),
            "created_at": existing["created_at"] if existing else now,
            "updated_at": now,
        }
        return await self._cooperatives.save_profile(aggregator.subject, fields)

    async def profile(self, aggregator_id: str) -> Document:
        """The profile, or 409 when none was declared yet."""
        profile = await self._cooperatives.profile(aggregator_id)
        if profile is None:
            raise ProfileRequiredError
        return profile

    async def invite(self, aggregator: Identity, request: InvitationRequest) -> Document:
        """A fresh single-use code, valid for `valid_hours`."""
        await self.profile(aggregator.subject)
        now = utc_now()
        for _ in range(MAX_DRAWS):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            doc = {
                "_id": code,
                "aggregator_id": aggregator.subject,
                "sent_to_phone": request.sent_to_phone,
                "created_at": now,
                "expires_at": now + timedelta(hours=request.valid_hours),
                "used_by": None,
            }
            if await self._cooperatives.add_invitation(doc):
                return doc
        raise RuntimeError("no free invitation code after several draws")

    async def accept(self, member: Identity, code: str) -> Document:
        """Join the cooperative whose code this is; a retry by the same member answers the same."""
        if member.role not in MEMBER_ROLES:
            raise ForbiddenError
        now = utc_now()
        invitation = await self._cooperatives.invitation(code)
        problem = invitation_problem(invitation, member.subject, now)
        if problem is not None:
            raise problem
        assert invitation is not None
        if invitation.get("used_by") is None and not await self._cooperatives.use_invitation(
            code, member.subject, now
        ):
            raise (
                invitation_problem(await self._cooperatives.invitation(code), member.subject, now)
                or ForbiddenError()
            )
        aggregator_id = invitation["aggregator_id"]
        existing = await self._cooperatives.membership(aggregator_id, member.subject)
        if is_current(existing) and existing is not None:
            return existing
        if existing is not None and existing.get("invitation_code") == code:
            # The code was spent on a membership since ended: rejoining takes a new one.
            raise (
                invitation_problem({**invitation, "used_by": ""}, member.subject, now)
                or ForbiddenError()
            )
        doc = {
            "_id": membership_id(aggregator_id, member.subject),
            "aggregator_id": aggregator_id,
            "member_id": member.subject,
            "member_role": member.role.value,
            "member_region": member.regions[0] if member.regions else None,
            "status": MembershipStatus.ACTIVE.value,
            "invitation_code": code,
            "joined_at": now,
            "ended_at": None,
            "ended_by": None,
        }
        await self._cooperatives.save_membership(doc)
        return doc

    async def end(self, aggregator_id: str, member_id: str, by: Identity) -> Document:
        """End a membership (either side, or an admin); the member's stock leaves the pools."""
        membership = await self._cooperatives.membership(aggregator_id, member_id)
        if membership is None:
            raise MembershipNotFoundError
        if is_current(membership):
            fields = {
                "status": MembershipStatus.ENDED.value,
                "ended_at": utc_now(),
                "ended_by": by.subject,
            }
            await self._cooperatives.end_membership(membership["_id"], fields)
            membership = {**membership, **fields}
        for listing in await self._stock.with_producer(member_id, aggregator_id):
            await withdraw_member(self._stock, listing["_id"], member_id)
        return membership

    async def roster(self, aggregator_id: str) -> list[Document]:
        return await self._cooperatives.roster(aggregator_id)

    async def memberships_of(self, member_id: str) -> list[tuple[Document, Document | None]]:
        """The member's memberships, each with its cooperative's profile (name, fee)."""
        found = await self._cooperatives.memberships_of(member_id)
        return [(m, await self._cooperatives.profile(m["aggregator_id"])) for m in found]

    async def current_members(
        self, aggregator_id: str, member_ids: list[str]
    ) -> dict[str, Document]:
        """The memberships of `member_ids` that are current; the caller refuses the others."""
        current = {}
        for member_id in member_ids:
            membership = await self._cooperatives.membership(aggregator_id, member_id)
            if is_current(membership) and membership is not None:
                current[member_id] = membership
        return current
