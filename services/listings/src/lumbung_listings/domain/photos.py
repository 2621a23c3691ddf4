"""Listing photos: accept only real JPEG, PNG or WebP images and re-encode every one.

Catalogue photos decide sales (seed 002), but an upload is also the easiest way to attack the
service or leak a farmer's home: a file named `.jpg` may be anything, a tiny file may inflate to
gigapixels, and phone photos carry GPS coordinates in EXIF. So the type is decided by content,
the pixel count is bounded before decoding, the whole image is decoded once to prove it is
intact, and what we store is a fresh encode of the pixels alone — no EXIF, no GPS, no profile.
Bytes in, bytes out: storing them is someone else's job.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from lumbung_shared.errors import DomainError
from PIL import Image, ImageOps

from lumbung_listings.domain.problems import invalid, too_large, unsupported

MAX_PHOTOS_PER_LISTING = 8
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 MP: above any phone camera, far below a decompression bomb
THUMBNAIL_SIZES = (320, 1024)  # long side in pixels: list cards and the detail screen
ORIGINAL = "original"  # the size name of the cleaned full-size image
JPEG_QUALITY = 85
WEBP_QUALITY = 82


class ImageFormat(StrEnum):
    """The image formats a seller may upload."""

    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"

    @property
    def content_type(self) -> str:
        """The media type to send with bytes in this format."""
        return f"image/{self.value}"

    @property
    def pillow_name(self) -> str:
        """Pillow's name for the format, used to forbid every other decoder."""
        return self.value.upper()


@dataclass(frozen=True)
class PhotoVariant:
    """One stored rendition of a photo."""

    data: bytes
    width: int
    height: int
    content_type: str
    sha256: str

    @property
    def etag(self) -> str:
        """A strong HTTP ETag: the same pixels encoded the same way give the same tag."""
        return f'"{self.sha256}"'


@dataclass(frozen=True)
class ProcessedPhoto:
    """A cleaned photo at full size plus thumbnails keyed by their long-side bound."""

    source_format: ImageFormat
    original: PhotoVariant
    thumbnails: Mapping[int, PhotoVariant]


def sniff(data: bytes) -> ImageFormat | None:
    """The format announced by the file's magic bytes, whatever its name or header says."""
    if data.startswith(b"\xff\xd8\xff"):
        return ImageFormat.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageFormat.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageFormat.WEBP
    return None


def inspect(data: bytes) -> ImageFormat:
    """The photo's real format, after proving it is a complete, reasonably sized image.

    Raises 413 for files over 5 MiB, 415 for anything but JPEG/PNG/WebP by content, and 422
    for empty, corrupt or truncated images and for images over 40 megapixels.
    """
    fmt = _claimed_format(data)
    with _decoded(data, fmt) as image:
        image.verify()  # structural checks (chunk CRCs for PNG) before spending CPU
    with _decoded(data, fmt) as image:
        image.load()  # a full decode is the only reliable test for truncation
    return fmt


def reencode(data: bytes) -> ProcessedPhoto:
    """Inspect, turn upright (EXIF orientation), drop all metadata and encode fresh variants.

    Opaque images become JPEG, the format every client shows; images with transparency become
    WebP, which keeps it. Thumbnails are never larger than the original.
    """
    fmt = inspect(data)
    with _decoded(data, fmt) as image:
        pixels = _pixels_only(ImageOps.exif_transpose(image))
    thumbnails = {size: _encode(_shrunk(pixels, size)) for size in THUMBNAIL_SIZES}
    return ProcessedPhoto(fmt, _encode(pixels), MappingProxyType(thumbnails))


def ensure_room_for_photo(photos_on_listing: int) -> None:
    """Refuse a ninth photo: more would slow the listing page on rural networks."""
    if photos_on_listing >= MAX_PHOTOS_PER_LISTING:
        raise invalid(
            "too-many-photos",
            f"Satu iklan paling banyak memiliki {MAX_PHOTOS_PER_LISTING} foto.",
            f"A listing can have at most {MAX_PHOTOS_PER_LISTING} photos.",
            max_photos=MAX_PHOTOS_PER_LISTING,
        )


def _claimed_format(data: bytes) -> ImageFormat:
    if not data:
        raise invalid("empty-photo", "Berkas foto kosong.", "The photo file is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise too_large(
            "photo-too-large",
            "Foto terlalu besar (maksimal 5 MB).",
            "The photo is too large (at most 5 MB).",
            max_bytes=MAX_PHOTO_BYTES,
        )
    fmt = sniff(data)
    if fmt is None:
        raise unsupported(
            "unsupported-photo-type",
            "Foto harus berformat JPEG, PNG atau WebP.",
            "The photo must be a JPEG, PNG or WebP image.",
            accepted=[f.content_type for f in ImageFormat],
        )
    return fmt


@contextmanager
def _decoded(data: bytes, fmt: ImageFormat) -> Iterator[Image.Image]:
    """Open `data` with only the decoder for `fmt`, bounding pixels before any decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt.pillow_name]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels()
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _corrupt() from None


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only pixels: rebuilt from raw bytes, so no metadata can follow.

    RGBA is kept only when some pixel is actually see-through; that decides JPEG vs WebP.
    """
    transparent = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    converted = image.convert("RGBA" if transparent else "RGB")
    if transparent and converted.getchannel("A").getextrema() == (255, 255):
        converted = converted.convert("RGB")  # an alpha channel that hides nothing
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _shrunk(image: Image.Image, long_side: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)  # never enlarges
    return copy


def _encode(image: Image.Image) -> PhotoVariant:
    """Encode into an unnamed temporary file rather than a `BytesIO`: given a real file,
    Pillow runs the encoder with the GIL released; into a buffer, an optimised progressive JPEG
    is one call that holds it throughout (~0.3 s at 12 MP), stalling the event loop even when
    this runs in a worker thread. The bytes are the same either way."""
    with tempfile.TemporaryFile() as buffer:
        if image.mode == "RGBA":
            fmt = ImageFormat.WEBP
            image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
        else:
            fmt = ImageFormat.JPEG
            image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        buffer.seek(0)
        data = buffer.read()
    digest = hashlib.sha256(data).hexdigest()
    return PhotoVariant(data, image.width, image.height, fmt.content_type, digest)


def _too_many_pixels() -> DomainError:
    return invalid(
        "photo-too-many-pixels",
        f"Resolusi foto terlalu besar (maksimal {MAX_PIXELS // 1_000_000} megapiksel).",
        f"The photo's resolution is too high (at most {MAX_PIXELS // 1_000_000} megapixels).",
        max_pixels=MAX_PIXELS,
    )


def _corrupt() -> DomainError:
    return invalid(
        "corrupt-photo",
        "Foto rusak atau tidak lengkap; coba unggah ulang.",
        "The photo is damaged or incomplete; try uploading it again.",
    )
