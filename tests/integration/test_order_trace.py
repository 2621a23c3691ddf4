"""One order is one trace: gateway → orders → relay → Kafka → listings → relay → Kafka → orders.

The session's stack exports every service's spans to its own Jaeger (tests/conftest.py). The
buyer's request carries a `traceparent` we chose, so the trace is found by id in Jaeger's query
API once the saga has reserved the stock, and it must hold the HTTP hops and both Kafka hops,
each publish the parent (through its outbox entry) of the consume on the other side.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from devstack.stack import Stack

from tests.orders.integration.flows import Party, cart, new_listing, reaches
from tests.support.polling import eventually

ORDER_TOPIC = "lumbung.order.events"
STOCK_TOPIC = "lumbung.stock.events"


async def trace_in_jaeger(stack: Stack, trace_id: str) -> list[dict[str, Any]] | None:
    """The trace's spans, each with its service name; None while Jaeger has not got it."""
    async with httpx.AsyncClient(base_url=stack.jaeger_url, timeout=10) as jaeger:
        response = await jaeger.get(f"/api/traces/{trace_id}")
    if response.status_code == 404:
        return None
    response.raise_for_status()
    traces = response.json()["data"]
    if not traces:
        return None
    processes = traces[0]["processes"]
    return [
        {**span, "service": processes[span["processID"]]["serviceName"]}
        for span in traces[0]["spans"]
    ]


def tag(span: dict[str, Any], key: str) -> Any:
    return next((t["value"] for t in span["tags"] if t["key"] == key), None)


def server_span(spans: list[dict[str, Any]], service: str) -> dict[str, Any]:
    """The service's answer to the buyer's POST (its FastAPI server span)."""
    answers = [
        s
        for s in spans
        if s["service"] == service
        and tag(s, "span.kind") == "server"
        and s["operationName"].startswith("POST /v1/")
    ]
    assert len(answers) == 1, [s["operationName"] for s in answers]
    return answers[0]


def parent_of(span: dict[str, Any], spans: list[dict[str, Any]]) -> dict[str, Any]:
    parent_id = next(r["spanID"] for r in span["references"] if r["refType"] == "CHILD_OF")
    return next(s for s in spans if s["spanID"] == parent_id)


def hop(
    spans: list[dict[str, Any]], topic: str, sender: str, receiver: str, cause: dict[str, Any]
) -> dict[str, Any]:
    """The receiver's processing of a record the sender published because of `cause`."""
    for consumed in spans:
        if consumed["service"] != receiver or consumed["operationName"] != f"{topic} process":
            continue
        sent = parent_of(consumed, spans)
        produced = sent["service"] == sender and tag(sent, "span.kind") == "producer"
        if produced and cause in ancestors(sent, spans):
            publish = [s for s in spans if s["operationName"] == f"{topic} publish"]
            assert any(parent_of(s, spans) is sent for s in publish)
            return consumed
    raise AssertionError(f"no {topic} hop from {sender} to {receiver} caused by {cause}")


def hops(spans: list[dict[str, Any]]) -> bool:
    """Both Kafka hops of the saga, each caused by the work before it."""
    orders_answer = server_span(spans, "orders")
    order_hop = hop(spans, ORDER_TOPIC, "orders", "listings", orders_answer)
    stock_hop = hop(spans, STOCK_TOPIC, "listings", "orders", order_hop)
    return stock_hop["service"] == "orders"


def ancestors(span: dict[str, Any], spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    by_id = {s["spanID"]: s for s in spans}
    while refs := [r for r in span["references"] if r["refType"] == "CHILD_OF"]:
        if (parent := by_id.get(refs[0]["spanID"])) is None:
            break
        found.append(parent)
        span = parent
    return found


class TestOneTracePerOrder:
    async def test_a_placed_order_is_one_trace_across_http_and_both_kafka_hops(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        trace_id = secrets.token_hex(16)
        traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
        headers = {**buyer.headers, "Idempotency-Key": secrets.token_hex(8)}

        placed = await gateway.post(
            "/v1/orders",
            json=cart((listing["id"], 1)),
            headers={**headers, "traceparent": traceparent},
        )
        assert placed.status_code == 202, placed.text
        await reaches(gateway, buyer, placed.json()["orders"][0]["id"], "reserved")

        async def whole_trace() -> list[dict[str, Any]] | None:
            """Each process exports its spans on its own schedule: wait for the last hop."""
            spans = await trace_in_jaeger(stack, trace_id)
            try:
                return spans if spans and hops(spans) else None
            except (AssertionError, StopIteration):
                return None

        spans = await eventually(whole_trace, within=30, interval=0.5)

        assert {"gateway", "orders", "listings"} <= {s["service"] for s in spans}
        gateway_answer = server_span(spans, "gateway")
        orders_answer = server_span(spans, "orders")
        assert gateway_answer["references"][0]["spanID"] == traceparent.split("-")[2]
        assert gateway_answer in ancestors(orders_answer, spans)  # through the proxy's call
        # Each Kafka hop: the relay's send ("<topic> create", parent of "<topic> publish")
        # descends from the work that wrote the event, and the consumer's "<topic> process"
        # on the other side is its child, so the next service's work continues the trace.
        assert hops(spans)
        # The store calls inside the trace are in it too; the relay's own polling is not.
        assert any(s["operationName"].startswith("lumbung_orders.") for s in spans)
