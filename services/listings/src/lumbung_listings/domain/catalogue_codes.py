"""Catalogue codes as named enum components of the contract (`RegionCode`, `CommodityCode`).

A body field and a query filter taking a region name the same set of ~800 codes; declaring it
once as a component (rather than a pattern, or the enum inlined at every use) lets a generated
client offer one type and a fuzzer know which well-formed codes exist. Validation stays the
catalogue's own check, so an unknown code is one bilingual `FieldError` in the 422 and not
pydantic's enum error listing every member.

Pydantic has no public way to name the schema of an `Annotated[str, ...]`; a core schema with
a `ref` is what it turns into a `$defs` entry (and FastAPI into `components/schemas`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema


@dataclass(frozen=True)
class CatalogueCode:
    """`Annotated[str, CatalogueCode(...)]`: a code checked by `check`, documented as `name`."""

    name: str
    codes: Callable[[], list[str]]  # read when the document is built, not at import
    check: Callable[[str], str]  # the catalogue's validator: the code, or a `FieldError`
    description: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """A string checked against the catalogue, its JSON schema the catalogue's enum."""
        return core_schema.no_info_after_validator_function(
            self.check,
            core_schema.str_schema(),
            ref=self.name,
            metadata={"pydantic_js_functions": [self._json_schema]},
        )

    def _json_schema(self, _schema: CoreSchema, _handler: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": self.codes(),
            "title": self.name,
            "description": self.description,
        }
