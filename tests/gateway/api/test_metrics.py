"""Specification: the hand-written Prometheus exposition is well-formed and bounded."""

from __future__ import annotations

from lumbung_gateway.api.metrics import MAX_SERIES, Counter, Histogram, route_template


class TestExposition:
    def test_histogram_buckets_are_cumulative(self) -> None:
        histogram = Histogram("t_seconds", "help", buckets=(0.1, 1.0))
        labels = (("route", "/x"),)
        for value in (0.05, 0.5, 5.0):
            histogram.observe(labels, value)
        lines = histogram.render()
        assert 't_seconds_bucket{route="/x",le="0.1"} 1.0' in lines
        assert 't_seconds_bucket{route="/x",le="1.0"} 2.0' in lines
        assert 't_seconds_bucket{route="/x",le="+Inf"} 3.0' in lines
        assert 't_seconds_count{route="/x"} 3.0' in lines
        assert "# TYPE t_seconds histogram" in lines

    def test_label_values_are_escaped(self) -> None:
        counter = Counter("c_total", "help")
        counter.inc((("route", 'a"b\\c\n'),))
        assert 'c_total{route="a\\"b\\\\c\\n"} 1.0' in counter.render()

    def test_series_are_bounded(self) -> None:
        counter = Counter("c_total", "help")
        for i in range(MAX_SERIES + 50):
            counter.inc((("route", f"/r{i}"),))
        assert counter.value((("route", "other"),)) == 50

    def test_ids_in_paths_become_placeholders(self) -> None:
        assert (
            route_template("/v1/listings/0123456789abcdef0123/photos") == "/v1/listings/{id}/photos"
        )
        assert route_template("/v1/orders/42") == "/v1/orders/{id}"
        assert route_template("/v1/zones") == "/v1/zones"
