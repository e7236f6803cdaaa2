from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...models.webhook_endpoint_out import WebhookEndpointOut
from ...models.webhook_endpoint_update import WebhookEndpointUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    body: WebhookEndpointUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    if not isinstance(x_purpose_of_use, Unset):
        headers["X-Purpose-Of-Use"] = str(x_purpose_of_use)

    if not isinstance(x_break_glass_reason, Unset):
        headers["X-Break-Glass-Reason"] = x_break_glass_reason

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/webhook-endpoints/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookEndpointOut | None:
    if response.status_code == 200:
        response_200 = WebhookEndpointOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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
) -> Response[Problem | WebhookEndpointOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | WebhookEndpointOut]:
    """Change a webhook endpoint

     Change the URL, event types or description; `enabled: true` re-enables it.

    If-Match is honoured if sent (412 when stale). Only a caller that may read every event
    type the endpoint delivers changes it (403 otherwise), as for the secret, the test ping,
    the delivery log and retries: none of them hands an endpoint's deliveries to a manager
    that could not subscribe to them itself.

    Args:
        id (UUID):
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointUpdate): Fields to change; `enabled: true` re-enables an endpoint
            that was disabled. Example: {'enabled': True, 'event_types': ['session.*']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointOut]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | WebhookEndpointOut | None:
    """Change a webhook endpoint

     Change the URL, event types or description; `enabled: true` re-enables it.

    If-Match is honoured if sent (412 when stale). Only a caller that may read every event
    type the endpoint delivers changes it (403 otherwise), as for the secret, the test ping,
    the delivery log and retries: none of them hands an endpoint's deliveries to a manager
    that could not subscribe to them itself.

    Args:
        id (UUID):
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointUpdate): Fields to change; `enabled: true` re-enables an endpoint
            that was disabled. Example: {'enabled': True, 'event_types': ['session.*']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointOut
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | WebhookEndpointOut]:
    """Change a webhook endpoint

     Change the URL, event types or description; `enabled: true` re-enables it.

    If-Match is honoured if sent (412 when stale). Only a caller that may read every event
    type the endpoint delivers changes it (403 otherwise), as for the secret, the test ping,
    the delivery log and retries: none of them hands an endpoint's deliveries to a manager
    that could not subscribe to them itself.

    Args:
        id (UUID):
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointUpdate): Fields to change; `enabled: true` re-enables an endpoint
            that was disabled. Example: {'enabled': True, 'event_types': ['session.*']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointOut]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | WebhookEndpointOut | None:
    """Change a webhook endpoint

     Change the URL, event types or description; `enabled: true` re-enables it.

    If-Match is honoured if sent (412 when stale). Only a caller that may read every event
    type the endpoint delivers changes it (403 otherwise), as for the secret, the test ping,
    the delivery log and retries: none of them hands an endpoint's deliveries to a manager
    that could not subscribe to them itself.

    Args:
        id (UUID):
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (WebhookEndpointUpdate): Fields to change; `enabled: true` re-enables an endpoint
            that was disabled. Example: {'enabled': True, 'event_types': ['session.*']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointOut
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            if_match=if_match,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
            x_break_glass_reason=x_break_glass_reason,
        )
    ).parsed
