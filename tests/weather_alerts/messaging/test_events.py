"""The `sea_alert.*` events built from a chain: `alert_id` is the alert's id (the chain, as in
HTTP and webhooks), `identifier` the CAP message, `references` the earlier messages."""

from __future__ import annotations

from datetime import datetime

from lumbung_shared.events.sea_alerts import SeaAlertCancelled, SeaAlertIssued, SeaAlertUpdated
from lumbung_weather_alerts.domain.alert_chain import Chain, expired
from lumbung_weather_alerts.messaging.events import expiry_event, message_event

from tests.weather_alerts.domain.test_alert_chain import ObservationFactory, after_updates, issued


class TestSeaAlertEvents:
    def test_an_issued_alert_names_its_chain_and_its_first_message(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = issued(observe, now)
        payload = message_event(chain).payload
        assert isinstance(payload, SeaAlertIssued)
        assert (payload.alert_id, payload.identifier) == ("lumbung-uji", "lumbung-uji-1")
        assert payload.references == []

    def test_an_update_keeps_the_alert_id_and_references_earlier_messages(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain: Chain = after_updates(issued(observe, now), 2, observe, now)
        payload = message_event(chain).payload
        assert isinstance(payload, SeaAlertUpdated)
        assert (payload.alert_id, payload.identifier) == ("lumbung-uji", "lumbung-uji-3")
        assert payload.references == ["lumbung-uji-1", "lumbung-uji-2"]

    def test_an_expiry_is_a_cancellation_about_the_last_message(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        chain = expired(issued(observe, now), now).after
        payload = expiry_event(chain).payload
        assert isinstance(payload, SeaAlertCancelled)
        assert (payload.alert_id, payload.identifier) == ("lumbung-uji", "lumbung-uji-1")
        assert payload.message_identifier == "lumbung-uji-1"
