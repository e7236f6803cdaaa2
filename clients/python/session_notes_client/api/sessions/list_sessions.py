import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.phase import Phase
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...models.session_order import SessionOrder
from ...models.session_page import SessionPage
from ...models.session_status import SessionStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    client_id: None | Unset | UUID = UNSET,
    episode_id: None | Unset | UUID = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    status: None | SessionStatus | Unset = UNSET,
    phase: None | Phase | Unset = UNSET,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    external_id: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: SessionOrder | Unset = UNSET,
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

    json_client_id: None | str | Unset
    if isinstance(client_id, Unset):
        json_client_id = UNSET
    elif isinstance(client_id, UUID):
        json_client_id = str(client_id)
    else:
        json_client_id = client_id
    params["client_id"] = json_client_id

    json_episode_id: None | str | Unset
    if isinstance(episode_id, Unset):
        json_episode_id = UNSET
    elif isinstance(episode_id, UUID):
        json_episode_id = str(episode_id)
    else:
        json_episode_id = episode_id
    params["episode_id"] = json_episode_id

    json_therapist_id: None | str | Unset
    if isinstance(therapist_id, Unset):
        json_therapist_id = UNSET
    elif isinstance(therapist_id, UUID):
        json_therapist_id = str(therapist_id)
    else:
        json_therapist_id = therapist_id
    params["therapist_id"] = json_therapist_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, SessionStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_phase: None | str | Unset
    if isinstance(phase, Unset):
        json_phase = UNSET
    elif isinstance(phase, Phase):
        json_phase = phase.value
    else:
        json_phase = phase
    params["phase"] = json_phase

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.date):
        json_from_ = from_.isoformat()
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.date):
        json_to = to.isoformat()
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_external_id: None | str | Unset
    if isinstance(external_id, Unset):
        json_external_id = UNSET
    else:
        json_external_id = external_id
    params["external_id"] = json_external_id

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
        "url": "/v1/sessions",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SessionPage | None:
    if response.status_code == 200:
        response_200 = SessionPage.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | SessionPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    client_id: None | Unset | UUID = UNSET,
    episode_id: None | Unset | UUID = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    status: None | SessionStatus | Unset = UNSET,
    phase: None | Phase | Unset = UNSET,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    external_id: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: SessionOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | SessionPage]:
    """List sessions

     Sessions of clients in reach, earliest first, each with its phase for clinical readers.

    Args:
        client_id (None | Unset | UUID): One client (404 if out of reach).
        episode_id (None | Unset | UUID):
        therapist_id (None | Unset | UUID):
        status (None | SessionStatus | Unset):
        phase (None | Phase | Unset): Phase on the session's date.
        from_ (datetime.date | datetime.datetime | None | Unset): A date (the session's local
            date, inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        to (datetime.date | datetime.datetime | None | Unset): A date (the session's local date,
            inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        external_id (None | str | Unset):
        updated_since (datetime.datetime | None | Unset): Only sessions changed at or after this
            instant (RFC 3339, offset).
        order (SessionOrder | Unset):
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
        Response[Problem | SessionPage]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        episode_id=episode_id,
        therapist_id=therapist_id,
        status=status,
        phase=phase,
        from_=from_,
        to=to,
        external_id=external_id,
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
    client_id: None | Unset | UUID = UNSET,
    episode_id: None | Unset | UUID = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    status: None | SessionStatus | Unset = UNSET,
    phase: None | Phase | Unset = UNSET,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    external_id: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: SessionOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | SessionPage | None:
    """List sessions

     Sessions of clients in reach, earliest first, each with its phase for clinical readers.

    Args:
        client_id (None | Unset | UUID): One client (404 if out of reach).
        episode_id (None | Unset | UUID):
        therapist_id (None | Unset | UUID):
        status (None | SessionStatus | Unset):
        phase (None | Phase | Unset): Phase on the session's date.
        from_ (datetime.date | datetime.datetime | None | Unset): A date (the session's local
            date, inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        to (datetime.date | datetime.datetime | None | Unset): A date (the session's local date,
            inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        external_id (None | str | Unset):
        updated_since (datetime.datetime | None | Unset): Only sessions changed at or after this
            instant (RFC 3339, offset).
        order (SessionOrder | Unset):
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
        Problem | SessionPage
    """

    return sync_detailed(
        client=client,
        client_id=client_id,
        episode_id=episode_id,
        therapist_id=therapist_id,
        status=status,
        phase=phase,
        from_=from_,
        to=to,
        external_id=external_id,
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
    client_id: None | Unset | UUID = UNSET,
    episode_id: None | Unset | UUID = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    status: None | SessionStatus | Unset = UNSET,
    phase: None | Phase | Unset = UNSET,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    external_id: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: SessionOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | SessionPage]:
    """List sessions

     Sessions of clients in reach, earliest first, each with its phase for clinical readers.

    Args:
        client_id (None | Unset | UUID): One client (404 if out of reach).
        episode_id (None | Unset | UUID):
        therapist_id (None | Unset | UUID):
        status (None | SessionStatus | Unset):
        phase (None | Phase | Unset): Phase on the session's date.
        from_ (datetime.date | datetime.datetime | None | Unset): A date (the session's local
            date, inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        to (datetime.date | datetime.datetime | None | Unset): A date (the session's local date,
            inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        external_id (None | str | Unset):
        updated_since (datetime.datetime | None | Unset): Only sessions changed at or after this
            instant (RFC 3339, offset).
        order (SessionOrder | Unset):
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
        Response[Problem | SessionPage]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        episode_id=episode_id,
        therapist_id=therapist_id,
        status=status,
        phase=phase,
        from_=from_,
        to=to,
        external_id=external_id,
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
    client_id: None | Unset | UUID = UNSET,
    episode_id: None | Unset | UUID = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    status: None | SessionStatus | Unset = UNSET,
    phase: None | Phase | Unset = UNSET,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    external_id: None | str | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
    order: SessionOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | SessionPage | None:
    """List sessions

     Sessions of clients in reach, earliest first, each with its phase for clinical readers.

    Args:
        client_id (None | Unset | UUID): One client (404 if out of reach).
        episode_id (None | Unset | UUID):
        therapist_id (None | Unset | UUID):
        status (None | SessionStatus | Unset):
        phase (None | Phase | Unset): Phase on the session's date.
        from_ (datetime.date | datetime.datetime | None | Unset): A date (the session's local
            date, inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        to (datetime.date | datetime.datetime | None | Unset): A date (the session's local date,
            inclusive; 1900-2099) or an RFC 3339 datetime with offset (year 1970-2099).
        external_id (None | str | Unset):
        updated_since (datetime.datetime | None | Unset): Only sessions changed at or after this
            instant (RFC 3339, offset).
        order (SessionOrder | Unset):
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
        Problem | SessionPage
    """

    return (
        await asyncio_detailed(
            client=client,
            client_id=client_id,
            episode_id=episode_id,
            therapist_id=therapist_id,
            status=status,
            phase=phase,
            from_=from_,
            to=to,
            external_id=external_id,
            updated_since=updated_since,
            order=order,
            limit=limit,
            cursor=cursor,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
            x_break_glass_reason=x_break_glass_reason,
        )
    ).parsed
