"""What the demo marketplace holds: people, listings, orders and one rough sea, from one seed.

Pure data and a seeded `random.Random`, no I/O, so the same seed always plans the same
marketplace (same phones, titles, prices, photo colours and order outcomes) and a unit test can
check the plan against the catalogues without a stack.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

SEED: Final = 14
LISTINGS_PER_FARMER: Final = 15
LISTINGS_PER_FISHER: Final = 14

ALERT_ZONE: Final = "perairan-selatan-bali"
"""The zone of the demo's one alert in force; every one of its regencies is the agency's."""
AGENCY_REGIONS: Final = ("51.01", "51.02", "51.03", "51.04", "51.05", "51.71", "35.10")
"""BPBD Bali's regencies (with Banyuwangi, across the strait): `perairan-selatan-bali` and
`selat-bali` lie inside them, so the agency may report for both zones."""
ROUGH_SEA: Final = {"significant_wave_m": 2.8, "max_wave_m": 4.1, "wind_speed_knots": 22.0}
"""Tinggi (2.5-4 m): above BMKG's 1.25 m and 15 kn limits for fishing boats, so "danger"."""


@dataclass(frozen=True)
class Commodity:
    """A catalogue commodity as the demo sells it: unit, price range (rupiah) and colours."""

    code: str
    kind: str
    unit: str
    price: tuple[int, int]
    colour: tuple[int, int, int]
    accent: tuple[int, int, int]


# (code, kind, unit, rupiah range, main colour, accent) — codes from the listings catalogue.
_C = Commodity
PRODUCE: Final = (
    _C("beras", "produce", "kg", (12_000, 16_000), (238, 232, 213), (200, 180, 140)),
    _C("jagung", "produce", "kg", (5_000, 7_000), (244, 196, 48), (120, 160, 60)),
    _C("cabai-rawit", "produce", "kg", (35_000, 80_000), (200, 30, 30), (40, 140, 50)),
    _C("cabai-merah", "produce", "kg", (30_000, 60_000), (180, 20, 35), (60, 120, 40)),
    _C("bawang-merah", "produce", "kg", (25_000, 45_000), (150, 40, 90), (230, 200, 210)),
    _C("bawang-putih", "produce", "kg", (28_000, 40_000), (240, 235, 225), (190, 170, 150)),
    _C("tomat", "produce", "kg", (8_000, 15_000), (220, 50, 40), (50, 130, 40)),
    _C("kentang", "produce", "kg", (12_000, 18_000), (190, 150, 90), (120, 90, 50)),
    _C("wortel", "produce", "kg", (10_000, 16_000), (240, 120, 30), (60, 150, 50)),
    _C("kangkung", "produce", "ikat", (3_000, 5_000), (60, 150, 60), (30, 90, 30)),
    _C("kopi-arabika", "produce", "kg", (90_000, 140_000), (90, 140, 80), (110, 70, 40)),
    _C("kopi-robusta", "produce", "kg", (50_000, 75_000), (120, 130, 70), (90, 60, 35)),
    _C("kakao", "produce", "kg", (60_000, 110_000), (120, 60, 40), (200, 140, 60)),
    _C("pisang", "produce", "ikat", (20_000, 45_000), (245, 215, 60), (90, 140, 40)),
    _C("mangga", "produce", "kg", (15_000, 30_000), (250, 180, 40), (100, 160, 50)),
    _C("kelapa", "produce", "buah", (6_000, 12_000), (110, 80, 45), (230, 225, 210)),
)
CATCH: Final = (
    _C("tuna-sirip-kuning", "catch", "kg", (70_000, 110_000), (60, 80, 120), (240, 200, 40)),
    _C("cakalang", "catch", "kg", (35_000, 55_000), (50, 70, 110), (190, 200, 210)),
    _C("tongkol", "catch", "kg", (28_000, 45_000), (70, 90, 130), (200, 205, 215)),
    _C("kembung", "catch", "kg", (30_000, 45_000), (90, 120, 150), (210, 220, 230)),
    _C("kerapu", "catch", "kg", (90_000, 180_000), (150, 90, 60), (220, 160, 110)),
    _C("bandeng", "catch", "kg", (28_000, 40_000), (170, 185, 195), (90, 110, 130)),
    _C("cumi", "catch", "kg", (55_000, 90_000), (235, 220, 215), (180, 120, 140)),
    _C("udang-vaname", "catch", "kg", (65_000, 110_000), (230, 150, 120), (120, 90, 80)),
    _C("rumput-laut", "catch", "kg", (8_000, 20_000), (90, 120, 50), (50, 80, 40)),
    _C("ikan-asin", "processed", "kg", (50_000, 90_000), (200, 170, 120), (150, 120, 80)),
    _C("terasi", "processed", "kg", (40_000, 70_000), (110, 60, 60), (170, 110, 90)),
    _C("gula-aren", "processed", "kg", (25_000, 40_000), (130, 80, 40), (190, 140, 80)),
)


@dataclass(frozen=True)
class Person:
    """One demo account: role, phone (E.164), display name and home regency."""

    role: str
    phone: str
    name: str
    region: str


