"""Cooperatives and their members: who may sell for whom, decided from stored facts alone.

An aggregator (koperasi, BUMDes, kelompok tani, pengepul) gets its authority over a farmer's
or fisher's stock only from that member's consent: an invitation code the member accepts. The
membership lasts until either side ends it; only a current member's stock may be listed or
added to a pool. The fee is declared up front on the profile and copied onto each listing when
it is created, so a later change of fee applies to new listings only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.text import SafeLine
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lumbung_listings.domain.regions import RegionCode

MAX_FEE_BASIS_POINTS = 5000
INVITATION_HOURS_DEFAULT = 72
INVITATION_HOURS_MAX = 24 * 14
MEMBER_ID = r"^[A-Za-z0-9._:-]{1,64}$"
CODE_PATTERN = r"^[A-Z2-9]{10}$"
"""Ten characters without 0/O and 1/I/L: read aloud over a bad line, typed on a phone."""
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class AggregatorType(StrEnum):
    """What kind of organisation sells for its members."""

    KOPERASI = "koperasi"
    BUMDES = "bumdes"
    KELOMPOK_TANI = "kelompok_tani"
    PENGEPUL = "pengepul"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


MemberId = Annotated[str, Field(pattern=MEMBER_ID, description="The member's account id")]


class CooperativeProfile(BaseModel):
    """What an aggregator declares about itself, the fee included, before anyone joins."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Koperasi Tani Bawang Amuntai",
                    "type": "koperasi",
                    "home_regency": "63.08",
                    "fee_basis_points": 500,
                }
            ]
        },
    )

    name: Annotated[
        SafeLine, StringConstraints(strip_whitespace=True, min_length=3, max_length=120)
    ]
    type: AggregatorType
    home_regency: RegionCode
    fee_basis_points: int = Field(
        ge=0,
        le=MAX_FEE_BASIS_POINTS,
        description="The fee taken from each sale, in 1/100 %: 500 is 5 %. Shown to members; "
        "a change applies to listings created afterwards.",
    )


class InvitationRequest(BaseModel):
    """An invitation to join; the phone is only a note of where the code was sent."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sent_to_phone": "+6281234567890", "valid_hours": 72}]},
    )

    sent_to_phone: str | None = Field(
        default=None, pattern=r"^\+?[0-9 -]{8,20}$", description="A note, never checked"
    )
    valid_hours: int = Field(default=INVITATION_HOURS_DEFAULT, ge=1, le=INVITATION_HOURS_MAX)


class AcceptInvitation(BaseModel):
    """A member's consent: the code the aggregator gave them."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"code": "K7QH2MZP9R"}]}
    )

    code: str = Field(pattern=CODE_PATTERN)


def membership_id(aggregator_id: str, member_id: str) -> str:
    """The `_id` of one (aggregator, member) membership: found by key, never by a scan."""
    return f"{aggregator_id}:{member_id}"


def is_current(membership: dict[str, Any] | None) -> bool:
    return membership is not None and membership.get("status") == MembershipStatus.ACTIVE.value


def invitation_problem(
    invitation: dict[str, Any] | None, member_id: str, now: datetime
) -> DomainError | None:
    """Why `member_id` cannot accept `invitation` now, or None (a repeat by its taker is fine)."""
    if invitation is None:
        return _invitation_error("invitation-not-found", "tidak dikenal", "is not known", 404)
    used_by = invitation.get("used_by")
    if used_by == member_id:
        return None
    if used_by is not None:
        return _invitation_error("invitation-used", "sudah dipakai", "has already been used", 409)
    if invitation["expires_at"] <= now:
        return _invitation_error("invitation-expired", "sudah kedaluwarsa", "has expired", 410)
    if invitation["aggregator_id"] == member_id:
        return _invitation_error("invitation-own", "milik Anda sendiri", "is your own", 409)
    return None


def _invitation_error(code: str, id_text: str, en_text: str, status: int) -> DomainError:
    return DomainError(
        code=code,
        message=Message(id=f"Kode undangan {id_text}.", en=f"The invitation code {en_text}."),
        status=status,
    )


class NotAMemberError(DomainError):
    """An aggregator named someone who is not (or no longer) its member."""

    def __init__(self, member_id: str) -> None:
        super().__init__(
            code="not-a-member",
            message=Message(
                id=f"'{member_id}' bukan anggota aktif koperasi Anda.",
                en=f"'{member_id}' is not a current member of your cooperative.",
            ),
            status=403,
            extra={"member_id": member_id},
        )


class ProfileRequiredError(DomainError):
    """Members join, and listings are made, only once the aggregator declared its profile."""

    def __init__(self) -> None:
        super().__init__(
            code="cooperative-profile-required",
            message=Message(
                id="Isi profil koperasi dahulu (PUT /v1/cooperatives/me).",
                en="Declare the cooperative's profile first (PUT /v1/cooperatives/me).",
            ),
            status=409,
        )


def home_in_scope(home_regency: str, regions: list[str]) -> bool:
    """An aggregator's home regency lies in the regions its account was registered with.

    An account with no regions (tokens made before regions were recorded) is not held to it.
    """
    return not regions or any(
        home_regency == r or home_regency.startswith(r + ".") or r.startswith(home_regency + ".")
        for r in regions
    )
