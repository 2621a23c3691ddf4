"""An alert chain keeps a bounded number of CAP messages, and stays a well-formed CAP chain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from lumbung_weather_alerts.domain.alert_chain import (
    AlertStatus,
    Chain,
    cap_alert_of,
    expired,
    is_active,
    message_index,
    new_chain,
    state_of,
    superseded,
)
from lumbung_weather_alerts.domain.cap import MsgType
from lumbung_weather_alerts.domain.lifecycle import Cancel, Issue, Observation, Update, decide
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID

ObservationFactory = Callable[..., Observation]
SENDER = "peringatan.lumbung.id"
ZONE = ZONES_BY_ID["perairan-kepulauan-seribu"]
CAP = 50


def issued(observe: ObservationFactory, now: datetime) -> Chain:
    decision = decide(None, observe(significant_wave_m=2.8, wind_speed_knots=12), now)
    assert isinstance(decision, Issue)
    return new_chain("lumbung-uji", ZONE, decision, SENDER, now)


def after_updates(
    chain: Chain, count: int, observe: ObservationFactory, now: datetime, cap: int = CAP
) -> Chain:
    """`count` Updates, the sea swinging between tinggi and sangat tinggi each hour."""
    for hour in range(1, count + 1):
        height = 4.5 if hour % 2 else 2.8
        at = now + timedelta(minutes=hour)
        decision = decide(state_of(chain), observe(significant_wave_m=height), at)
        assert isinstance(decision, Update)
        chain = superseded(chain, decision, SENDER, at, cap).after
    return chain


class TestMessageCap:
    def test_a_short_chain_keeps_every_message(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = after_updates(issued(observe, now), 3, observe, now)
        assert [m["identifier"] for m in chain["messages"]] == [
            f"lumbung-uji-{n}" for n in range(1, 5)
        ]

    def test_a_long_chain_keeps_the_alert_and_the_newest_messages(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = after_updates(issued(observe, now), 80, observe, now)
        identifiers = [m["identifier"] for m in chain["messages"]]
        assert len(identifiers) == CAP
        assert identifiers[0] == "lumbung-uji-1"
        assert identifiers[1:] == [f"lumbung-uji-{n}" for n in range(81 - CAP + 2, 82)]
        assert chain["messages_sent"] == 81
        assert chain["version"] == 81

    def test_references_name_only_messages_the_chain_still_holds(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = after_updates(issued(observe, now), 80, observe, now)
        latest = cap_alert_of(chain)
        held = [m["identifier"] for m in chain["messages"]]
        assert [r.identifier for r in latest.references] == held[:-1]
        assert all(message_index(chain, r.identifier) >= 0 for r in latest.references)
        assert latest.identifier == "lumbung-uji-81"

    def test_numbering_continues_after_a_trim_so_no_identifier_is_reused(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = after_updates(issued(observe, now), 5, observe, now, cap=3)
        calm = observe(significant_wave_m=0.3)
        at = now + timedelta(hours=2)
        decision = decide(state_of(chain), calm, at)
        assert isinstance(decision, Cancel)
        cancelled = superseded(chain, decision, SENDER, at, 3).after
        assert [m["identifier"] for m in cancelled["messages"]] == [
            "lumbung-uji-1",
            "lumbung-uji-6",
            "lumbung-uji-7",
        ]
        assert cancelled["status"] == AlertStatus.CANCELLED.value
        assert cancelled["open_key"] == "closed:lumbung-uji"
        assert cap_alert_of(cancelled).msg_type is MsgType.CANCEL

    def test_an_old_chain_without_a_message_count_numbers_from_its_length(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = issued(observe, now)
        del chain["messages_sent"]  # stored before chains counted their messages
        chain = after_updates(chain, 1, observe, now)
        assert chain["messages"][-1]["identifier"] == "lumbung-uji-2"

    @pytest.mark.parametrize("cap", [2, 3])
    def test_even_the_smallest_cap_keeps_the_alert_and_the_latest(
        self, observe: ObservationFactory, now: datetime, cap: int
    ) -> None:
        chain = after_updates(issued(observe, now), 6, observe, now, cap=cap)
        identifiers = [m["identifier"] for m in chain["messages"]]
        assert len(identifiers) == cap
        assert identifiers[0] == "lumbung-uji-1"
        assert identifiers[-1] == "lumbung-uji-7"


class TestExpiry:
    def test_an_expired_chain_is_closed_and_no_longer_active(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = issued(observe, now)
        later = chain["expires"] + timedelta(seconds=1)
        change = expired(chain, later)
        assert change.fields["status"] == AlertStatus.EXPIRED.value
        assert change.after["open_key"] == "closed:lumbung-uji"
        assert change.after["version"] == 2
        assert is_active(chain, now)
        assert not is_active(change.after, now)
