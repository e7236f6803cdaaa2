from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...models.webhook_endpoint_create import WebhookEndpointCreate
from ...models.webhook_endpoint_created import WebhookEndpointCreated
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: WebhookEndpointCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    if not isinstance(x_purpose_of_use, Unset):
        headers["X-Purpose-Of-Use"] = str(x_purpose_of_use)

    if not isinstance(x_break_glass_reason, Unset):
        headers["X-Break-Glass-Reason"] = x_break_glass_reason

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook-endpoints",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookEndpointCreated | None:
    if response.status_code == 201:
        response_201 = WebhookEndpointCreated.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | WebhookEndpointCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | WebhookEndpointCreated]:
    """Create a webhook endpoint

     Subscribe a URL to event types it may read; the `secret` is shown only here.

    Events from now on are delivered, signed per Standard Webhooks. In production the URL
    must be https and may not resolve to a loopback, private, link-local or metadata address.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointCreate): A receiver URL and the event types it wants. Example:
            {'url': 'https://scheduler.example.com/hooks/notes', 'event_types': ['session.created',
            'session.updated'], 'description': 'Scheduling system'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | WebhookEndpointCreated | None:
    """Create a webhook endpoint

     Subscribe a URL to event types it may read; the `secret` is shown only here.

    Events from now on are delivered, signed per Standard Webhooks. In production the URL
    must be https and may not resolve to a loopback, private, link-local or metadata address.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointCreate): A receiver URL and the event types it wants. Example:
            {'url': 'https://scheduler.example.com/hooks/notes', 'event_types': ['session.created',
            'session.updated'], 'description': 'Scheduling system'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointCreated
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | WebhookEndpointCreated]:
    """Create a webhook endpoint

     Subscribe a URL to event types it may read; the `secret` is shown only here.

    Events from now on are delivered, signed per Standard Webhooks. In production the URL
    must be https and may not resolve to a loopback, private, link-local or metadata address.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointCreate): A receiver URL and the event types it wants. Example:
            {'url': 'https://scheduler.example.com/hooks/notes', 'event_types': ['session.created',
            'session.updated'], 'description': 'Scheduling system'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | WebhookEndpointCreated | None:
    """Create a webhook endpoint

     Subscribe a URL to event types it may read; the `secret` is shown only here.

    Events from now on are delivered, signed per Standard Webhooks. In production the URL
    must be https and may not resolve to a loopback, private, link-local or metadata address.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointCreate): A receiver URL and the event types it wants. Example:
            {'url': 'https://scheduler.example.com/hooks/notes', 'event_types': ['session.created',
            'session.updated'], 'description': 'Scheduling system'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
            x_break_glass_reason=x_break_glass_reason,
        )
    ).parsed
