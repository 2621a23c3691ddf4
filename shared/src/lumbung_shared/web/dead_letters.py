"""`/v1/admin/dead-letters`: what this service's consumers gave up on, and replaying one.

Mounted by `create_service_app` in every service, admins only. The gateway proxies
`/v1/admin/dead-letters/{service}[/{id}[/replay]]` to exactly these paths.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from lumbung_shared.cursors import InvalidCursorError, decode_cursor, encode_cursor
from lumbung_shared.dead_letters import DeadLetter, DeadLetters, ReplayDeadLetter, not_found
from lumbung_shared.identity import Identity, Role
from lumbung_shared.web.identity import require_roles
from lumbung_shared.web.state import from_state

router = APIRouter(prefix="/v1/admin/dead-letters", tags=["admin"])

MAX_PAGE = 100
LETTERS_STATE = "dead_letters"
REPLAY_STATE = "replay_dead_letter"

Admin = Annotated[Identity, require_roles(Role.ADMIN)]
Letters = Annotated[DeadLetters, Depends(from_state(LETTERS_STATE, DeadLetters))]
Replay = Annotated[ReplayDeadLetter, Depends(from_state(REPLAY_STATE, ReplayDeadLetter))]
LetterId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
ConsumerGroup = Annotated[str | None, Query(pattern=r"^[a-z0-9_.-]{1,120}$")]


class SourcePosition(BaseModel):
    """Where the record was read from."""

    topic: str
    partition: int
    offset: int


class DeadLetterView(BaseModel):
    """A dead letter as the admin sees it; the body as text when it is UTF-8, always as base64."""

    id: str
    consumer_group: str
    source: SourcePosition
    key: str | None
    headers: dict[str, str]
    body: str | None = Field(description="The original body as UTF-8 text, when it is text")
    body_base64: str
    reason: str
    failed_at: datetime
    replayed_at: datetime | None
    replayed_from: str | None = Field(description="The dead letter this record replayed")


class DeadLetterPage(BaseModel):
    items: list[DeadLetterView]
    next_cursor: str | None


def _text(raw: bytes) -> str | None:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return None


def view(letter: DeadLetter) -> DeadLetterView:
    return DeadLetterView(
        id=letter.id,
        consumer_group=letter.consumer_group,
        source=SourcePosition(
            topic=letter.source_topic,
            partition=letter.source_partition,
            offset=letter.source_offset,
        ),
        key=letter.key.decode(errors="replace") if letter.key is not None else None,
        headers=dict(letter.headers),
        body=_text(letter.body),
        body_base64=base64.b64encode(letter.body).decode(),
        reason=letter.reason,
        failed_at=letter.failed_at,
        replayed_at=letter.replayed_at,
        replayed_from=letter.replayed_from,
    )


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    key = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(key["t"]), str(key["i"])
    except (KeyError, TypeError, ValueError):
        raise InvalidCursorError from None


@router.get("", response_model=DeadLetterPage)
async def list_dead_letters(
    _admin: Admin,
    letters: Letters,
    consumer_group: ConsumerGroup = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> DeadLetterPage:
    """Dead letters of this service, newest first (filter by consumer group)."""
    found = await letters.page(consumer_group=consumer_group, after=_after(cursor), limit=limit + 1)
    items = found[:limit]
    next_cursor = None
    if len(found) > limit:
        last = items[-1]
        next_cursor = encode_cursor({"t": last.failed_at.isoformat(), "i": last.id})
    return DeadLetterPage(items=[view(letter) for letter in items], next_cursor=next_cursor)


@router.get("/{letter_id}", response_model=DeadLetterView)
async def get_dead_letter(letter_id: LetterId, _admin: Admin, letters: Letters) -> DeadLetterView:
    """One dead letter, with its original body and headers."""
    letter = await letters.find(letter_id)
    if letter is None:
        raise not_found()
    return view(letter)


@router.post("/{letter_id}/replay", response_model=DeadLetterView)
async def replay_dead_letter(letter_id: LetterId, _admin: Admin, replay: Replay) -> DeadLetterView:
    """Publish the original record again to its source topic, once (a second replay is 409)."""
    return view(await replay(letter_id))
