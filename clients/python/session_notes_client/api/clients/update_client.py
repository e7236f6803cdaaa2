from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.client_clinical_out import ClientClinicalOut
from ...models.client_out import ClientOut
from ...models.client_update import ClientUpdate
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    body: ClientUpdate,
    if_match: str,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    if not isinstance(x_purpose_of_use, Unset):
        headers["X-Purpose-Of-Use"] = str(x_purpose_of_use)

    if not isinstance(x_break_glass_reason, Unset):
        headers["X-Break-Glass-Reason"] = x_break_glass_reason

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/clients/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClientClinicalOut | ClientOut | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> ClientClinicalOut | ClientOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = ClientClinicalOut.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = ClientOut.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

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
) -> Response[ClientClinicalOut | ClientOut | Problem]:
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
    body: ClientUpdate,
    if_match: str,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[ClientClinicalOut | ClientOut | Problem]:
    """Change or archive a client

     Change demographics or status (archive instead of delete); needs If-Match.

    The answer is the changed record: an API key needs `clients:read` besides `clients:write`.

    Args:
        id (UUID):
        if_match (str): The client's ETag (required).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ClientUpdate): Changes to a client; omitted fields stay, `null` clears, `status:
            archived` archives. Example: {'phone': '+1 555 0199', 'status': 'discharged'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientClinicalOut | ClientOut | Problem]
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
    body: ClientUpdate,
    if_match: str,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> ClientClinicalOut | ClientOut | Problem | None:
    """Change or archive a client

     Change demographics or status (archive instead of delete); needs If-Match.

    The answer is the changed record: an API key needs `clients:read` besides `clients:write`.

    Args:
        id (UUID):
        if_match (str): The client's ETag (required).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ClientUpdate): Changes to a client; omitted fields stay, `null` clears, `status:
            archived` archives. Example: {'phone': '+1 555 0199', 'status': 'discharged'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientClinicalOut | ClientOut | Problem
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
    body: ClientUpdate,
    if_match: str,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[ClientClinicalOut | ClientOut | Problem]:
    """Change or archive a client

     Change demographics or status (archive instead of delete); needs If-Match.

    The answer is the changed record: an API key needs `clients:read` besides `clients:write`.

    Args:
        id (UUID):
        if_match (str): The client's ETag (required).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ClientUpdate): Changes to a client; omitted fields stay, `null` clears, `status:
            archived` archives. Example: {'phone': '+1 555 0199', 'status': 'discharged'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientClinicalOut | ClientOut | Problem]
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
    body: ClientUpdate,
    if_match: str,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> ClientClinicalOut | ClientOut | Problem | None:
    """Change or archive a client

     Change demographics or status (archive instead of delete); needs If-Match.

    The answer is the changed record: an API key needs `clients:read` besides `clients:write`.

    Args:
        id (UUID):
        if_match (str): The client's ETag (required).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ClientUpdate): Changes to a client; omitted fields stay, `null` clears, `status:
            archived` archives. Example: {'phone': '+1 555 0199', 'status': 'discharged'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientClinicalOut | ClientOut | Problem
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
