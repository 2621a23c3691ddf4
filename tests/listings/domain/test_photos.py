"""Photos are checked by content, bounded, stripped of metadata and re-encoded with thumbnails."""

import hashlib
import io
from pathlib import Path

import pytest
from lumbung_listings.domain.photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS_PER_LISTING,
    ImageFormat,
    ensure_room_for_photo,
    inspect,
    reencode,
)
from lumbung_shared.errors import DomainError
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def photo(
    fmt: str = "JPEG", size: tuple[int, int] = (1600, 1200), mode: str = "RGB", **save: object
) -> bytes:
    """An image made here, with a gradient so encoders have real content to work on."""
    shade = Image.linear_gradient("L").resize(size)
    rgb = Image.merge("RGB", (shade, shade.transpose(Image.Transpose.FLIP_LEFT_RIGHT), shade))
    image = rgb.convert(mode)
    if mode == "RGBA":
        image.putalpha(shade)  # really see-through, not just an alpha channel
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def phone_jpeg(size: tuple[int, int] = (640, 480), orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: camera make, orientation and the GPS fix of the farm."""
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (2.0, 25.0, 12.0), 3: "E", 4: (115.0, 15.0, 3.0)}
    return photo("JPEG", size, exif=exif.tobytes())


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


class TestInspectDetectsByContent:
    def test_jpeg(self) -> None:
        assert inspect(phone_jpeg()) is ImageFormat.JPEG

    def test_png_named_jpg_is_still_png(self, tmp_path: Path) -> None:
        disguised = tmp_path / "bawang.jpg"
        disguised.write_bytes(photo("PNG", (64, 64)))
        assert inspect(disguised.read_bytes()) is ImageFormat.PNG

    def test_webp(self) -> None:
        assert inspect(photo("WEBP", (64, 64))) is ImageFormat.WEBP


class TestInspectRefuses:
    def refused(self, data: bytes) -> DomainError:
        with pytest.raises(DomainError) as caught:
            inspect(data)
        assert caught.value.message.id
        assert caught.value.message.en
        return caught.value

    def test_random_bytes_as_unsupported_media(self) -> None:
        error = self.refused(bytes(range(256)) * 8)
        assert (error.status, error.code) == (415, "unsupported-photo-type")

    def test_gif(self) -> None:
        assert self.refused(photo("GIF", (32, 32), mode="L")).status == 415

    def test_truncated_jpeg(self) -> None:
        data = phone_jpeg((800, 600))
        error = self.refused(data[: len(data) // 2])
        assert (error.status, error.code) == (422, "corrupt-photo")

    def test_jpeg_header_with_garbage_body(self) -> None:
        assert self.refused(b"\xff\xd8\xff\xe0" + b"\x00" * 100).status == 422

    def test_png_with_a_broken_checksum(self) -> None:
        data = bytearray(photo("PNG", (32, 32)))
        data[29] ^= 0xFF  # inside the IHDR chunk, so its CRC no longer matches
        assert self.refused(bytes(data)).status == 422

    def test_empty_file(self) -> None:
        assert self.refused(b"").code == "empty-photo"

    def test_file_over_five_megabytes(self) -> None:
        error = self.refused(b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES)
        assert (error.status, error.code) == (413, "photo-too-large")

    def test_decompression_bomb(self) -> None:
        bomb = io.BytesIO()
        Image.new("1", (8000, 6000)).save(bomb, "PNG")  # 48 MP in a few kilobytes
        assert len(bomb.getvalue()) < 100_000
        error = self.refused(bomb.getvalue())
        assert (error.status, error.code) == (422, "photo-too-many-pixels")


class TestReencode:
    def test_drops_exif_and_gps(self) -> None:
        original = phone_jpeg()
        assert GPS_IFD in opened(original).getexif()
        processed = reencode(original)
        for variant in (processed.original, *processed.thumbnails.values()):
            image = opened(variant.data)
            assert len(image.getexif()) == 0
            assert "exif" not in image.info
            assert b"PhoneMaker" not in variant.data

    def test_applies_orientation_before_dropping_it(self) -> None:
        processed = reencode(
            phone_jpeg((640, 480), orientation=6)
        )  # shot holding the phone upright
        assert (processed.original.width, processed.original.height) == (480, 640)

    def test_opaque_photos_become_jpeg(self) -> None:
        processed = reencode(photo("PNG", (300, 200)))
        assert processed.source_format is ImageFormat.PNG
        assert processed.original.content_type == "image/jpeg"
        assert opened(processed.original.data).format == "JPEG"

    def test_transparent_photos_become_webp(self) -> None:
        processed = reencode(photo("PNG", (300, 200), mode="RGBA"))
        assert processed.original.content_type == "image/webp"
        assert opened(processed.original.data).mode == "RGBA"

    def test_opaque_png_with_an_alpha_channel_becomes_jpeg(self) -> None:
        opaque = Image.new("RGBA", (50, 40), (200, 30, 30, 255))
        buffer = io.BytesIO()
        opaque.save(buffer, "PNG")
        assert reencode(buffer.getvalue()).original.content_type == "image/jpeg"

    def test_etag_is_the_sha256_of_the_bytes(self) -> None:
        variant = reencode(phone_jpeg()).original
        assert variant.etag == f'"{hashlib.sha256(variant.data).hexdigest()}"'


class TestThumbnails:
    def test_are_bounded_on_the_long_side(self) -> None:
        processed = reencode(photo("JPEG", (1600, 1200)))
        sizes = {bound: (v.width, v.height) for bound, v in processed.thumbnails.items()}
        assert sizes == {320: (320, 240), 1024: (1024, 768)}
        assert (processed.original.width, processed.original.height) == (1600, 1200)

    def test_portrait_is_bounded_by_its_height(self) -> None:
        thumb = reencode(photo("JPEG", (600, 1200))).thumbnails[320]
        assert (thumb.width, thumb.height) == (160, 320)

    def test_are_never_upscaled(self) -> None:
        processed = reencode(photo("JPEG", (500, 250)))
        assert (processed.thumbnails[1024].width, processed.thumbnails[1024].height) == (500, 250)
        assert (processed.thumbnails[320].width, processed.thumbnails[320].height) == (320, 160)

    def test_reported_sizes_match_the_bytes(self) -> None:
        for variant in reencode(photo("WEBP", (900, 700))).thumbnails.values():
            assert opened(variant.data).size == (variant.width, variant.height)


class TestPhotoCount:
    def test_up_to_eight_photos(self) -> None:
        ensure_room_for_photo(MAX_PHOTOS_PER_LISTING - 1)

    def test_a_ninth_is_refused(self) -> None:
        with pytest.raises(DomainError) as caught:
            ensure_room_for_photo(MAX_PHOTOS_PER_LISTING)
        assert caught.value.status == 422
