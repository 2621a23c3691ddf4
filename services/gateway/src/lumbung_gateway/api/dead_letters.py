"""Admin routes to the dead letters of each service, by the service's name.

Every service keeps its own dead letters (records its consumers gave up on, with the reason)
behind `/v1/admin/dead-letters` on its own port; the gateway puts the service's name in the
public path, checks the caller is an admin, and passes the request on signed with the admin's
identity like every other route (the service checks the role again). Parameters are bounded
here and re-encoded, never copied raw, so nothing but the three routes can be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from lumbung_shared.identity import Identity
from lumbung_shared.web.dead_letters import (
    ConsumerGroup,
    DeadLetterPage,
    DeadLetterView,
    LetterId,
)
from lumbung_shared.web.responses import problem_responses

from lumbung_gateway.api.auth import Admin
from lumbung_gateway.api.bodies import BodyLimits
from lumbung_gateway.api.deps import EdgeDep
from lumbung_gateway.api.forwarding import Target, pass_on
from lumbung_gateway.api.upstreams import Upstream
from lumbung_gateway.domain.upstreams import SERVICES, known_service
from lumbung_gateway.metrics import GatewayMetrics

router = APIRouter(prefix="/v1/admin/dead-letters", tags=["admin"])

UPSTREAM_PATH = "/v1/admin/dead-letters"
MAX_PAGE = 100

ServiceName = Annotated[str, Path(max_length=32, json_schema_extra={"enum": list(SERVICES)})]
ANSWERS = (404, 422, 503)
"""404 for an unknown service or letter, 503 when the service is away; the rest its own."""


Params = dict[str, str | int | None]


@dataclass(frozen=True)
class _Door:
    """An admin's request on its way to one service's dead letters."""

    request: Request
    admin: Identity
    upstream: Upstream
    limits: BodyLimits
    metrics: GatewayMetrics

    async def pass_on(
        self, path: str, query: dict[str, str | int | None] | None = None
    ) -> Response:
        """Send to `path` on the service, the parameters encoded afresh (absent ones left out)."""
        params: dict[str, str | int] = {k: v for k, v in (query or {}).items() if v is not None}
        target = Target.with_query(path, params)
        return await pass_on(
            self.request,
            self.upstream,
            self.admin,
            target,
            limits=self.limits,
            metrics=self.metrics,
        )


async def _door(
    service: ServiceName,
    request: Request,
    *,
    admin: Admin,
    edge: EdgeDep,
) -> _Door:
    """The named service (404 if unknown)."""
    name = known_service(service)
    return _Door(request, admin, edge.upstreams[name], edge.body_limits, edge.metrics)


Door = Annotated[_Door, Depends(_door)]


@router.get("/{service}", response_model=DeadLetterPage, responses=problem_responses(*ANSWERS))
async def list_dead_letters(
    door: Door,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
    consumer_group: ConsumerGroup = None,
) -> Response:
    """A page of a service's dead letters (admin only)."""
    query = {"cursor": cursor, "limit": limit, "consumer_group": consumer_group}
    return await door.pass_on(UPSTREAM_PATH, query)


@router.get(
    "/{service}/{dead_letter_id}",
    response_model=DeadLetterView,
    responses=problem_responses(*ANSWERS),
)
async def get_dead_letter(dead_letter_id: LetterId, door: Door) -> Response:
    """One dead letter of a service: the record, where it came from and why it failed."""
    return await door.pass_on(f"{UPSTREAM_PATH}/{dead_letter_id}")


@router.post(
    "/{service}/{dead_letter_id}/replay",
    response_model=DeadLetterView,
    responses=problem_responses(409, *ANSWERS),
)
async def replay_dead_letter(dead_letter_id: LetterId, door: Door) -> Response:
    """Send a dead letter back to its topic once; its consumer handles it idempotently."""
    return await door.pass_on(f"{UPSTREAM_PATH}/{dead_letter_id}/replay")
