from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...models.session_booked import SessionBooked
from ...models.session_clinical_created import SessionClinicalCreated
from ...models.session_create import SessionCreate
from ...models.session_created import SessionCreated
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SessionCreate,
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
        "url": "/v1/sessions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SessionBooked | SessionClinicalCreated | SessionCreated | None:
    if response.status_code == 201:

        def _parse_response_201(data: object) -> SessionBooked | SessionClinicalCreated | SessionCreated:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_201_type_0 = SessionClinicalCreated.from_dict(data)

                return response_201_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_201_type_1 = SessionCreated.from_dict(data)

                return response_201_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_201_type_2 = SessionBooked.from_dict(data)

            return response_201_type_2

        response_201 = _parse_response_201(response.json())

        return response_201

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
) -> Response[Problem | SessionBooked | SessionClinicalCreated | SessionCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SessionCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | SessionBooked | SessionClinicalCreated | SessionCreated]:
    """Schedule a session

     Add a session to an episode of the client (its open one when none is named).

    A client without an open episode gets one, opened by this booking (an intake): phase
    `initial` from the session's date, treated by the session's therapist; the response says
    `episode_opened: true` and the audit event's `details` name the episode it opened.
    `external_id` is set by admins and API keys only (403). A key without `sessions:read`
    gets the `booking` view: what it sent and the ids it needs, no ETag.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (SessionCreate): A new appointment; without `episode_id` it joins the client's open
            episode. Example: {'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'episode_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'starts_at': '2026-11-23T17:00:00-05:00',
            'duration_minutes': 50, 'modality': 'in_person', 'status': 'scheduled', 'external_id':
            'cal-88321'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SessionBooked | SessionClinicalCreated | SessionCreated]
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
    body: SessionCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | SessionBooked | SessionClinicalCreated | SessionCreated | None:
    """Schedule a session

     Add a session to an episode of the client (its open one when none is named).

    A client without an open episode gets one, opened by this booking (an intake): phase
    `initial` from the session's date, treated by the session's therapist; the response says
    `episode_opened: true` and the audit event's `details` name the episode it opened.
    `external_id` is set by admins and API keys only (403). A key without `sessions:read`
    gets the `booking` view: what it sent and the ids it needs, no ETag.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (SessionCreate): A new appointment; without `episode_id` it joins the client's open
            episode. Example: {'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'episode_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'starts_at': '2026-11-23T17:00:00-05:00',
            'duration_minutes': 50, 'modality': 'in_person', 'status': 'scheduled', 'external_id':
            'cal-88321'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SessionBooked | SessionClinicalCreated | SessionCreated
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
    body: SessionCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Problem | SessionBooked | SessionClinicalCreated | SessionCreated]:
    """Schedule a session

     Add a session to an episode of the client (its open one when none is named).

    A client without an open episode gets one, opened by this booking (an intake): phase
    `initial` from the session's date, treated by the session's therapist; the response says
    `episode_opened: true` and the audit event's `details` name the episode it opened.
    `external_id` is set by admins and API keys only (403). A key without `sessions:read`
    gets the `booking` view: what it sent and the ids it needs, no ETag.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (SessionCreate): A new appointment; without `episode_id` it joins the client's open
            episode. Example: {'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'episode_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'starts_at': '2026-11-23T17:00:00-05:00',
            'duration_minutes': 50, 'modality': 'in_person', 'status': 'scheduled', 'external_id':
            'cal-88321'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SessionBooked | SessionClinicalCreated | SessionCreated]
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
    body: SessionCreate,
    idempotency_key: None | str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Problem | SessionBooked | SessionClinicalCreated | SessionCreated | None:
    """Schedule a session

     Add a session to an episode of the client (its open one when none is named).

    A client without an open episode gets one, opened by this booking (an intake): phase
    `initial` from the session's date, treated by the session's therapist; the response says
    `episode_opened: true` and the audit event's `details` name the episode it opened.
    `external_id` is set by admins and API keys only (403). A key without `sessions:read`
    gets the `booking` view: what it sent and the ids it needs, no ETag.

    Args:
        idempotency_key (None | str | Unset): Repeat a create safely: the same key replays.
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):
        body (SessionCreate): A new appointment; without `episode_id` it joins the client's open
            episode. Example: {'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'episode_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'starts_at': '2026-11-23T17:00:00-05:00',
            'duration_minutes': 50, 'modality': 'in_person', 'status': 'scheduled', 'external_id':
            'cal-88321'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SessionBooked | SessionClinicalCreated | SessionCreated
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
