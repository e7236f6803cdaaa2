from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.refresh_in import RefreshIn
from ...models.token_out import TokenOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: RefreshIn,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/refresh",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TokenOut | None:
    if response.status_code == 200:
        response_200 = TokenOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TokenOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshIn,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | TokenOut]:
    """Rotate a refresh token

     Exchange a refresh token for a new pair; the old one stops working.

    Presenting an already rotated token revokes its whole family (a sign it leaked).

    Args:
        x_request_id (str | Unset):
        body (RefreshIn): A refresh token to rotate or revoke. Example: {'refresh_token':
            'nsr_Q2hhbmdlIG1lIGJlZm9yZSB1c2luZw'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TokenOut]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshIn,
    x_request_id: str | Unset = UNSET,
) -> Problem | TokenOut | None:
    """Rotate a refresh token

     Exchange a refresh token for a new pair; the old one stops working.

    Presenting an already rotated token revokes its whole family (a sign it leaked).

    Args:
        x_request_id (str | Unset):
        body (RefreshIn): A refresh token to rotate or revoke. Example: {'refresh_token':
            'nsr_Q2hhbmdlIG1lIGJlZm9yZSB1c2luZw'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TokenOut
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshIn,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | TokenOut]:
    """Rotate a refresh token

     Exchange a refresh token for a new pair; the old one stops working.

    Presenting an already rotated token revokes its whole family (a sign it leaked).

    Args:
        x_request_id (str | Unset):
        body (RefreshIn): A refresh token to rotate or revoke. Example: {'refresh_token':
            'nsr_Q2hhbmdlIG1lIGJlZm9yZSB1c2luZw'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TokenOut]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshIn,
    x_request_id: str | Unset = UNSET,
) -> Problem | TokenOut | None:
    """Rotate a refresh token

     Exchange a refresh token for a new pair; the old one stops working.

    Presenting an already rotated token revokes its whole family (a sign it leaked).

    Args:
        x_request_id (str | Unset):
        body (RefreshIn): A refresh token to rotate or revoke. Example: {'refresh_token':
            'nsr_Q2hhbmdlIG1lIGJlZm9yZSB1c2luZw'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TokenOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
