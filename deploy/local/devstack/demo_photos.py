"""Small JPEG "photos" for demo listings, drawn with Pillow from the commodity's colours.

Not photographs, but enough for a catalogue card: a sky-and-ground backdrop, a heap of the
commodity in its colour with highlights in its accent, and the title. Drawn from a seed, so
the same listing always gets the same picture; about 10 KB each, so uploading a few hundred
takes seconds and listings' re-encoding stays cheap.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 480, 360
Colour = tuple[int, int, int]


def _shade(colour: Colour, factor: float) -> Colour:
    red, green, blue = (max(0, min(255, int(c * factor))) for c in colour)
    return red, green, blue


def draw_photo(title: str, colour: Colour, accent: Colour, seed: int) -> bytes:
    """A 480x360 JPEG of a heap of the commodity, with `title` printed along the bottom."""
    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    image = Image.new("RGB", (WIDTH, HEIGHT), (200, 225, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT * 0.62, WIDTH, HEIGHT), fill=(150, 120, 85))  # the market table
    for _ in range(70):  # the heap: overlapping pieces, larger and darker at the bottom
        x = rng.gauss(WIDTH / 2, WIDTH / 6)
        y = rng.uniform(HEIGHT * 0.35, HEIGHT * 0.8)
        size = rng.uniform(14, 34) * (0.6 + y / HEIGHT)
        tint = _shade(colour, rng.uniform(0.75, 1.15))
        draw.ellipse((x - size, y - size * 0.7, x + size, y + size * 0.7), fill=tint)
        if rng.random() < 0.3:
            dot = size / 3
            draw.ellipse((x - dot, y - size * 0.5, x + dot, y - size * 0.2), fill=accent)
    draw.rectangle((0, HEIGHT - 34, WIDTH, HEIGHT), fill=(30, 30, 30))
    draw.text((12, HEIGHT - 26), title[:60], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
