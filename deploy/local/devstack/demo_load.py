"""Load the demo marketplace through the gateway's public API, step by step.

Every step is safe to run again after an interruption: a phone already registered is signed
in instead, a seller's listings are created only where the title is missing, a photo only on a
listing without one, orders carry fixed Idempotency-Keys (a retry answers the same order) and
each order takes only the moves its current state still needs.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devstack import demo_data as data
from devstack.demo_client import DemoError, Gateway, bearer
from devstack.demo_orders import CHECKOUTS, order_to_outcome
from devstack.demo_photos import draw_photo

Say = Callable[[str], None]


class Stopwatch:
    """Seconds per step, for the progress lines."""

    def __init__(self) -> None:
        self._last = time.monotonic()

    def lap(self) -> str:
        """The time since the last lap, as "(4.2s)"."""
        now = time.monotonic()
        seconds, self._last = now - self._last, now
        return f"({seconds:.1f}s)"


@dataclass
class Loaded:
    """What the loader made (or found made), for the printout and the tests."""

    accounts: Counter[str] = field(default_factory=Counter)
    listings: int = 0
    photos: int = 0
    orders: Counter[str] = field(default_factory=Counter)
    alert_id: str = ""
    agency_key: str = ""
    tokens: dict[str, str] = field(default_factory=dict)


async def login(gw: Gateway, phone: str, password: str) -> dict[str, Any]:
    """A fresh session (access token and account) for one phone number."""
    body = {"phone": phone, "password": password}
    session: dict[str, Any] = await gw.expect(
        f"sign-in of {phone}", "POST", "/v1/auth/login", 200, json=body
    )
    return session


async def admin_login(gw: Gateway, phone: str, password: str) -> str:
    """The bootstrap admin's access token, or why there is none."""
    try:
        return str((await login(gw, phone, password))["access_token"])
    except DemoError as error:
        raise DemoError(
            f"{error}. A gateway started before `make demo` existed has no bootstrap admin: "
            "restart the stack (`make down && make demo`)."
        ) from None


async def sign_up(gw: Gateway, person: data.Person, password: str) -> str:
    """Register (or find registered) one farmer, fisher or buyer; their access token."""
    body = {
        "phone": person.phone,
        "password": password,
        "display_name": person.name,
        "role": person.role,
        "home_region": person.region,
    }
    await gw.expect(f"sign-up of {person.phone}", "POST", "/v1/auth/register", 201, 409, json=body)
    return str((await login(gw, person.phone, password))["access_token"])


async def agency_with_key(gw: Gateway, admin: str, password: str) -> tuple[str, str]:
    """The agency account (an admin creates it) and a new API key for its regencies."""
    body = {
        "phone": data.AGENCY.phone,
        "password": password,
        "display_name": data.AGENCY.name,
        "role": "agency",
        "regions": list(data.AGENCY_REGIONS),
    }
    await gw.expect(
        "agency account", "POST", "/v1/admin/accounts", 201, 409, json=body, headers=bearer(admin)
    )
    session = await login(gw, data.AGENCY.phone, password)
    key_body = {
        "account_id": session["account"]["id"],
        "name": "Demo: BPBD Bali sea reports",
        "regions": list(data.AGENCY_REGIONS),
    }
    issued = await gw.expect(
        "agency API key", "POST", "/v1/admin/api-keys", 201, json=key_body, headers=bearer(admin)
    )
    return str(session["access_token"]), str(issued["key"])


async def own_listings(gw: Gateway, token: str) -> dict[str, dict[str, Any]]:
    """A seller's listings by title (every status, every page)."""
    found: dict[str, dict[str, Any]] = {}
    params: dict[str, str | int] = {"seller": "me", "limit": 100}
    while True:
        page = await gw.expect(
            "own listings", "GET", "/v1/listings", 200, params=params, headers=bearer(token)
        )
        found.update({item["title"]: item for item in page["items"]})
        if not page.get("next_cursor"):
            return found
        params["cursor"] = page["next_cursor"]


async def create_listing(
    gw: Gateway, token: str, plan: data.ListingPlan, existing: dict[str, Any] | None
) -> dict[str, Any]:
    """The seller's listing of this title: `existing`, or created now."""
    if existing is not None:
        return existing
    title = str(plan.body["title"])

    async def created() -> dict[str, Any] | None:
        return (await own_listings(gw, token)).get(title)

    auth = bearer(token)
    listing: dict[str, Any] = await gw.once(
        f"listing {title}",
        lambda: gw.call("POST", "/v1/listings", json=plan.body, headers=auth),
        created,
        201,
    )
    return listing


