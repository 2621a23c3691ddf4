"""The ZPPI feed poller: timeouts and failures retried a bounded number of times, a broken feed
or a bad entry skipped and logged, a silent feed marked stale, the SSRF guard never retried."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest
from lumbung_shared.clock import utc_now
from lumbung_weather_alerts.domain.feed import FeedStatus
from lumbung_weather_alerts.domain.ssrf import Refusal, UnsafeUrlError
from lumbung_weather_alerts.domain.zones import SEED_ZONES
from lumbung_weather_alerts.storage.feed_client import FeedFetchError
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast
from lumbung_weather_alerts.usecases.read_fishing_ground_feed import ReadFishingGroundFeed

from tests.weather_alerts.usecases.fishing_fakes import Forecasts, Zones

URL = "https://zppi.example/feed.json"


class FeedStates:
    """The feed-status documents, as `storage.feed_sources` keeps them."""

    def __init__(self, stale_after: timedelta = timedelta(hours=36)) -> None:
        self.doc: dict[str, Any] = {}
        self.stale_after = stale_after

    async def last_issued_at(self, url: str) -> Any:
        return self.doc.get("last_issued_at")

    async def record_failure(self, url: str, error: str, now: Any) -> FeedStatus:
        self.doc.update(last_error=error, failures=self.doc.get("failures", 0) + 1)
        return self._status(now)

    async def record_success(
        self, url: str, issued_at: Any, now: Any, accepted: int, skipped: int
    ) -> FeedStatus:
        if self.doc.get("last_issued_at") != issued_at:
            self.doc.update(last_new_issue_at=now, accepted=accepted, skipped=skipped)
        self.doc.update(last_issued_at=issued_at, last_error=None)
        return self._status(now)

    def _status(self, now: Any) -> FeedStatus:
        last = self.doc.get("last_new_issue_at")
        if last is None:
            return FeedStatus.NEVER
        return FeedStatus.STALE if now - last > self.stale_after else FeedStatus.FRESH


class Answers:
    """A fetch that answers (or raises) from a script, one item per call."""

    def __init__(self, *script: bytes | Exception) -> None:
        self.script = list(script)
        self.calls = 0

    async def __call__(self, url: str) -> bytes:
        self.calls += 1
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        return item


def feed(issued_at: str, *entries: dict[str, Any]) -> bytes:
    return json.dumps(
        {"source": "BRIN/KKP ZPPI", "issued_at": issued_at, "forecasts": list(entries)}
    ).encode()


def entry(forecast_id: str, lat: float = -5.8, lon: float = 106.5) -> dict[str, Any]:
    now = utc_now()
    return {
        "id": forecast_id,
        "issued_at": now.isoformat(),
        "valid_from": now.isoformat(),
        "valid_until": (now + timedelta(days=1)).isoformat(),
        "grounds": [{"kind": "point", "lat": lat, "lon": lon}],
    }


async def no_sleep(seconds: float) -> None:
    del seconds


def reader(
    fetch: Answers, forecasts: Forecasts, states: FeedStates, attempts: int = 3
) -> ReadFishingGroundFeed:
    publish = PublishForecast(Zones(SEED_ZONES), forecasts)  # type: ignore[arg-type]
    return ReadFishingGroundFeed(URL, fetch, attempts, publish, states, sleep=no_sleep)  # type: ignore[arg-type]


class TestAGoodFeed:
    async def test_each_forecast_is_published_with_the_feeds_source(self) -> None:
        forecasts, states = Forecasts(), FeedStates()
        await reader(
            Answers(feed("2026-03-01T00:00:00Z", entry("a"), entry("b"))), forecasts, states
        ).poll_once()
        assert sorted(forecasts.docs) == ["a", "b"]
        assert forecasts.docs["a"]["source"] == "BRIN/KKP ZPPI"
        assert forecasts.docs["a"]["posted_by"] == "zppi-feed"
        assert (states.doc["accepted"], states.doc["skipped"]) == (2, 0)

    async def test_an_unchanged_issue_publishes_nothing_again(self) -> None:
        forecasts, states = Forecasts(), FeedStates()
        read = reader(Answers(feed("2026-03-01T00:00:00Z", entry("a"))), forecasts, states)
        await read.poll_once()
        forecasts.docs.clear()
        await read.poll_once()
        assert forecasts.docs == {}


class TestABadFeed:
    async def test_a_bad_entry_is_skipped_and_logged_the_others_published(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        forecasts, states = Forecasts(), FeedStates()
        body = feed(
            "2026-03-01T00:00:00Z",
            entry("good"),
            entry("lost-at-sea", lat=-20.0, lon=90.0),
            {"id": "no-window"},
        )
        with caplog.at_level(logging.WARNING):
            await reader(Answers(body), forecasts, states).poll_once()
        assert list(forecasts.docs) == ["good"]
        assert (states.doc["accepted"], states.doc["skipped"]) == (1, 2)
        skipped = [r for r in caplog.records if r.getMessage() == "fishing-ground forecast skipped"]
        assert [r.entry for r in skipped] == [1, 2]

    async def test_a_malformed_feed_is_skipped_whole_and_recorded(self) -> None:
        forecasts, states = Forecasts(), FeedStates()
        await reader(
            Answers(b'{"source": "x", "forecasts": [ broken'), forecasts, states
        ).poll_once()
        assert forecasts.docs == {}
        assert states.doc["last_error"].startswith("malformed feed")

    async def test_failures_are_retried_a_bounded_number_of_times(self) -> None:
        forecasts, states = Forecasts(), FeedStates()
        fetch = Answers(
            httpx.ConnectTimeout("slow"),
            FeedFetchError("HTTP 503"),
            feed("2026-03-01T00:00:00Z", entry("a")),
        )
        await reader(fetch, forecasts, states, attempts=3).poll_once()
        assert fetch.calls == 3
        assert list(forecasts.docs) == ["a"]

    async def test_a_feed_down_for_every_attempt_is_recorded_not_raised(self) -> None:
        forecasts, states = Forecasts(), FeedStates()
        fetch = Answers(httpx.ConnectError("refused"))
        await reader(fetch, forecasts, states, attempts=2).poll_once()
        assert fetch.calls == 2
        assert states.doc["last_error"] == "ConnectError: refused"

    async def test_a_url_the_guard_refuses_is_not_retried(self) -> None:
        forecasts, states = Forecasts(), FeedStates()
        fetch = Answers(UnsafeUrlError(Refusal.PRIVATE, address="10.0.0.5"))
        await reader(fetch, forecasts, states, attempts=3).poll_once()
        assert fetch.calls == 1
        assert states.doc["last_error"].startswith("refused by the SSRF guard")


class TestStaleness:
    async def test_a_feed_whose_issue_stops_moving_is_marked_stale_with_a_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        # A negative limit: any issue is already too old, whatever the clock says between polls.
        forecasts, states = Forecasts(), FeedStates(stale_after=timedelta(seconds=-1))
        read = reader(Answers(feed("2026-03-01T00:00:00Z", entry("a"))), forecasts, states)
        await read.poll_once()
        with caplog.at_level(logging.WARNING):
            await read.poll_once()
        assert "fishing-ground feed is stale" in [r.getMessage() for r in caplog.records]
