"""Which regions a caller acts for, and what that lets them report and subscribe to.

The gateway authenticates agencies (accounts and API keys alike) and forwards the regions they
are responsible for; this service enforces them, because it owns the zones and subscriptions.
Region codes are Kemendagri codes (`63` province, `63.08` regency, `63.08.01` district) and
containment is by whole dotted segments (`lumbung_shared.regions`), so `63.1` never covers
`63.10`.

- An admin is unrestricted; so is the forecast poller (our own process reading BMKG).
- An agency covers the codes equal to or inside one of its regions; no regions cover nothing.
- An agency may report for a zone only when **every** coastal regency of the zone is inside its
  scope. An observation decides the zone's one alert, and that alert is broadcast to every
  regency of the zone: fishers, subscribed agencies and catch listings there all act on it. An
  agency responsible for one of those regencies must not issue, or worse cancel, the storm
  warning of another's waters, so "touches my region" is not enough. A zone shared by two
  regencies is reported by an agency scoped to both (or a province containing both), or by BMKG
  through the poller.
- An agency may subscribe only to prefixes inside its scope: a wider prefix (`63` when scoped to
  `63.08`) would let it hear about regions it is not responsible for.

Refusals are 403 `region-out-of-scope` naming what lies outside, checked before anything is
stored. Objects the caller may not know about (another agency's subscription) are 404 instead,
which the repositories decide; this rule is only about regions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.identity import Identity
from lumbung_shared.regions import covered_by, is_well_formed

from .zones import Zone


class RegionOutOfScopeError(DomainError):
    """403: the request names regions outside the caller's scope."""

    def __init__(self, message: Message, **extra: object) -> None:
        super().__init__(code="region-out-of-scope", message=message, status=403, extra=extra)


@dataclass(frozen=True)
class RegionScope:
    """The regions a caller may act for; `unrestricted` covers every code."""

    regions: tuple[str, ...] = ()
    unrestricted: bool = False

    @classmethod
    def everywhere(cls) -> RegionScope:
        """For admins and our own internal workers."""
        return cls(unrestricted=True)

    @classmethod
    def of(cls, caller: Identity) -> RegionScope:
        """The caller's scope: unrestricted for an admin, else the well-formed regions it has."""
        if caller.is_admin:
            return cls.everywhere()
        return cls(regions=tuple(code for code in caller.regions if is_well_formed(code)))

    def covers(self, code: str) -> bool:
        """Whether `code` equals, or lies inside, one of the scope's regions."""
        return self.unrestricted or covered_by(code, self.regions)

    def outside(self, codes: Iterable[str]) -> list[str]:
        """The codes this scope does not cover, in the order given, without repeats."""
        return list(dict.fromkeys(code for code in codes if not self.covers(code)))

    def check_zone(self, zone: Zone) -> None:
        """Refuse (403) a report for a zone with any regency outside the scope."""
        outside = self.outside(zone.regency_codes)
        if outside:
            listed = ", ".join(outside)
            raise RegionOutOfScopeError(
                Message(
                    id=f"Wilayah perairan '{zone.id}' mencakup kabupaten/kota di luar wilayah "
                    f"tugas Anda ({listed}); Anda tidak dapat melaporkan kondisi lautnya.",
                    en=f"Maritime zone '{zone.id}' covers regencies outside your regions "
                    f"({listed}); you may not report its sea conditions.",
                ),
                zone_id=zone.id,
                regions_outside=outside,
            )

    def check_prefixes(self, prefixes: Iterable[str]) -> None:
        """Refuse (403) a subscription naming any prefix outside (or wider than) the scope."""
        outside = self.outside(prefixes)
        if outside:
            listed = ", ".join(outside)
            raise RegionOutOfScopeError(
                Message(
                    id=f"Kode wilayah di luar wilayah tugas Anda: {listed}.",
                    en=f"Region codes outside your regions: {listed}.",
                ),
                regions_outside=outside,
            )
