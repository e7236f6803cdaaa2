"""Webhook endpoints and their delivery log: admins and `webhooks:manage` keys."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response

from app.audit.context import AuditContext, audit_context, audited
from app.errors import problem_responses
from app.etag import OptionalIfMatch, optional_match, set_etag
from app.feed.types import readable_types
from app.idempotency import idempotency
from app.json_body import api_router
from app.openapi import created_resource
from app.pagination import Page, PageParams, created_key
from app.security.caller import Caller, CallerDep, require_roles
from app.state import SessionDep, app_state
from app.webhooks import service
from app.webhooks.schemas import (
    SecretRotated,
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
)

router = api_router(tags=["webhooks"])
PageDep = Annotated[PageParams, Depends()]


def _manager(caller: Caller) -> Caller:
    require_roles(caller, "admin", scope="webhooks:manage")
    return caller


async def _manager_first(caller: CallerDep) -> None:
    """The role before an idempotent replay, which never reaches the route's own check."""
    _manager(caller)


ManagerFirst = Depends(_manager_first)


@router.get(
    "/v1/webhook-endpoints",
    summary="List webhook endpoints",
    response_model=Page[WebhookEndpointOut],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("webhook_endpoint.list", "webhook_endpoint")],
)
async def list_webhook_endpoints(
    session: SessionDep, caller: CallerDep, page: PageDep
) -> Page[WebhookEndpointOut]:
    """The practice's webhook endpoints, oldest first."""
    rows = await service.list_endpoints(session, _manager(caller), page)
    return Page(
        items=[WebhookEndpointOut.model_validate(r) for r in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.post(
    "/v1/webhook-endpoints",
    summary="Create a webhook endpoint",
    status_code=201,
    response_model=WebhookEndpointCreated,
    responses=problem_responses(401, 403, 409, 413, 422)
    | created_resource("/v1/webhook-endpoints/{id}"),
    dependencies=[
        audited("webhook_endpoint.create", "webhook_endpoint"),
        ManagerFirst,
        Depends(idempotency),
    ],
)
async def create_webhook_endpoint(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: WebhookEndpointCreate,
) -> WebhookEndpointCreated:
    """Subscribe a URL to event types it may read; the `secret` is shown only here.

    Events from now on are delivered, signed per Standard Webhooks. In production the URL
    must be https and may not resolve to a loopback, private, link-local or metadata address.
    """
    _manager(caller)
    state = app_state(request)
    types = service.event_types(body.event_types, readable_types(caller))
    url = await service.check_url(body.url, state.settings)
    endpoint, secret = await service.create_endpoint(
        session=session,
        ring=state.secrets.key_ring,
        practice_id=caller.practice_id,
        url=url,
        types=types,
        description=body.description,
        owner_key_id=caller.id if caller.kind == "api_key" else None,
    )
    ctx = audit_context(request)
    ctx.target("webhook_endpoint", endpoint.id)
    response.headers["Location"] = f"/v1/webhook-endpoints/{endpoint.id}"
    set_etag(response, endpoint.id, endpoint.version)
    created = WebhookEndpointCreated(
        **WebhookEndpointOut.model_validate(endpoint).model_dump(), secret=secret
    )
    return _shown_once(ctx, created)


@router.get(
    "/v1/webhook-endpoints/{id}",
    summary="Get a webhook endpoint",
    response_model=WebhookEndpointOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("webhook_endpoint.read", "webhook_endpoint")],
)
async def get_webhook_endpoint(
    id: uuid.UUID, response: Response, session: SessionDep, caller: CallerDep
) -> WebhookEndpointOut:
    """One endpoint, without its secret."""
    endpoint = await service.get_endpoint(session, _manager(caller), id)
    set_etag(response, endpoint.id, endpoint.version)
    return WebhookEndpointOut.model_validate(endpoint)


@router.patch(
    "/v1/webhook-endpoints/{id}",
    summary="Change a webhook endpoint",
    response_model=WebhookEndpointOut,
    responses=problem_responses(401, 403, 404, 412, 413, 422),
    dependencies=[audited("webhook_endpoint.update", "webhook_endpoint")],
)
async def update_webhook_endpoint(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: WebhookEndpointUpdate,
    if_match: OptionalIfMatch = None,
) -> WebhookEndpointOut:
    """Change the URL, event types or description; `enabled: true` re-enables it.

    If-Match is honoured if sent (412 when stale). Only a caller that may read every event
    type the endpoint delivers changes it (403 otherwise), as for the secret, the test ping,
    the delivery log and retries: none of them hands an endpoint's deliveries to a manager
    that could not subscribe to them itself.
    """
    endpoint = await service.get_endpoint(session, _manager(caller), id)
    service.require_readable(caller, endpoint.event_types)
    expected = optional_match(if_match, endpoint.id, endpoint.version)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("event_types") is not None:
        changes["event_types"] = service.event_types(changes["event_types"], readable_types(caller))
    if changes.get("url") is not None:
        changes["url"] = await service.check_url(changes["url"], app_state(request).settings)
    endpoint = await service.update_endpoint(
        session=session,
        endpoint=endpoint,
        changes=changes,
        expected_version=expected,
        caller=caller,
    )
    set_etag(response, endpoint.id, endpoint.version)
    return WebhookEndpointOut.model_validate(endpoint)


@router.delete(
    "/v1/webhook-endpoints/{id}",
    summary="Delete a webhook endpoint",
    status_code=204,
    responses=problem_responses(401, 403, 404, 412, 422),
    dependencies=[audited("webhook_endpoint.delete", "webhook_endpoint")],
)
async def delete_webhook_endpoint(
    id: uuid.UUID, session: SessionDep, caller: CallerDep, if_match: OptionalIfMatch = None
) -> None:
    """Stop delivering to an endpoint and drop its delivery log; If-Match honoured if sent."""
    endpoint = await service.get_endpoint(session, _manager(caller), id)
    expected = optional_match(if_match, endpoint.id, endpoint.version)
    await service.delete_endpoint(session, endpoint, expected)


@router.post(
    "/v1/webhook-endpoints/{id}/rotate-secret",
    summary="Rotate a webhook endpoint's secret",
    response_model=SecretRotated,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    dependencies=[
        audited("webhook_endpoint.rotate_secret", "webhook_endpoint"),
        ManagerFirst,
        Depends(idempotency),
    ],
)
async def rotate_webhook_secret(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    if_match: OptionalIfMatch = None,
) -> SecretRotated:
    """A new secret, shown once; the old one also signs during the grace period (24 h).

    403 unless the caller may read every event type the endpoint delivers. If-Match is
    honoured if sent (412 when stale).
    """
    endpoint = await service.get_endpoint(session, _manager(caller), id)
    service.require_readable(caller, endpoint.event_types)
    expected = optional_match(if_match, endpoint.id, endpoint.version)
    state = app_state(request)
    grace = timedelta(hours=state.settings.webhook_secret_grace_hours)
    secret = await service.rotate_secret(session, state.secrets.key_ring, endpoint, grace, expected)
    assert endpoint.previous_secret_expires_at is not None  # noqa: S101 - set just now
    rotated = SecretRotated(
        secret=secret, previous_secret_expires_at=endpoint.previous_secret_expires_at
    )
    return _shown_once(audit_context(request), rotated)


@router.post(
    "/v1/webhook-endpoints/{id}/test",
    summary="Send a test ping",
    status_code=202,
    response_model=WebhookDeliveryOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[
        audited("webhook_endpoint.test", "webhook_endpoint"),
        ManagerFirst,
        Depends(idempotency),
    ],
)
async def test_webhook_endpoint(
    id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> WebhookDeliveryOut:
    """Queue a signed `webhook.test` message; its attempts show in the delivery log.

    403 unless the caller may read every event type the endpoint delivers.
    """
    endpoint = await service.get_endpoint(session, _manager(caller), id)
    service.require_readable(caller, endpoint.event_types)
    delivery = await service.queue_test(session, caller, endpoint)
    return (await service.delivery_views(session, [delivery]))[0]


@router.get(
    "/v1/webhook-endpoints/{id}/deliveries",
    summary="List an endpoint's deliveries",
    response_model=Page[WebhookDeliveryOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("webhook_delivery.list", "webhook_endpoint")],
)
async def list_webhook_deliveries(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep, page: PageDep
) -> Page[WebhookDeliveryOut]:
    """Every message owed to the endpoint in feed order, each with every attempt made.

    403 unless the caller may read every event type the endpoint delivers.
    """
    endpoint = await service.get_endpoint(session, _manager(caller), id)
    service.require_readable(caller, endpoint.event_types)
    rows = await service.list_deliveries(session, caller, endpoint, page)
    # Each listed message is a client's event (its id is the feed's): the read names them.
    audit_context(request).add_clients(*(service.delivery_client(d) for d in rows[: page.limit]))
    return Page(
        items=await service.delivery_views(session, rows[: page.limit]),
        next_cursor=page.next_cursor(rows, service.delivery_key),
    )


@router.post(
    "/v1/webhook-deliveries/{id}/retry",
    summary="Retry a delivery",
    status_code=202,
    response_model=WebhookDeliveryOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[
        audited("webhook_delivery.retry", "webhook_delivery"),
        ManagerFirst,
        Depends(idempotency),
    ],
)
async def retry_webhook_delivery(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> WebhookDeliveryOut:
    """Send a delivery again as soon as its endpoint's earlier messages are through.

    403 unless the caller may read the delivery's event type.
    """
    delivery = await service.get_delivery(session, _manager(caller), id)
    # The message names its client to an outside receiver: the retry aims at that client.
    audit_context(request).add_clients(service.delivery_client(delivery))
    service.require_readable(caller, delivery.event_type)
    # As for its log: a manager who may not read all the endpoint delivers may not drive it.
    endpoint = await service.get_endpoint(session, _manager(caller), delivery.endpoint_id)
    service.require_readable(caller, endpoint.event_types)
    delivery = await service.retry(session, delivery)
    return (await service.delivery_views(session, [delivery]))[0]


_Secret = TypeVar("_Secret", WebhookEndpointCreated, SecretRotated)


def _shown_once(ctx: AuditContext, answer: _Secret) -> _Secret:
    """The answer; its idempotent replay has no secret, which is never stored (SPEC §9)."""
    ctx.replay_body = answer.model_copy(update={"secret": None}).model_dump_json().encode()
    return answer
