"""Photo re-encoding off the event loop, a bounded number at a time.

Decoding, resizing and encoding a phone photo takes a CPU for a good part of a second (more for
a 40-megapixel one). On the event loop that stalls every other request and Kafka delivery of
the process meanwhile; in a worker thread it does not, because Pillow releases the GIL while it
decodes, resamples and encodes. The slots bound how many run at once, so a burst of uploads
neither takes every core nor holds many decoded images in memory (a 40 MP image is 160 MB
as RGBA); an upload beyond them waits its turn without blocking the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lumbung_listings.domain.photos import ProcessedPhoto, reencode

DEFAULT_SLOTS = 2  # one per core of a small node; the event loop keeps what is left


class PhotoReencoder:
    """Runs the domain's `reencode` in a worker thread, at most `slots` photos at a time."""

    def __init__(
        self, slots: int = DEFAULT_SLOTS, work: Callable[[bytes], ProcessedPhoto] = reencode
    ) -> None:
        if slots < 1:
            raise ValueError("at least one re-encoding slot is needed")
        self._slots = asyncio.Semaphore(slots)
        self._work = work

    async def __call__(self, data: bytes) -> ProcessedPhoto:
        """The cleaned photo; the domain's 413/415/422 refusals are raised here as they are."""
        async with self._slots:
            return await asyncio.to_thread(self._work, data)
