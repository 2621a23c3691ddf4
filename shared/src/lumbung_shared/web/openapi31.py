"""Keep a generated OpenAPI document valid 3.1 where FastAPI writes a 3.2 keyword.

FastAPI (0.165) describes Server-Sent Events and JSON Lines routes with 3.2's `itemSchema`,
which a 3.1 validator and today's generators refuse. Each service's own document and the
gateway's merged one pass through here, so both validate.
"""

from __future__ import annotations

from typing import Any


def as_openapi_3_1(doc: dict[str, Any]) -> None:
    """Describe streams as text, as 3.1 can, keeping the item schema as `x-itemSchema`."""
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    if "itemSchema" in media:
                        media["x-itemSchema"] = media.pop("itemSchema")
                        media.setdefault("schema", {"type": "string"})
