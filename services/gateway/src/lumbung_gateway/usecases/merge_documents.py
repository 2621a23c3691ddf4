"""Merging OpenAPI documents: one service's public paths and the components they use.

Component names that two services define differently are renamed `<service>_<Name>` in the
later service's document, together with every `$ref` to them, so no definition silently
replaces another; identical definitions are shared. Names the gateway defines for everyone (the
one `Problem` schema and what it refers to) are never taken from a service: every service
builds them from the same shared model, and a client generator must see one `Problem` type,
not `Problem` and `listings_Problem`. Components no path refers to any more (FastAPI's
`HTTPValidationError`, once its 422 is a problem document) are pruned at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Doc = dict[str, Any]
REF_PREFIX = "#/components/"


def walk_refs(node: Any, rewrite: Callable[[str], str]) -> Any:
    """A copy of `node` with every `$ref` string passed through `rewrite`."""
    if isinstance(node, dict):
        return {
            k: rewrite(v) if k == "$ref" and isinstance(v, str) else walk_refs(v, rewrite)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [walk_refs(item, rewrite) for item in node]
    return node


def _renamer(renames: Mapping[tuple[str, str], str]) -> Callable[[str], str]:
    def rewrite(ref: str) -> str:
        if not ref.startswith(REF_PREFIX):
            return ref
        section, _, name = ref[len(REF_PREFIX) :].partition("/")
        return f"{REF_PREFIX}{section}/{renames.get((section, name), name)}"

    return rewrite


def _clashes(merged: Doc, incoming: Doc, service: str) -> dict[tuple[str, str], str]:
    """Renames for incoming components that differ from same-named merged ones (fixed point)."""
    renames: dict[tuple[str, str], str] = {}
    while True:
        rewrite = _renamer(renames)
        found = False
        for section, items in incoming.items():
            for name, definition in items.items():
                key = (section, name)
                existing = merged.get(section, {}).get(name)
                if key in renames or existing is None:
                    continue
                if existing != walk_refs(definition, rewrite):
                    renames[key] = f"{service}_{name}"
                    found = True
        if not found:
            return renames


def merge_service(
    merged: Doc,
    service_doc: Doc,
    service: str,
    owns: Callable[[str], bool],
    shared_schemas: frozenset[str] = frozenset(),
) -> None:
    """Add the paths `owns` accepts and the components they may use from one service.

    `shared_schemas` are the gateway's own definitions for every service: a service's copy of
    them is dropped and its references point at the gateway's.
    """
    components: Doc = {}
    for section, items in service_doc.get("components", {}).items():
        if section == "securitySchemes":
            continue
        drop = shared_schemas if section == "schemas" else frozenset()
        components[section] = {k: v for k, v in items.items() if k not in drop}
    target = merged.setdefault("components", {})
    renames = _clashes(target, components, service)
    rewrite = _renamer(renames)
    for section, items in components.items():
        into = target.setdefault(section, {})
        for name, definition in items.items():
            into[renames.get((section, name), name)] = walk_refs(definition, rewrite)
    for path, item in service_doc.get("paths", {}).items():
        if owns(path):
            merged.setdefault("paths", {})[path] = walk_refs(item, rewrite)


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref[len(REF_PREFIX) :])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)


def prune_components(doc: Doc) -> None:
    """Drop the schemas, responses… that nothing reachable from the paths refers to.

    Security schemes stay: operations name them in `security`, not by `$ref`.
    """
    components: Doc = doc.get("components", {})
    reachable: set[str] = set()
    _refs(doc.get("paths", {}), reachable)
    frontier = set(reachable)
    while frontier:
        found: set[str] = set()
        for key in frontier:
            section, _, name = key.partition("/")
            _refs(components.get(section, {}).get(name), found)
        frontier = found - reachable
        reachable |= frontier
    for section, items in components.items():
        if section == "securitySchemes":
            continue
        for name in [n for n in items if f"{section}/{n}" not in reachable]:
            del items[name]
