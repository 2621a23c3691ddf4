"""Word search without $text, cursors for paging, sort orders and page sizes."""

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_listings.domain.search import (
    MAX_QUERY_TOKENS,
    MAX_TOKENS,
    SORTS,
    Cursor,
    SortOrder,
    decode_cursor,
    encode_cursor,
    from_micros,
    listing_keywords,
    micros,
    page_size,
    query_tokens,
    tokens,
)
from lumbung_shared.errors import DomainError


class TestTokens:
    def test_lowercases_strips_punctuation_and_splits(self) -> None:
        assert tokens("Bawang Merah Brebes SUPER!") == ["bawang", "merah", "brebes", "super"]

    def test_strips_accents(self) -> None:
        assert tokens("Cabé Rawit") == tokens("cabe rawit") == ["cabe", "rawit"]

    def test_splits_hyphens_and_underscores(self) -> None:
        assert tokens("cabai-rawit_merah") == ["cabai", "rawit", "merah"]

    def test_drops_one_letter_words_and_stop_words(self) -> None:
        assert tokens("Jual ikan tongkol dan cakalang a la carte for the market") == [
            "ikan",
            "tongkol",
            "cakalang",
            "la",
            "carte",
            "market",
        ]

    def test_removes_duplicates_keeping_first_order(self) -> None:
        assert tokens("kopi gayo, KOPI arabika gayo") == ["kopi", "gayo", "arabika"]

    def test_is_bounded(self) -> None:
        text = " ".join(f"kata{i}" for i in range(500))
        assert len(tokens(text)) == MAX_TOKENS
        assert len(tokens("x" * 500)[0]) == 32

    def test_listing_keywords_include_commodity_names(self) -> None:
        words = listing_keywords("Bawang super", "Panen baru", "Bawang merah", "Shallots")
        assert words == ["bawang", "super", "merah", "shallots", "panen", "baru"]

    @given(st.text(max_size=300))
    def test_never_yields_short_upper_case_or_repeated_words(self, text: str) -> None:
        words = tokens(text)
        assert len(words) == len(set(words)) <= MAX_TOKENS
        assert all(len(w) >= 2 and w == w.casefold() for w in words)


class TestQueryTokens:
    def test_matches_the_stored_words(self) -> None:
        assert query_tokens("BAWANG merah!!") == tokens("Bawang Merah Brebes")[:2]

    def test_blank_query_means_no_word_filter(self) -> None:
        assert query_tokens("  ?! ") == []

    def test_keeps_few_words(self) -> None:
        assert len(query_tokens(" ".join(f"w{i}" for i in range(30)))) == MAX_QUERY_TOKENS

    def test_overlong_query_is_a_422(self) -> None:
        with pytest.raises(DomainError) as caught:
            query_tokens("a" * 201)
        assert caught.value.status == 422


class TestSortOrders:
    def test_each_order_names_its_field_and_direction(self) -> None:
        assert SORTS[SortOrder.NEWEST].field == "created_at"
        assert SORTS[SortOrder.NEWEST].descending
        assert not SORTS[SortOrder.PRICE_ASC].descending
        assert SORTS[SortOrder.PRICE_DESC].descending


class TestCursor:
    def test_round_trips(self) -> None:
        cursor = Cursor(SortOrder.PRICE_ASC, 32_000, "6743a1f0c2e4b5d6e7f80912")
        token = encode_cursor(cursor)
        assert decode_cursor(token, SortOrder.PRICE_ASC) == cursor

    def test_is_url_safe(self) -> None:
        token = encode_cursor(Cursor(SortOrder.NEWEST, 2**62, "a" * 64))
        assert token.replace("-", "").replace("_", "").isalnum()

    def test_newest_key_round_trips_a_timestamp(self) -> None:
        moment = datetime(2026, 11, 23, 8, 30, 15, 123456, tzinfo=UTC)
        assert from_micros(micros(moment)) == moment

    @given(
        st.integers(-(2**63) + 1, 2**63 - 1), st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
    )
    def test_round_trips_any_key_and_id(self, key: int, row_id: str) -> None:
        cursor = Cursor(SortOrder.PRICE_DESC, key, row_id)
        assert decode_cursor(encode_cursor(cursor), SortOrder.PRICE_DESC) == cursor


def ours(**changes: object) -> dict[str, object]:
    """The key of a cursor as we issue it (price order, key 10, id "abc"), with `changes`."""
    return {"i": "abc", "k": 10, "sort": "price_asc", "v": 1, **changes}


def forged(payload: object, separators: tuple[str, str] = (",", ":")) -> str:
    """A token built by hand the way we build ours, to isolate one rule per case."""
    text = json.dumps(payload, separators=separators)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class TestTamperedCursor:
    @pytest.mark.parametrize(
        "token",
        [
            "",
            "not a cursor!",
            "x" * 500,
            forged(ours())[:-3],
            forged({"key": 10}),
            forged([1, "price_asc", 10, "abc"]),  # not an object
            forged(ours(k="10")),
            forged(ours(k=True)),
            forged(ours(i={"$gt": ""})),
            forged(ours(k=2**70)),
            forged(ours(v=2)),
            forged(ours(sort="cheapest")),
            forged({**ours(), "extra": 1}),
            forged(ours(), separators=(", ", ": ")),  # not what we issue
        ],
    )
    def test_is_a_bilingual_422(self, token: str) -> None:
        with pytest.raises(DomainError) as caught:
            decode_cursor(token, SortOrder.PRICE_ASC)
        assert (caught.value.status, caught.value.code) == (422, "invalid-cursor")
        assert caught.value.message.id != caught.value.message.en

    def test_hand_built_token_equal_to_ours_is_accepted(self) -> None:
        assert decode_cursor(forged(ours()), SortOrder.PRICE_ASC).key == 10

    def test_flipped_character_is_refused(self) -> None:
        token = encode_cursor(Cursor(SortOrder.NEWEST, 1_700_000_000_000_000, "abc123"))
        flipped = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
        with pytest.raises(DomainError):
            decode_cursor(flipped, SortOrder.NEWEST)

    def test_cursor_of_another_sort_order_is_refused(self) -> None:
        token = encode_cursor(Cursor(SortOrder.PRICE_DESC, 10, "abc"))
        with pytest.raises(DomainError):
            decode_cursor(token, SortOrder.PRICE_ASC)


class TestPageSize:
    def test_defaults_to_twenty(self) -> None:
        assert page_size(None) == 20

    @pytest.mark.parametrize("size", [1, 50, 100])
    def test_accepts_one_to_a_hundred(self, size: int) -> None:
        assert page_size(size) == size

    @pytest.mark.parametrize("size", [0, -1, 101])
    def test_refuses_the_rest(self, size: int) -> None:
        with pytest.raises(DomainError) as caught:
            page_size(size)
        assert caught.value.status == 422