async def add_photo(
    gw: Gateway, token: str, plan: data.ListingPlan, listing: dict[str, Any], seed: int
) -> dict[str, Any]:
    """The listing with its drawn photo (uploaded unless it has one already)."""
    if listing.get("photos"):
        return listing
    auth, title = bearer(token), str(plan.body["title"])
    photo = draw_photo(title, plan.colour, plan.accent, seed)
    path = f"/v1/listings/{listing['id']}/photos"

    async def with_photo() -> dict[str, Any] | None:
        now = await gw.expect("listing", "GET", f"/v1/listings/{listing['id']}", 200, headers=auth)
        return now if now.get("photos") else None

    shown: dict[str, Any] = await gw.once(
        f"photo of {title}",
        lambda: gw.call(
            "POST", path, files={"photo": ("foto.jpg", photo, "image/jpeg")}, headers=auth
        ),
        with_photo,
        201,
    )
    return shown


async def rough_sea(gw: Gateway, api_key: str) -> str:
    """The agency reports a rough sea off southern Bali: one alert in force for three days."""
    now = datetime.now(UTC).replace(microsecond=0)
    body = {
        "zone_id": data.ALERT_ZONE,
        "valid_from": (now - timedelta(minutes=10)).isoformat(),
        "valid_to": (now + timedelta(days=3)).isoformat(),
        **data.ROUGH_SEA,
        "wind_direction_deg": 135.0,
        "source": "BPBD Provinsi Bali (demo)",
    }
    answer = await gw.expect(
        "observation",
        "POST",
        "/v1/observations",
        200,
        201,
        json=body,
        headers={"X-API-Key": api_key},
    )
    if answer.get("alert") is None:
        raise DemoError(f"the rough sea issued no alert: {answer}")
    return str(answer["alert"]["id"])


async def load(gw: Gateway, passwords: dict[str, str], admin: tuple[str, str], say: Say) -> Loaded:
    """The whole demo: accounts, listings with photos, orders in every state, one alert.

    Two overlapping rounds keep it short: each seller lists as soon as they are signed in
    (the marketplace is browsable after this round), then the remaining photos upload while
    the orders go through their states and the agency reports the rough sea.
    """
    clock = Stopwatch()
    rng = random.Random(data.SEED)  # noqa: S311 - seeded demo data, not secrets
    plans = data.listings(rng)
    order_plans = data.orders(rng, plans)
    ordered = {order.listing_index for order in order_plans}
    loaded = Loaded()
    made: dict[int, dict[str, Any]] = {}

    def photo(n: int) -> Awaitable[dict[str, Any]]:
        plan = plans[n]
        return add_photo(gw, loaded.tokens[plan.seller_phone], plan, made[n], data.SEED * 1000 + n)

    async def join(person: data.Person) -> None:
        token = await sign_up(gw, person, passwords[person.role])
        loaded.tokens[person.phone] = token
        mine = [n for n, plan in enumerate(plans) if plan.seller_phone == person.phone]
        if not mine:
            return
        existing = await own_listings(gw, token)
        titles = [str(plans[n].body["title"]) for n in mine]
        listed = [
            create_listing(gw, token, plans[n], existing.get(t))
            for n, t in zip(mine, titles, strict=True)
        ]
        made.update(zip(mine, await asyncio.gather(*listed), strict=True))
        # Listings that orders will reserve get their photo now: a photo saved while a
        # reservation moves the listing's version would be refused as stale (412).
        first = [n for n in mine if n in ordered]
        made.update(zip(first, await asyncio.gather(*(photo(n) for n in first)), strict=True))

    admin_token = await admin_login(gw, *admin)
    people = data.people()
    joined = asyncio.gather(*(join(p) for p in people))
    (_, loaded.agency_key), _ = await asyncio.gather(
        agency_with_key(gw, admin_token, passwords["agency"]), joined
    )
    loaded.accounts.update(["admin", "agency", *(p.role for p in people)])
    say(f"accounts: {dict(loaded.accounts)}; {len(made)} listings {clock.lap()}")
    say(f"browsable now: {gw.base_url}/v1/listings (the other photos follow)")

    for n, plan in enumerate(plans):
        made[n]["seller_phone"] = plan.seller_phone
    regions = {p.phone: p.region for p in people}
    checkouts = asyncio.Semaphore(CHECKOUTS)
    orders = [
        order_to_outcome(
            gw,
            o,
            listing=made[o.listing_index],
            tokens=loaded.tokens,
            region=regions[o.buyer_phone],
            checkouts=checkouts,
        )
        for o in order_plans
    ]
    rest = [n for n in range(len(plans)) if n not in ordered]
    alert, photos, states = await asyncio.gather(
        rough_sea(gw, loaded.agency_key),
        asyncio.gather(*(photo(n) for n in rest)),
        asyncio.gather(*orders),
    )
    made.update(zip(rest, photos, strict=True))
    for order, state in zip(order_plans, states, strict=True):
        if state != order.outcome:
            raise DemoError(f"order {order.key} ended {state}, not {order.outcome}")
    loaded.alert_id, loaded.listings = alert, len(made)
    loaded.photos = sum(len(listing.get("photos", [])) for listing in made.values())
    loaded.orders.update(states)
    say(f"photos: {loaded.photos}; orders: {dict(loaded.orders)} {clock.lap()}")
    say(f"sea alert in force: {loaded.alert_id} ({data.ALERT_ZONE})")
    return loaded
