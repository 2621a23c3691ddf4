"""Routes for listing photos: upload (multipart), serve with ETag and caching, delete.

An upload is refused with 413 as soon as it is known to be too big — from `Content-Length`
before reading anything, else while counting the streamed bytes — so a 50 MB "photo" is never
read to the end. What is stored is the domain's re-encode, never the uploaded bytes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from lumbung_listings.api.deps import ListingOwner, PhotoAdding, PhotoRemoving, PhotoShowing
from lumbung_listings.api.views import ListingView, listing_view
from lumbung_listings.domain.photos import (
    MAX_PHOTO_BYTES,
    ORIGINAL,
    ImageFormat,
)
from lumbung_listings.domain.problems import invalid, too_large, unsupported

router = APIRouter(prefix="/v1/listings/{listing_id}/photos", tags=["photos"])

MULTIPART_OVERHEAD = 16 * 1024  # boundaries and part headers around the one file
MAX_UPLOAD_BYTES = MAX_PHOTO_BYTES + MULTIPART_OVERHEAD
FIELD = "photo"
IMMUTABLE = "max-age=31536000, immutable"
ACCEPTED = [fmt.content_type for fmt in ImageFormat]
STORED = ["image/jpeg", "image/webp"]  # what the re-encode writes: opaque → JPEG, alpha → WebP
BINARY = {"type": "string", "format": "binary"}

# Declared by hand rather than with `photo: UploadFile = File()`: FastAPI would parse the whole
# form before the route runs, so a chunked 50 MB upload would be read to the end instead of
# cut off with a 413 past the limit, and a non-multipart body would be a 422 instead of a 415.
UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "title": "PhotoUpload",
                "type": "object",
                "required": [FIELD],
                "properties": {
                    FIELD: {
                        **BINARY,
                        "maxLength": MAX_PHOTO_BYTES,
                        "description": f"One JPEG, PNG or WebP image of at most "
                        f"{MAX_PHOTO_BYTES} bytes (5 MiB); its type is read from its content",
                    }
                },
                "additionalProperties": False,
            },
            "encoding": {FIELD: {"contentType": ", ".join(ACCEPTED)}},
        }
    },
}
PHOTO_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The image (JPEG, or WebP when it has transparency), with a strong ETag",
        "content": {media: {"schema": BINARY} for media in STORED},
    },
    304: {"description": "Unchanged since the `ETag` sent in `If-None-Match`"},
}


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


@router.post(
    "",
    status_code=201,
    response_model=ListingView,
    openapi_extra={"requestBody": UPLOAD_BODY},
    responses=problem_responses(401, 403, 404, 412, 413, 415, 422),
)
async def upload_photo(
    listing_id: str, seller: ListingOwner, add_photo: PhotoAdding, request: Request
) -> ListingView:
    """Add a JPEG, PNG or WebP photo (≤ 5 MB, ≤ 8 per listing); it is cleaned and resized."""
    return listing_view(await add_photo(listing_id, seller, lambda: read_photo_upload(request)))


@router.get(
    "/{photo_id}",
    response_class=Response,
    responses={**PHOTO_CONTENT, **problem_responses(404, 422)},
)
async def get_photo(
    *,
    listing_id: str,
    photo_id: str,
    caller: Caller,
    show_photo: PhotoShowing,
    request: Request,
    size: Annotated[str, Query(pattern="^(original|320|1024)$")] = ORIGINAL,
) -> Response:
    """The photo (or a thumbnail) with a strong ETag; unchanged photos answer 304."""
    photo = await show_photo(listing_id, photo_id, size, caller)
    scope = "public" if photo.public else "private"
    headers = {"ETag": photo.etag, "Cache-Control": f"{scope}, {IMMUTABLE}"}
    if photo.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    headers["Content-Length"] = str(photo.length)
    return StreamingResponse(photo.chunks, media_type=photo.content_type, headers=headers)


@router.delete(
    "/{photo_id}", response_model=ListingView, responses=problem_responses(401, 403, 404, 412)
)
async def delete_photo(
    listing_id: str, photo_id: str, seller: ListingOwner, remove_photo: PhotoRemoving
) -> ListingView:
    """Remove one photo from the seller's listing and delete its files."""
    return listing_view(await remove_photo(listing_id, seller, photo_id))
