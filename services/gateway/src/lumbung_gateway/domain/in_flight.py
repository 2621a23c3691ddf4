"""A bound on the requests one gateway process has in flight to one service.

Each service serialises its store calls on one connection (FerretDB updates are not atomic
across connections), so requests beyond what it can answer only queue inside it until their
callers time out (issue 13: `POST /v1/orders` answered 504 after 15 s at eight in flight).
Refusing the excess at once with 503 and `Retry-After` tells a phone to come back shortly, and
keeps the queue inside the service short enough that the requests it does take are answered.

A slot is held from sending until the answer starts (or, for a small answer, until it is read):
an open event stream does not hold one for minutes. No method awaits, so no lock is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lumbung_gateway.domain.errors import UpstreamBusyError


class InFlightLimit:
    """At most `limit` requests in flight to the service `upstream`; the next is refused."""

    def __init__(self, upstream: str, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.upstream = upstream
        self.limit = limit
        self._count = 0

    @property
    def count(self) -> int:
        """Requests in flight now."""
        return self._count

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the block; 503 `upstream-busy` at once when none is free."""
        if self._count >= self.limit:
            raise UpstreamBusyError(self.upstream)
        self._count += 1
        try:
            yield
        finally:
            self._count -= 1
