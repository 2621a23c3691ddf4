"""HTTP caching for feeds: ETag and Last-Modified validators, and the 304 answer.

Agencies poll the alert feeds every minute or so; a 304 costs them and us almost nothing.
`If-None-Match` wins over `If-Modified-Since` (RFC 9110 13.2.2).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response

FEED_CACHE_CONTROL = "public, max-age=15, must-revalidate"
"""Short: alerts are safety information, but every poller may share one cached copy."""


def etag_of(body: bytes) -> str:
    """A weak validator from the representation's bytes."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def http_date(moment: datetime) -> str:
    """IMF-fixdate, as Last-Modified wants."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """True when the client's copy is current."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        offered = {tag.strip() for tag in if_none_match.split(",")}
        return "*" in offered or etag in offered or etag.removeprefix("W/") in offered
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


def cached_response(
    request: Request,
    body: bytes,
    media_type: str,
    last_modified: datetime | None,
    cache_control: str = FEED_CACHE_CONTROL,
) -> Response:
    """200 with validators, or 304 with the same validators and no body."""
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept, Accept-Language"}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)
