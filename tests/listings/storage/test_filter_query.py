"""The Mongo filter of a search: words that name a commodity match its code or the stored words."""

from lumbung_listings.domain.filters import ListingFilters, search_words
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.storage.search import filter_query

ACTIVE = frozenset({Status.ACTIVE})


class TestWordFilter:
    def test_words_of_no_commodity_name_must_all_be_stored_words(self) -> None:
        query = filter_query(ListingFilters(statuses=ACTIVE, words=search_words("brebes super")))
        assert query["keywords"] == {"$all": ["brebes", "super"]}
        assert "$and" not in query

    def test_a_word_that_names_commodities_matches_their_codes_or_the_stored_words(self) -> None:
        query = filter_query(ListingFilters(statuses=ACTIVE, words=search_words("shallot brebes")))
        assert query["keywords"] == {"$all": ["brebes"]}
        assert query["$and"] == [
            {"$or": [{"keywords": "shallot"}, {"commodity": {"$in": ["bawang-merah"]}}]}
        ]

    def test_every_naming_word_is_its_own_clause(self) -> None:
        query = filter_query(ListingFilters(statuses=ACTIVE, words=search_words("bawang merah")))
        assert "keywords" not in query
        assert query["$and"] == [
            {
                "$or": [
                    {"keywords": "bawang"},
                    {"commodity": {"$in": ["bawang-merah", "bawang-putih"]}},
                ]
            },
            {
                "$or": [
                    {"keywords": "merah"},
                    {"commodity": {"$in": ["bawang-merah", "cabai-merah"]}},
                ]
            },
        ]
