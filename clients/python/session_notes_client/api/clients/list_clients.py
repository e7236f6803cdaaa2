import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.client_order import ClientOrder
from ...models.client_page import ClientPage
from ...models.client_status import ClientStatus
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ClientStatus | None | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    external_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: ClientOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    if not isinstance(x_purpose_of_use, Unset):
        headers["X-Purpose-Of-Use"] = str(x_purpose_of_use)

    if not isinstance(x_break_glass_reason, Unset):
        headers["X-Break-Glass-Reason"] = x_break_glass_reason

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ClientStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_therapist_id: None | str | Unset
    if isinstance(therapist_id, Unset):
        json_therapist_id = UNSET
    elif isinstance(therapist_id, UUID):
        json_therapist_id = str(therapist_id)
    else:
        json_therapist_id = therapist_id
    params["therapist_id"] = json_therapist_id

    json_external_id: None | str | Unset
    if isinstance(external_id, Unset):
        json_external_id = UNSET
    else:
        json_external_id = external_id
    params["external_id"] = json_external_id

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_updated_since: None | str | Unset
    if isinstance(updated_since, Unset):
        json_updated_since = UNSET
    elif isinstance(updated_since, datetime.datetime):
        json_updated_since = updated_since.isoformat()
    else:
        json_updated_since = updated_since
    params["updated_since"] = json_updated_since

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/clients",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ClientPage | Problem | None:
    if response.status_code == 200:
        response_200 = ClientPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[ClientPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ClientStatus | None | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    external_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: ClientOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[ClientPage | Problem]:
    """List clients

     Clients in the caller's caseload (whole practice for admins and API keys), oldest first.

    Args:
        status (ClientStatus | None | Unset): Only this status.
        therapist_id (None | Unset | UUID): Primary therapist or care-team member.
        external_id (None | str | Unset): The integration's own id.
        q (None | str | Unset): Part of a name.
        updated_since (datetime.datetime | None | Unset): Only clients changed at or after this
            instant (RFC 3339, offset).
        order (ClientOrder | Unset):
        limit (int | Unset): Page size (max 200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`, for the same list only:
            same path, filters and order, same user or API key (400 when this service did not issue it
            for this list and caller).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientPage | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        therapist_id=therapist_id,
        external_id=external_id,
        q=q,
        updated_since=updated_since,
        order=order,
        limit=limit,
        cursor=cursor,
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
    status: ClientStatus | None | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    external_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: ClientOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> ClientPage | Problem | None:
    """List clients

     Clients in the caller's caseload (whole practice for admins and API keys), oldest first.

    Args:
        status (ClientStatus | None | Unset): Only this status.
        therapist_id (None | Unset | UUID): Primary therapist or care-team member.
        external_id (None | str | Unset): The integration's own id.
        q (None | str | Unset): Part of a name.
        updated_since (datetime.datetime | None | Unset): Only clients changed at or after this
            instant (RFC 3339, offset).
        order (ClientOrder | Unset):
        limit (int | Unset): Page size (max 200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`, for the same list only:
            same path, filters and order, same user or API key (400 when this service did not issue it
            for this list and caller).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientPage | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        therapist_id=therapist_id,
        external_id=external_id,
        q=q,
        updated_since=updated_since,
        order=order,
        limit=limit,
        cursor=cursor,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ClientStatus | None | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    external_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: ClientOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[ClientPage | Problem]:
    """List clients

     Clients in the caller's caseload (whole practice for admins and API keys), oldest first.

    Args:
        status (ClientStatus | None | Unset): Only this status.
        therapist_id (None | Unset | UUID): Primary therapist or care-team member.
        external_id (None | str | Unset): The integration's own id.
        q (None | str | Unset): Part of a name.
        updated_since (datetime.datetime | None | Unset): Only clients changed at or after this
            instant (RFC 3339, offset).
        order (ClientOrder | Unset):
        limit (int | Unset): Page size (max 200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`, for the same list only:
            same path, filters and order, same user or API key (400 when this service did not issue it
            for this list and caller).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientPage | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        therapist_id=therapist_id,
        external_id=external_id,
        q=q,
        updated_since=updated_since,
        order=order,
        limit=limit,
        cursor=cursor,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ClientStatus | None | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    external_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: ClientOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> ClientPage | Problem | None:
    """List clients

     Clients in the caller's caseload (whole practice for admins and API keys), oldest first.

    Args:
        status (ClientStatus | None | Unset): Only this status.
        therapist_id (None | Unset | UUID): Primary therapist or care-team member.
        external_id (None | str | Unset): The integration's own id.
        q (None | str | Unset): Part of a name.
        updated_since (datetime.datetime | None | Unset): Only clients changed at or after this
            instant (RFC 3339, offset).
        order (ClientOrder | Unset):
        limit (int | Unset): Page size (max 200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`, for the same list only:
            same path, filters and order, same user or API key (400 when this service did not issue it
            for this list and caller).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            therapist_id=therapist_id,
            external_id=external_id,
            q=q,
            updated_since=updated_since,
            order=order,
            limit=limit,
            cursor=cursor,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
            x_break_glass_reason=x_break_glass_reason,
        )
    ).parsed
