"""Text the other party reads (a reason, an address, a note), named in the contract.

`lumbung_shared.text.SafeText` refuses control, bidi-override and invisible characters (Unicode
categories Cc, Cf, Cs, Co, Cn; newlines and tabs kept): a rule too large for a JSON Schema
`pattern`, so the document names it as the string format `safe-text` and says what it means.
"""

from __future__ import annotations

from typing import Annotated, Final

from lumbung_shared.text import SafeText
from pydantic import Field

SAFE_TEXT_FORMAT: Final = "safe-text"

ReadableText = Annotated[
    SafeText,
    Field(
        description="No control, bidi-override or invisible characters.",
        json_schema_extra={"format": SAFE_TEXT_FORMAT},
    ),
]
