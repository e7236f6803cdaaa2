from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.caseload import Caseload
from ...models.phase import Phase
from ...models.problem import Problem
from ...models.purpose_of_use import PurposeOfUse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    phase: None | Phase | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
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

    json_phase: None | str | Unset
    if isinstance(phase, Unset):
        json_phase = UNSET
    elif isinstance(phase, Phase):
        json_phase = phase.value
    else:
        json_phase = phase
    params["phase"] = json_phase

    json_therapist_id: None | str | Unset
    if isinstance(therapist_id, Unset):
        json_therapist_id = UNSET
    elif isinstance(therapist_id, UUID):
        json_therapist_id = str(therapist_id)
    else:
        json_therapist_id = therapist_id
    params["therapist_id"] = json_therapist_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reports/caseload",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Caseload | Problem | None:
    if response.status_code == 200:
        response_200 = Caseload.from_dict(response.json())

        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Caseload | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    phase: None | Phase | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Caseload | Problem]:
    """Caseload report

     One row per active client of the caller's caseload (a supervisor's includes supervisees').

    Args:
        phase (None | Phase | Unset): Only clients now in this phase.
        therapist_id (None | Unset | UUID): Only this clinician's clients (a supervisee's).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Caseload | Problem]
    """

    kwargs = _get_kwargs(
        phase=phase,
        therapist_id=therapist_id,
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
    phase: None | Phase | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Caseload | Problem | None:
    """Caseload report

     One row per active client of the caller's caseload (a supervisor's includes supervisees').

    Args:
        phase (None | Phase | Unset): Only clients now in this phase.
        therapist_id (None | Unset | UUID): Only this clinician's clients (a supervisee's).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Caseload | Problem
    """

    return sync_detailed(
        client=client,
        phase=phase,
        therapist_id=therapist_id,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    phase: None | Phase | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Response[Caseload | Problem]:
    """Caseload report

     One row per active client of the caller's caseload (a supervisor's includes supervisees').

    Args:
        phase (None | Phase | Unset): Only clients now in this phase.
        therapist_id (None | Unset | UUID): Only this clinician's clients (a supervisee's).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Caseload | Problem]
    """

    kwargs = _get_kwargs(
        phase=phase,
        therapist_id=therapist_id,
        x_request_id=x_request_id,
        x_purpose_of_use=x_purpose_of_use,
        x_break_glass_reason=x_break_glass_reason,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    phase: None | Phase | Unset = UNSET,
    therapist_id: None | Unset | UUID = UNSET,
    x_request_id: str | Unset = UNSET,
    x_purpose_of_use: PurposeOfUse | Unset = UNSET,
    x_break_glass_reason: str | Unset = UNSET,
) -> Caseload | Problem | None:
    """Caseload report

     One row per active client of the caller's caseload (a supervisor's includes supervisees').

    Args:
        phase (None | Phase | Unset): Only clients now in this phase.
        therapist_id (None | Unset | UUID): Only this clinician's clients (a supervisee's).
        x_request_id (str | Unset):
        x_purpose_of_use (PurposeOfUse | Unset):
        x_break_glass_reason (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Caseload | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            phase=phase,
            therapist_id=therapist_id,
            x_request_id=x_request_id,
            x_purpose_of_use=x_purpose_of_use,
            x_break_glass_reason=x_break_glass_reason,
        )
    ).parsed
