"""Adding a photo: the re-encode runs off the event loop, a bounded number at a time.

Each re-encode here waits on a gate the test opens, so "the loop kept serving while a photo was
being re-encoded" is shown by the order things finished in, never by how long they took.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest
from lumbung_listings.domain.photos import ProcessedPhoto, reencode
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore
from lumbung_listings.usecases.add_photo import AddPhoto
from lumbung_listings.usecases.photo_reencoding import PhotoReencoder
from lumbung_shared.errors import DomainError
from lumbung_shared.identity import Identity, Role
from lumbung_shared.mongo import Document
from PIL import Image

from tests.support.polling import eventually

SELLER = Identity(subject="farmer-1", role=Role.FARMER)
GATE_TIMEOUT_S = 30.0  # only reached when the test is failing: the loop never let it proceed


def jpeg(size: tuple[int, int] = (2400, 1800)) -> bytes:
    shade = Image.linear_gradient("L").resize(size)
    buffer = io.BytesIO()
    Image.merge("RGB", (shade, shade, shade)).save(buffer, "JPEG")
    return buffer.getvalue()


class GatedReencode:
    """The real `reencode`, held back until the test opens the gate; counts who is inside."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, data: bytes) -> ProcessedPhoto:
        with self._lock:
            self.started += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if not self.gate.wait(GATE_TIMEOUT_S):
                raise AssertionError("the gate was never opened")
            return reencode(data)
        finally:
            with self._lock:
                self.running -= 1


async def until(condition: Callable[[], bool]) -> None:
    """Poll on the event loop (a thread sets the counters); it only runs if nothing blocks it."""

    async def probe() -> bool | None:
        return True if condition() else None

    await eventually(probe, within=10.0, interval=0.005)


class _Listings:
    """One stored listing; `save` applies a change at the expected version."""

    def __init__(self) -> None:
        self.doc: Document = {
            "_id": "l1", "seller_id": SELLER.subject, "kind": "produce", "commodity": "beras",
            "title": "Beras", "unit": "kg", "price_per_unit": 12_000, "quantity_available": 5,
            "status": "active", "origin_region": "63.08", "version": 1, "photos": [],
        }  # fmt: skip
        self.reads = 0

    async def find(self, listing_id: str, *, include_deleted: bool = False) -> Document | None:
        self.reads += 1
        return dict(self.doc) if listing_id == self.doc["_id"] else None

    async def save(self, listing_id: str, version: int, changed: Document, *events: Any) -> bool:
        if version != self.doc["version"]:
            return False
        self.doc = {**self.doc, **changed}
        return True


class _Photos:
    def __init__(self) -> None:
        self.saved: list[ProcessedPhoto] = []

    async def save(self, listing_id: str, photo: ProcessedPhoto) -> Document:
        self.saved.append(photo)
        return {"id": f"p{len(self.saved)}", "width": photo.original.width, "files": {}}

    async def delete_photo(self, photo: Document) -> None:
        raise AssertionError("nothing is refused in these tests")


def add_photo(listings: _Listings, reencoder: PhotoReencoder) -> AddPhoto:
    return AddPhoto(cast(ListingRepository, listings), cast(PhotoStore, _Photos()), reencoder)


def upload_of(data: bytes) -> Callable[[], Awaitable[bytes]]:
    async def upload() -> bytes:
        return data

    return upload


class TestTheLoopKeepsServing:
    async def test_another_request_completes_while_a_photo_is_reencoded(self) -> None:
        work = GatedReencode()
        listings = _Listings()
        use_case = add_photo(listings, PhotoReencoder(slots=1, work=work))
        finished: list[str] = []

        async def upload_photo() -> None:
            await use_case("l1", SELLER, upload_of(jpeg()))
            finished.append("upload")

        upload = asyncio.create_task(upload_photo())
        await until(lambda: work.started == 1)
        assert await listings.find("l1") is not None  # a read served meanwhile
        finished.append("read")
        assert not work.gate.is_set()
        assert work.running == 1  # the photo is still being re-encoded
        work.gate.set()
        await upload
        assert finished == ["read", "upload"]
        assert [p["width"] for p in listings.doc["photos"]] == [2400]

    async def test_refusals_from_the_worker_thread_reach_the_caller(self) -> None:
        use_case = add_photo(_Listings(), PhotoReencoder())
        with pytest.raises(DomainError) as refused:
            await use_case("l1", SELLER, upload_of(b"\xff\xd8\xff" + b"\x00" * 100))
        assert refused.value.status == 422


class TestReencodesAreBounded:
    async def test_no_more_than_the_slots_run_at_once_and_the_rest_wait_their_turn(
        self,
    ) -> None:
        work = GatedReencode()
        reencoder = PhotoReencoder(slots=2, work=work)
        data = jpeg((320, 240))
        uploads = [asyncio.create_task(reencoder(data)) for _ in range(3)]
        await until(lambda: work.started == 2)  # two run in parallel, gated
        work.gate.set()
        done = await asyncio.gather(*uploads)
        assert work.started == 3
        assert work.most_at_once == 2
        assert [photo.original.width for photo in done] == [320, 320, 320]

    def test_a_reencoder_needs_a_slot(self) -> None:
        with pytest.raises(ValueError, match="slot"):
            PhotoReencoder(slots=0)
