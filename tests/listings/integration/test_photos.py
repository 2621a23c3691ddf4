"""Listing photos through the gateway (issue point 2): checked, cleaned, resized, deleted."""

from __future__ import annotations

import io

import httpx
from devstack.stack import Stack
from PIL import Image

from tests.listings.integration.helpers import Seller, shallots
from tests.support.clients import bearer
from tests.support.mongo import database

GPS_IFD = 0x8825


def jpeg_with_gps(width: int = 1600, height: int = 900) -> bytes:
    """A phone-like photo whose EXIF says where the farm is."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "S", 2: (2.0, 25.0, 0.0), 3: "E", 4: (115.0, 15.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


async def upload(
    gateway: httpx.AsyncClient, seller: Seller, listing_id: str, data: bytes, name: str = "a.jpg"
) -> httpx.Response:
    return await gateway.post(
        f"/v1/listings/{listing_id}/photos",
        files={"photo": (name, data, "image/jpeg")},
        headers=seller.headers,
    )


async def stored_files(stack: Stack, listing_id: str) -> int:
    async with database(stack, "listings") as db:
        return await db["photos.files"].count_documents({"metadata.listing_id": listing_id})


class TestUpload:
    async def test_a_photo_is_reencoded_without_gps_and_served_with_thumbnails(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        response = await upload(gateway, seller, listing["id"], jpeg_with_gps())
        assert response.status_code == 201, response.text
        photo = response.json()["photos"][0]
        assert (photo["width"], photo["height"]) == (1600, 900)

        buyer = bearer(stack, "buyer")
        full = await gateway.get(photo["url"], headers=buyer)
        assert full.status_code == 200
        assert full.headers["content-type"] == "image/jpeg"
        assert "immutable" in full.headers["cache-control"]
        assert full.headers["x-content-type-options"] == "nosniff"
        with Image.open(io.BytesIO(full.content)) as image:
            assert image.size == (1600, 900)
            assert dict(image.getexif()) == {}  # no maker, no GPS
        for size, url in photo["thumbnails"].items():
            thumb = await gateway.get(url, headers=buyer)
            with Image.open(io.BytesIO(thumb.content)) as image:
                assert max(image.size) == min(int(size), 1600)

        again = await gateway.get(
            photo["url"], headers={**buyer, "If-None-Match": full.headers["etag"]}
        )
        assert again.status_code == 304
        assert await stored_files(stack, listing["id"]) == 3

    async def test_at_most_eight_photos(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        for _ in range(8):
            assert (await upload(gateway, seller, listing["id"], png())).status_code == 201
        ninth = await upload(gateway, seller, listing["id"], png())
        assert ninth.status_code == 422
        assert ninth.json()["type"].endswith("too-many-photos")
        assert len((await seller.listing(listing["id"]))["photos"]) == 8
        assert await stored_files(stack, listing["id"]) == 24


class TestRefusals:
    async def test_fake_corrupt_and_oversize_photos_are_refused_and_nothing_is_stored(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        real = jpeg_with_gps(400, 300)
        cases: list[tuple[bytes, int]] = [
            (b"<?php echo 'not a photo'; ?>", 415),  # named .jpg, is not
            (real[: len(real) // 2], 422),  # truncated upload
            (b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024), 413),  # over 5 MB
        ]
        for data, status in cases:
            response = await upload(gateway, seller, listing["id"], data)
            assert response.status_code == status, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["message"]["en"]
        assert (await seller.listing(listing["id"]))["photos"] == []
        assert await stored_files(stack, listing["id"]) == 0

    async def test_only_the_seller_may_upload(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        owner = Seller(stack, gateway)
        listing = await owner.lists(shallots())
        other = Seller(stack, gateway)
        assert (await upload(gateway, other, listing["id"], png())).status_code == 404


class TestDeleteListing:
    async def test_deleting_a_listing_deletes_its_photos(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        photo = (await upload(gateway, seller, listing["id"], png())).json()["photos"][0]
        assert await stored_files(stack, listing["id"]) == 3

        deleted = await gateway.delete(f"/v1/listings/{listing['id']}", headers=seller.headers)
        assert deleted.status_code == 204
        assert await stored_files(stack, listing["id"]) == 0
        assert (await gateway.get(photo["url"], headers=seller.headers)).status_code == 404
