from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.me_out import MeOut
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    if not isinstance(x_purpose_of_use, Unset):
        headers["X-Purpose-Of-Use"] = str(x_purpose_of_use)

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/me",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MeOut | Problem | None:
    if response.status_code == 200:
        response_200 = MeOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MeOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
) -> Response[MeOut | Problem]:
    """Who am I

     The caller: user or API key, role, practice, scopes and purpose of use.

    Args:
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MeOut | Problem]
    """

    kwargs = _get_kwargs(
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
) -> MeOut | Problem | None:
    """Who am I

     The caller: user or API key, role, practice, scopes and purpose of use.

    Args:
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MeOut | Problem
    """

    return sync_detailed(
        client=client,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
) -> Response[MeOut | Problem]:
    """Who am I

     The caller: user or API key, role, practice, scopes and purpose of use.

    Args:
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MeOut | Problem]
    """

    kwargs = _get_kwargs(
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
) -> MeOut | Problem | None:
    """Who am I

     The caller: user or API key, role, practice, scopes and purpose of use.

    Args:
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MeOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
        )
    ).parsed