_FARMERS = (
    ("Pak Hasan", "63.08"),  # Hulu Sungai Utara: shallots (seed 004)
    ("Bu Sri", "33.29"),  # Brebes: the shallot capital
    ("Pak Iwan", "11.04"),  # Aceh Tengah: Gayo arabica
    ("Bu Ratna", "35.07"),  # Malang: vegetables
    ("Pak Ujang", "32.05"),  # Garut: chili and potatoes
    ("Bu Andi", "73.22"),  # Luwu Utara: cocoa
    ("Pak Made", "18.06"),  # Tanggamus: robusta
    ("Bu Lina", "52.03"),  # Lombok Timur: rice and maize
)
_FISHERS = (
    ("Pak Ketut", "51.01"),  # Jembrana, on the alert's coast
    ("Pak Wayan", "51.05"),  # Klungkung, on the alert's coast
    ("Pak Rahman", "31.01"),  # Kepulauan Seribu
    ("Pak Yohanis", "71.72"),  # Bitung
    ("Bu Nur", "21.71"),  # Batam
    ("Pak Slamet", "35.10"),  # Banyuwangi
)
_BUYERS = (
    ("Warung Bu Tini", "31.71"),
    ("Rumah Makan Sunda", "32.73"),
    ("Toko Sembako Jaya", "35.78"),
    ("Warung Segara", "51.71"),
    ("Pasar Terapung", "63.71"),
    ("Coto Daeng", "73.71"),
    ("Kedai Kopi Medan", "12.71"),
    ("Angkringan Jogja", "34.71"),
)
_PHONE_BLOCK = {"farmer": 1, "fisher": 2, "buyer": 3, "agency": 4}


def _phone(role: str, n: int) -> str:
    """`+62 812 0014 R00N`: a block of numbers per role, easy to read out and to type."""
    return f"+628120014{_PHONE_BLOCK[role]}{n:02d}"


def people() -> tuple[Person, ...]:
    """Every self-registered demo account (farmers, fishers, buyers) in a fixed order."""
    rows = (("farmer", _FARMERS), ("fisher", _FISHERS), ("buyer", _BUYERS))
    return tuple(
        Person(role, _phone(role, n), name, region)
        for role, names in rows
        for n, (name, region) in enumerate(names, start=1)
    )


AGENCY: Final = Person("agency", _phone("agency", 1), "BPBD Provinsi Bali", "51.71")


@dataclass(frozen=True)
class ListingPlan:
    """One listing a seller creates, with the photo drawn for it."""

    seller_phone: str
    body: dict[str, object]
    colour: tuple[int, int, int]
    accent: tuple[int, int, int]


_GRADES = ("A", "B", "C")
_TAGS = ("segar", "produk-lokal", "organik", "panen-baru", "tanpa-pestisida")
_CATCH_TAGS = ("segar", "tangkapan-tradisional", "produk-lokal")


def listings(rng: random.Random) -> tuple[ListingPlan, ...]:
    """Each farmer lists produce, each fisher catch and processed goods, from their regency."""
    plans: list[ListingPlan] = []
    for person in people():
        if person.role == "buyer":
            continue
        farmer = person.role == "farmer"
        goods = PRODUCE if farmer else CATCH
        count = LISTINGS_PER_FARMER if farmer else LISTINGS_PER_FISHER
        for n in range(count):
            item = goods[rng.randrange(len(goods))]
            tags = _TAGS if item.kind == "produce" else _CATCH_TAGS
            body: dict[str, object] = {
                "kind": item.kind,
                "commodity": item.code,
                "title": f"{item.code.replace('-', ' ').title()} {person.name} #{n + 1}",
                "description": f"Dari {person.name}, langsung dari produsen.",
                "unit": item.unit,
                "price_per_unit": rng.randrange(item.price[0], item.price[1], 500),
                "quantity_available": rng.randrange(40, 400, 10),
                "min_order": 1,
                "grade": rng.choice(_GRADES),
                "origin_region": person.region,
                "tags": sorted(set(rng.sample(tags, 2))),
            }
            plans.append(ListingPlan(person.phone, body, item.colour, item.accent))
    return tuple(plans)


ORDER_OUTCOMES: Final = {
    # state: (how many, payment method, moves after the stock decision)
    "reserved": (4, "cod", ()),
    "confirmed": (4, "cod", ("confirm",)),
    "shipped": (4, "cod", ("confirm", "ship")),
    "delivered": (4, "bank_transfer", ("confirm", "ship", "deliver")),
    "completed": (5, "cod", ("confirm", "ship", "deliver")),
    "declined": (2, "cod", ("decline",)),
    "cancelled": (3, "cod", ("cancel",)),
    "rejected": (2, "cod", ()),
}
"""Where the demo's orders end. `pending` lasts only until the stock saga decides (well under a
second) and `expired` needs a seller to ignore an order for a day, so neither is held; a COD
order delivered is paid and so completed, a bank transfer delivered (unpaid) stays delivered."""
BUYER_MOVES: Final = frozenset({"deliver", "cancel"})


@dataclass(frozen=True)
class OrderPlan:
    """One order: who buys which listing, how many, how to pay and where it should end."""

    key: str
    buyer_phone: str
    listing_index: int
    quantity: int
    payment_method: str
    outcome: str
    moves: tuple[str, ...]


def orders(rng: random.Random, plans: tuple[ListingPlan, ...]) -> tuple[OrderPlan, ...]:
    """Orders spread over buyers and listings; `rejected` ones ask for more than the stock."""
    buyers = [p for p in people() if p.role == "buyer"]
    picks = rng.sample(range(len(plans)), sum(n for n, _, _ in ORDER_OUTCOMES.values()))
    made: list[OrderPlan] = []
    for outcome, (count, method, moves) in ORDER_OUTCOMES.items():
        for _ in range(count):
            index = picks[len(made)]
            stock = int(str(plans[index].body["quantity_available"]))
            quantity = stock + 10 if outcome == "rejected" else rng.randrange(1, 11)
            buyer = buyers[len(made) % len(buyers)]
            key = f"demo-{SEED}-order-{len(made) + 1:02d}"
            made.append(OrderPlan(key, buyer.phone, index, quantity, method, outcome, moves))
    return tuple(made)
