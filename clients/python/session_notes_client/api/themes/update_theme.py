from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...models.theme_out import ThemeOut
from ...models.theme_update import ThemeUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    code: str,
    *,
    body: ThemeUpdate,
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
        "url": "/v1/themes/{code}".format(
            code=quote(str(code), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ThemeOut | None:
    if response.status_code == 200:
        response_200 = ThemeOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ThemeOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    code: str,
    *,
    client: AuthenticatedClient,
    body: ThemeUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | ThemeOut]:
    """Change a practice theme

     Relabel, describe, deactivate or reactivate a practice theme; system themes are 403.

    If-Match is honoured if sent (412 when stale).

    Args:
        code (str): A dotted theme code.
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ThemeUpdate): Changes to a practice's own theme; code, category and DMRS level never
            change. Example: {'active': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ThemeOut]
    """

    kwargs = _get_kwargs(
        code=code,
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
    code: str,
    *,
    client: AuthenticatedClient,
    body: ThemeUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | ThemeOut | None:
    """Change a practice theme

     Relabel, describe, deactivate or reactivate a practice theme; system themes are 403.

    If-Match is honoured if sent (412 when stale).

    Args:
        code (str): A dotted theme code.
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ThemeUpdate): Changes to a practice's own theme; code, category and DMRS level never
            change. Example: {'active': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ThemeOut
    """

    return sync_detailed(
        code=code,
        client=client,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    ).parsed


async def asyncio_detailed(
    code: str,
    *,
    client: AuthenticatedClient,
    body: ThemeUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | ThemeOut]:
    """Change a practice theme

     Relabel, describe, deactivate or reactivate a practice theme; system themes are 403.

    If-Match is honoured if sent (412 when stale).

    Args:
        code (str): A dotted theme code.
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ThemeUpdate): Changes to a practice's own theme; code, category and DMRS level never
            change. Example: {'active': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ThemeOut]
    """

    kwargs = _get_kwargs(
        code=code,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    code: str,
    *,
    client: AuthenticatedClient,
    body: ThemeUpdate,
    if_match: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | ThemeOut | None:
    """Change a practice theme

     Relabel, describe, deactivate or reactivate a practice theme; system themes are 403.

    If-Match is honoured if sent (412 when stale).

    Args:
        code (str): A dotted theme code.
        if_match (None | str | Unset): Optional: the resource's ETag; a stale one is 412.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (ThemeUpdate): Changes to a practice's own theme; code, category and DMRS level never
            change. Example: {'active': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ThemeOut
    """

    return (
        await asyncio_detailed(
            code=code,
            client=client,
            body=body,
            if_match=if_match,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
            x_break_glass_reason=x_break_glass_reason,
        )
    ).parsed
