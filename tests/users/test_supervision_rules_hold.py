"""The supervision rules hold under concurrency and across roles: `requires_cosign` always
has a supervisor, and a supervisor is not demoted or deactivated from under clinicians
whose notes wait for their cosignature (SPEC §1.2, §2)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from tests.conftest import World
from tests.factories import problem


async def test_two_edits_valid_alone_cannot_leave_cosign_without_a_supervisor(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    path = f"/v1/users/{world['therapist2'].id}"
    supervisor = str(world["supervisor"].id)
    for _ in range(5):
        reset = await client.patch(
            path, json={"requires_cosign": False, "supervisor_id": supervisor}, headers=admin
        )
        assert reset.status_code == 200, reset.text
        one, two = await asyncio.gather(
            client.patch(path, json={"requires_cosign": True}, headers=admin),
            client.patch(path, json={"supervisor_id": None}, headers=admin),
        )
        assert sorted([one.status_code, two.status_code]) == [200, 422], (one.text, two.text)
        final = (await client.get(path, headers=admin)).json()
        assert not (final["requires_cosign"] and final["supervisor_id"] is None), final


@pytest.mark.parametrize("change", [{"role": "therapist"}, {"active": False}])
async def test_a_supervisor_with_waiting_supervisees_is_not_demoted(
    client: httpx.AsyncClient, world: World, change: dict[str, object]
) -> None:
    admin = world["admin"].headers
    path = f"/v1/users/{world['supervisor'].id}"
    refused = await client.patch(path, json=change, headers=admin)
    assert "another supervisor first" in problem(refused, 409)["detail"]
    # Once the trainee has another supervisor, the change goes through.
    other = await client.post(
        "/v1/users",
        json={
            "email": f"sup-{uuid.uuid4().hex[:8]}@example.org",
            "display_name": "Sue",
            "role": "supervisor",
        },
        headers=admin,
    )
    assert other.status_code == 201, other.text
    moved = await client.patch(
        f"/v1/users/{world['trainee'].id}",
        json={"supervisor_id": other.json()["id"]},
        headers=admin,
    )
    assert moved.status_code == 200, moved.text
    changed = await client.patch(path, json=change, headers=admin)
    assert changed.status_code == 200, changed.text
