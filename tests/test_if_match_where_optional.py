"""A stale If-Match is refused (412) where it is optional too: a webhook endpoint's delete and
secret rotation, an episode's phase transition.

SPEC §4: "`ETag` on single resources; `If-Match` for updates of clients, episodes and notes
(428 without, 412 stale)"; RFC 9110 §13.1.1: a server MUST NOT perform the method when a
received If-Match evaluates to false.
"""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import clinical_case, days_ago, move_phase
from tests.webhooks.support import make_endpoint

URL = "http://127.0.0.1:9/hooks"


async def test_delete_webhook_endpoint_with_stale_if_match_is_412(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, URL, ["client.*"])
    read = await client.get(f"/v1/webhook-endpoints/{made['id']}", headers=admin)
    stale = read.headers["ETag"]
    # Another manager re-points the endpoint meanwhile: the ETag moves.
    moved = await client.patch(
        f"/v1/webhook-endpoints/{made['id']}",
        json={"url": "http://127.0.0.1:10/new-hooks"},
        headers={**admin, "If-Match": stale},
    )
    assert moved.status_code == 200
    assert moved.headers["ETag"] != stale
    gone = await client.delete(
        f"/v1/webhook-endpoints/{made['id']}", headers={**admin, "If-Match": stale}
    )
    assert gone.status_code == 412, f"stale If-Match ignored: DELETE answered {gone.status_code}"


async def test_phase_transition_with_stale_episode_if_match_is_412(
    client: httpx.AsyncClient, world: World
) -> None:
    therapist = world["therapist"].headers
    case = await clinical_case(client, world)
    stale = case.episode_etag
    await move_phase(client, therapist, case.episode_id, "exploration", days_ago(30))
    now = await client.get(f"/v1/episodes/{case.episode_id}", headers=therapist)
    assert now.headers["ETag"] != stale  # the transition changed the episode
    second = await client.post(
        f"/v1/episodes/{case.episode_id}/phase-transitions",
        json={"to_phase": "working_through", "effective_on": days_ago(10).isoformat()},
        headers={**therapist, "If-Match": stale},
    )
    assert second.status_code == 412, (
        f"a transition sent with a stale episode ETag was recorded: {second.status_code}"
    )
