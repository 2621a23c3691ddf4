"""Photo bytes in the listings database (GridFS), and the photo list on the listing document.

Each photo is stored as three GridFS files — the cleaned full-size image and two thumbnails —
tagged with the listing and photo ids, so deleting a listing can find and delete them all. The
listing document keeps the photo's metadata and file ids; the list is changed with the same
version-guarded write as any other edit, which also bounds it at eight photos.
"""

from __future__ import annotations

import io
from typing import Any
from uuid import uuid4

from bson import ObjectId
from gridfs.asynchronous import AsyncGridFSBucket, AsyncGridOut
from gridfs.errors import NoFile
from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from lumbung_listings.domain.photos import ORIGINAL, PhotoVariant, ProcessedPhoto

BUCKET = "photos"


class PhotoStore:
    """Reads and writes photo files; knows nothing of who may see them."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db
        self._bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self._db[f"{BUCKET}.files"], [IndexModel([("metadata.listing_id", ASCENDING)])]
        )

    async def save(self, listing_id: str, photo: ProcessedPhoto) -> Document:
        """Store every variant; returns the metadata to keep on the listing."""
        photo_id = uuid4().hex
        variants = {ORIGINAL: photo.original} | {
            str(size): variant for size, variant in photo.thumbnails.items()
        }
        files = {}
        for size, variant in variants.items():
            files[size] = str(await self._upload(listing_id, photo_id, size, variant))
        return {
            "id": photo_id,
            "width": photo.original.width,
            "height": photo.original.height,
            "content_type": photo.original.content_type,
            "files": files,
        }

    async def _upload(
        self, listing_id: str, photo_id: str, size: str, variant: PhotoVariant
    ) -> Any:
        metadata = {
            "listing_id": listing_id,
            "photo_id": photo_id,
            "size": size,
            "content_type": variant.content_type,
            "sha256": variant.sha256,
        }
        return await self._bucket.upload_from_stream(
            f"{listing_id}/{photo_id}/{size}", io.BytesIO(variant.data), metadata=metadata
        )

    async def open(self, file_id: str) -> AsyncGridOut | None:
        """A readable stream of one stored variant, or None when it is gone."""
        try:
            return await self._bucket.open_download_stream(ObjectId(file_id))
        except NoFile:
            return None

    async def delete_photo(self, photo: Document) -> None:
        """Delete the files of one photo (already removed from its listing)."""
        for file_id in photo.get("files", {}).values():
            try:
                await self._bucket.delete(ObjectId(file_id))
            except NoFile:
                continue

    async def delete_listing_photos(self, listing_id: str) -> int:
        """Delete every file of a listing's photos; safe to repeat."""
        deleted = 0
        async for grid_file in self._bucket.find({"metadata.listing_id": listing_id}):
            try:
                await self._bucket.delete(grid_file._id)
            except NoFile:
                continue
            deleted += 1
        return deleted
