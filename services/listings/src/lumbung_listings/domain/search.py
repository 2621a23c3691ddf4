"""Word search and paging without a text index.

FerretDB has no `$text` search, so each listing stores a small array of normalised words and
a search is an `$all` match on it. The same `tokens` function must produce both the stored
words and the query words, or "Cabé" would never find "cabe". Lists are paged by an opaque
cursor (keyset pagination) so a phone that retries or scrolls while sellers publish never
sees a row twice or skips one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from lumbung_shared.cursors import InvalidCursorError
from lumbung_shared.cursors import decode_cursor as decode_token
from lumbung_shared.cursors import encode_cursor as encode_token
from lumbung_shared.errors import DomainError

from lumbung_listings.domain.problems import invalid

MIN_TOKEN_LENGTH = 2
MAX_TOKEN_LENGTH = 32
MAX_TOKENS = 64  # per listing: title, description and commodity names together
MAX_QUERY_TOKENS = 8
MAX_QUERY_LENGTH = 200
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 200
CURSOR_VERSION = 1

STOP_WORDS = frozenset(
    # Indonesian glue words and the seller's "for sale" that every title starts with …
    {"dan", "di", "ke", "dari", "yang", "untuk", "dengan", "atau", "ini", "itu", "per"}
    | {"ada", "juga", "jual", "dijual", "siap", "kirim"}
    # … and their English counterparts.
    | {"the", "and", "of", "for", "with", "from", "to", "in", "on", "at", "or", "sale"}
)

_SEPARATORS = re.compile(r"[\W_]+")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_KEY = 2**63 - 1  # keys must fit a BSON int64


def _plain(text: str) -> str:
    """Lower-case and strip accents, so `Cabé` and `cabe` are the same word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def tokens(text: str, limit: int = MAX_TOKENS) -> list[str]:
    """The distinct search words of `text`, in order of first appearance.

    `tokens("Bawang Merah Brebes SUPER!") == ["bawang", "merah", "brebes", "super"]`.
    One-letter words and stop words are dropped; over-long words are cut so a pasted URL
    cannot bloat the index; at most `limit` words are kept.
    """
    words: dict[str, None] = {}
    for word in _SEPARATORS.split(_plain(text)):
        if len(word) < MIN_TOKEN_LENGTH or word in STOP_WORDS:
            continue
        words[word[:MAX_TOKEN_LENGTH]] = None
        if len(words) == limit:
            break
    return list(words)


def query_tokens(q: str) -> list[str]:
    """The words of a buyer's query; an empty list means "no word filter"."""
    if len(q) > MAX_QUERY_LENGTH:
        raise invalid(
            "query-too-long",
            f"Kata pencarian terlalu panjang (maksimal {MAX_QUERY_LENGTH} karakter).",
            f"The search query is too long (at most {MAX_QUERY_LENGTH} characters).",
        )
    return tokens(q, limit=MAX_QUERY_TOKENS)


def listing_keywords(title: str, description: str, *commodity_names: str) -> list[str]:
    """The words stored on a listing: title first, so they survive the per-listing limit."""
    return tokens(" ".join((title, *commodity_names, description)))


class SortOrder(StrEnum):
    """The orders a buyer may list in."""

    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"


@dataclass(frozen=True)
class SortSpec:
    """The stored field a sort order uses and its direction; `id` breaks ties the same way."""

    field: str
    descending: bool


SORTS: dict[SortOrder, SortSpec] = {
    SortOrder.NEWEST: SortSpec("created_at", descending=True),
    SortOrder.PRICE_ASC: SortSpec("price_per_unit", descending=False),
    SortOrder.PRICE_DESC: SortSpec("price_per_unit", descending=True),
}


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended: the last row's sort key and id."""

    sort: SortOrder
    key: int  # price in rupiah, or created_at in microseconds since the epoch
    id: str


def micros(moment: datetime) -> int:
    """A timestamp as the integer cursor key used by the `newest` order."""
    return round(moment.timestamp() * 1_000_000)


def from_micros(key: int) -> datetime:
    """The UTC timestamp a `newest` cursor key stands for."""
    return datetime.fromtimestamp(key / 1_000_000, tz=UTC)


def encode_cursor(cursor: Cursor) -> str:
    """An opaque, URL-safe token for the next page (`lumbung_shared.cursors`)."""
    return encode_token(
        {"v": CURSOR_VERSION, "sort": cursor.sort.value, "k": cursor.key, "i": cursor.id}
    )


def decode_cursor(token: str, sort: SortOrder) -> Cursor:
    """Read a token made by `encode_cursor` for the same sort order, or raise a 422.

    The token is not secret — it only says where to resume, and every filter still applies —
    but anything that is not exactly what we issued is refused rather than guessed at.
    """
    try:
        cursor = _parse(token)
    except (InvalidCursorError, ValueError, TypeError):
        raise bad_cursor() from None
    if cursor.sort is not sort or encode_cursor(cursor) != token:
        raise bad_cursor()
    return cursor


def _parse(token: str) -> Cursor:
    if not 0 < len(token) <= MAX_CURSOR_LENGTH:
        raise ValueError("cursor length")
    raw = decode_token(token)
    if raw.keys() != {"v", "sort", "k", "i"} or raw["v"] != CURSOR_VERSION:
        raise ValueError("cursor shape")
    key, row_id = raw["k"], raw["i"]
    if not is_key(key, signed=True) or not is_row_id(row_id):
        raise ValueError("cursor key")
    return Cursor(SortOrder(raw["sort"]), key, row_id)


def is_key(value: object, *, signed: bool) -> bool:
    """An integer cursor key (never a bool) that fits a BSON int64."""
    if type(value) is not int:
        return False
    return (-_MAX_KEY if signed else 0) <= value <= _MAX_KEY


def is_row_id(value: object, *, empty: bool = False) -> bool:
    """A listing id as we issue them (so a cursor cannot smuggle a query operator)."""
    if not isinstance(value, str):
        return False
    return (empty and value == "") or _ID.fullmatch(value) is not None


def bad_cursor() -> DomainError:
    """The shared 422 for a cursor that we did not issue for this listing order."""
    return InvalidCursorError()


def page_size(requested: int | None) -> int:
    """The number of rows per page: 20 unless asked, 1 to 100, else a 422."""
    if requested is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= requested <= MAX_PAGE_SIZE:
        raise invalid(
            "invalid-page-size",
            f"Ukuran halaman harus 1 sampai {MAX_PAGE_SIZE}.",
            f"The page size must be between 1 and {MAX_PAGE_SIZE}.",
            max_page_size=MAX_PAGE_SIZE,
        )
    return requested
