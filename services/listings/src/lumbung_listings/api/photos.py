"""Routes for listing photos: upload (multipart), serve with ETag and caching, delete.

An upload is refused with 413 as soon as it is known to be too big — from `Content-Length`
before reading anything, else while counting the streamed bytes — so a 50 MB "photo" is never
read to the end. What is stored is the domain's re-encode, never the uploaded bytes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from lumbung_shared.web.identity import Caller
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from lumbung_listings.api.views import Listings, ListingView, Photos, Seller, listing_view
from lumbung_listings.domain.access import PUBLIC_BY_ID
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.photos import MAX_PHOTO_BYTES, reencode
from lumbung_listings.domain.problems import invalid, too_large, unsupported
from lumbung_listings.storage.documents import PhotoNotFoundError
from lumbung_listings.storage.photos import ORIGINAL

router = APIRouter(prefix="/v1/listings/{listing_id}/photos", tags=["photos"])

MULTIPART_OVERHEAD = 16 * 1024  # boundaries and part headers around the one file
MAX_UPLOAD_BYTES = MAX_PHOTO_BYTES + MULTIPART_OVERHEAD
FIELD = "photo"
IMMUTABLE = "max-age=31536000, immutable"


def _upload_too_large() -> Exception:
    return too_large(
        "photo-too-large",
        "Foto terlalu besar (maksimal 5 MB).",
        "The photo is too large (at most 5 MB).",
        max_bytes=MAX_PHOTO_BYTES,
    )


async def _bounded(request: Request) -> AsyncGenerator[bytes, None]:
    """The request body, cut off with a 413 the moment it passes the upload limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        raise _upload_too_large()
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_UPLOAD_BYTES:
            raise _upload_too_large()
        yield chunk


async def read_photo_upload(request: Request) -> bytes:
    """The bytes of the one `photo` file part of a multipart upload."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise unsupported(
            "multipart-required",
            "Unggah foto sebagai multipart/form-data dengan kolom 'photo'.",
            "Upload the photo as multipart/form-data with a 'photo' field.",
        )
    parser = MultiPartParser(request.headers, _bounded(request), max_files=1, max_fields=5)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise invalid(
            "malformed-upload", "Unggahan tidak terbaca.", "The upload is malformed."
        ) from exc
    part = form.get(FIELD)
    if not isinstance(part, UploadFile):
        raise invalid(
            "photo-missing",
            "Kolom berkas 'photo' tidak ada.",
            "The 'photo' file field is missing.",
        )
    data = await part.read(MAX_PHOTO_BYTES + 1)
    await form.close()
    return data


@router.post("", status_code=201, response_model=ListingView)
async def upload_photo(
    listing_id: str, seller: Seller, listings: Listings, photos: Photos, request: Request
) -> ListingView:
    """Add a JPEG, PNG or WebP photo (≤ 5 MB, ≤ 8 per listing); it is cleaned and resized."""
    await listings.owned(listing_id, seller)  # 404 before reading someone else's upload
    processed = reencode(await read_photo_upload(request))
    stored = await photos.save(listing_id, processed)
    try:
        doc = await listings.add_photo(listing_id, seller, stored)
    except Exception:
        await photos.delete_photo(stored)  # refused or raced: no orphaned files
        raise
    return listing_view(doc)


@router.get("/{photo_id}")
async def get_photo(
    *,
    listing_id: str,
    photo_id: str,
    caller: Caller,
    listings: Listings,
    photos: Photos,
    request: Request,
    size: Annotated[str, Query(pattern="^(original|320|1024)$")] = ORIGINAL,
) -> Response:
    """The photo (or a thumbnail) with a strong ETag; unchanged photos answer 304."""
    doc = await listings.visible(listing_id, caller)
    meta = next((p for p in doc.get("photos", []) if p["id"] == photo_id), None)
    grid_out = await photos.open(meta["files"][size]) if meta else None
    if grid_out is None:
        raise PhotoNotFoundError
    metadata = grid_out.metadata or {}
    tag = f'"{metadata.get("sha256", grid_out._id)}"'
    scope = "public" if Status(doc["status"]) in PUBLIC_BY_ID else "private"
    headers = {"ETag": tag, "Cache-Control": f"{scope}, {IMMUTABLE}"}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)

    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await grid_out.readchunk():
            yield chunk

    headers["Content-Length"] = str(grid_out.length)
    return StreamingResponse(chunks(), media_type=metadata.get("content_type"), headers=headers)


@router.delete("/{photo_id}", response_model=ListingView)
async def delete_photo(
    listing_id: str, photo_id: str, seller: Seller, listings: Listings, photos: Photos
) -> ListingView:
    """Remove one photo from the seller's listing and delete its files."""
    removed = await listings.remove_photo(listing_id, seller, photo_id)
    await photos.delete_photo(removed)
    return listing_view(await listings.get(listing_id))
