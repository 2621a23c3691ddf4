"""Event schemas only change compatibly: consumers deployed yesterday must read today's events.

`schemas.json` is the last published contract: each type's version and payload schema. Within a
version a change may add optional fields; it may not remove a field, change a field's type, make
a field required, or change the values a field may take (a reader built for the old set refuses
a new value). A deliberate breaking change needs a higher `schema_version` (an old consumer then
dead-letters the event with a clear reason instead of misreading it); refresh the snapshot with
`UPDATE_EVENT_SCHEMAS=1 pytest <this file>`. A published type never disappears: a retired type
stays registered (not sent) so events still on the topic decode.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from lumbung_shared.events import EVENT_TYPES

SNAPSHOT = Path(__file__).with_name("schemas.json")


def current() -> dict[str, Any]:
    return {
        name: {"version": cls.schema_version, "schema": cls.model_json_schema()}
        for name, cls in sorted(EVENT_TYPES.items())
    }


def unversioned_breaks(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Breaking changes from `old` to `new` (snapshot entries) not covered by a version bump."""
    if new["version"] < old["version"]:
        return [f"version went down from {old['version']} to {new['version']}"]
    if new["version"] > old["version"]:
        return []
    return incompatibilities(old["schema"], new["schema"])


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why `new` cannot be read by a consumer built for `old` (empty when compatible)."""
    problems = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for field, spec in old_props.items():
        if field not in new_props:
            problems.append(f"field {field!r} removed")
        elif _type_of(spec) != _type_of(new_props[field]):
            problems.append(f"field {field!r} changed type")
        elif _values_of(spec) != _values_of(new_props[field]):
            problems.append(f"field {field!r} changed its allowed values")
    for field in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"field {field!r} became required")
    return problems


def _type_of(spec: dict[str, Any]) -> Any:
    if "anyOf" in spec:
        return [_type_of(option) for option in spec["anyOf"]]
    return spec.get("type") or spec.get("$ref") or spec.get("format")


def _values_of(spec: dict[str, Any]) -> Any:
    if "anyOf" in spec:
        return [_values_of(option) for option in spec["anyOf"]]
    return sorted(spec.get("enum", []))


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    if os.environ.get("UPDATE_EVENT_SCHEMAS"):
        SNAPSHOT.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
    loaded: dict[str, Any] = json.loads(SNAPSHOT.read_text())
    return loaded


class TestEventSchemas:
    def test_no_published_event_type_disappears(self, snapshot: dict[str, Any]) -> None:
        assert set(snapshot) <= set(EVENT_TYPES)

    def test_new_event_types_are_added_to_the_snapshot(self, snapshot: dict[str, Any]) -> None:
        missing = set(EVENT_TYPES) - set(snapshot)
        assert not missing, f"run UPDATE_EVENT_SCHEMAS=1 pytest {__file__} to publish {missing}"

    @pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
    def test_changes_are_backward_compatible(
        self, snapshot: dict[str, Any], event_type: str
    ) -> None:
        if event_type not in snapshot:
            pytest.skip("new type: covered by the snapshot test above")
        assert unversioned_breaks(snapshot[event_type], current()[event_type]) == []


class TestTheCompatibilityRule:
    base = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}

    def test_adding_an_optional_field_is_compatible(self) -> None:
        new = {
            "properties": {**self.base["properties"], "c": {"type": "string"}},
            "required": ["a"],
        }
        assert incompatibilities(self.base, new) == []

    def test_a_new_allowed_value_is_not(self) -> None:
        old = {"properties": {"r": {"enum": ["a", "b"], "type": "string"}}}
        new = {"properties": {"r": {"enum": ["a", "b", "c"], "type": "string"}}}
        assert incompatibilities(old, new) == ["field 'r' changed its allowed values"]

    def test_a_breaking_change_needs_a_higher_version(self) -> None:
        old = {"version": 1, "schema": self.base}
        broken = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
        assert unversioned_breaks(old, {"version": 1, "schema": broken}) == ["field 'b' removed"]
        assert unversioned_breaks(old, {"version": 2, "schema": broken}) == []
        assert unversioned_breaks({"version": 2, "schema": self.base}, old) == [
            "version went down from 2 to 1"
        ]

    def test_removing_retyping_or_requiring_a_field_is_not(self) -> None:
        new = {"properties": {"a": {"type": "integer"}}, "required": ["a", "c"]}
        assert incompatibilities(self.base, new) == [
            "field 'a' changed type",
            "field 'b' removed",
            "field 'c' became required",
        ]
