"""GET /v1/audit/public-key, checkpoints, inclusion and consistency proofs, verify.

The public key is public: anyone may hold it to check checkpoints they were given, and it
reveals nothing. Checkpoints, proofs and verification are for auditors (role ``auditor``
or an API key with ``audit:read``), like the rest of the log: a tree size says how busy the
service is.
"""

from __future__ import annotations

import base64
import uuid
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from app.audit.api import service
from app.audit.api.schemas import (
    CheckpointOut,
    ConsistencyProofOut,
    InclusionProofOut,
    PublicKeyOut,
    VerifyOut,
)
from app.audit.context import audit_context, audited
from app.audit.ledger import events, tree
from app.audit.ledger.checkpoint import ALGORITHM, key_id, public_key_raw, vkey, with_note
from app.audit.ledger.verify import verify_log
from app.errors import Conflict, NotFound, Unprocessable, problem_responses
from app.json_body import api_router
from app.pagination import Page, PageParams
from app.security.caller import Caller, CallerDep, require_roles
from app.state import SessionDep, app_state

router = api_router(tags=["audit"])


def require_auditor(caller: Caller) -> None:
    """403 unless the caller is an auditor or an API key with audit:read."""
    require_roles(caller, "auditor", scope="audit:read")


NOTE_MEDIA_TYPE = "text/plain; charset=utf-8"
NOTE_EXAMPLE = CheckpointOut.model_json_schema()["example"]["note"]


def _wants_note(request: Request) -> bool:
    """Whether the caller asked for the signed note (text/plain) rather than JSON."""
    accept = request.headers.get("accept", "")
    return "text/plain" in accept and "application/json" not in accept


async def _latest(request: Request, session: SessionDep) -> dict[str, Any] | None:
    """The newest checkpoint signed with the service's key."""
    state = app_state(request)
    return await tree.latest_checkpoint(
        session,
        public_key=public_key_raw(state.secrets.signing_key),
        origin=state.settings.service_name,
    )


async def _latest_size(request: Request, session: SessionDep) -> int:
    latest = await _latest(request, session)
    if latest is None:
        raise Conflict("No checkpoint yet; retry in a few seconds")
    return int(latest["tree_size"])


@router.get(
    "/v1/audit/public-key",
    name="get_public_key",
    summary="Checkpoint signing key",
    response_model=PublicKeyOut,
    responses=problem_responses(),
    dependencies=[audited("audit.public_key.read", "audit_key")],
)
async def public_key(request: Request) -> PublicKeyOut:
    """The Ed25519 key that signs checkpoints; public, no credentials needed."""
    raw = public_key_raw(app_state(request).secrets.signing_key)
    audit_context(request).target("audit_key", key_id(raw))
    return PublicKeyOut(
        key_id=key_id(raw),
        algorithm=ALGORITHM,
        public_key=base64.b64encode(raw).decode(),
        vkey=vkey(app_state(request).settings.service_name, raw),
    )


@router.get(
    "/v1/audit/checkpoints/latest",
    name="get_latest_checkpoint",
    summary="Latest checkpoint",
    response_model=CheckpointOut,
    responses=problem_responses(401, 403, 404)
    | {200: {"content": {"text/plain": {"schema": {"type": "string"}, "example": NOTE_EXAMPLE}}}},
    dependencies=[audited("audit.checkpoint.read", "audit_checkpoint")],
)
async def latest_checkpoint(
    request: Request, session: SessionDep, caller: CallerDep
) -> CheckpointOut | Response:
    """The newest signed tree head; keep a copy outside the system.

    With `Accept: text/plain` the answer is the checkpoint as a c2sp.org/signed-note, as
    transparency-log tooling and witnesses read it (verify it with the public key's `vkey`).
    """
    require_auditor(caller)
    latest = await _latest(request, session)
    if latest is None:
        raise NotFound("No checkpoint yet")
    audit_context(request).target("audit_checkpoint", latest["tree_size"])
    shown = with_note(latest, public_key_raw(app_state(request).secrets.signing_key))
    if _wants_note(request) and shown["note"] is not None:
        return Response(shown["note"], media_type=NOTE_MEDIA_TYPE)
    return CheckpointOut.model_validate(shown)


@router.get(
    "/v1/audit/checkpoints",
    summary="List checkpoints",
    response_model=Page[CheckpointOut],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("audit.checkpoint.list", "audit_checkpoint")],
)
async def list_checkpoints(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
) -> Page[CheckpointOut]:
    """Every signed tree head, newest first."""
    require_auditor(caller)
    after = page.after_values(int)
    rows = await tree.checkpoints_page(
        session, before=after[0] if after else None, limit=page.limit + 1
    )
    key = public_key_raw(app_state(request).secrets.signing_key)
    return Page(
        items=[
            CheckpointOut.model_validate(with_note(tree.checkpoint_json(r), key))
            for r in rows[: page.limit]
        ],
        next_cursor=page.next_cursor(rows, lambda r: [int(r.tree_size)]),
    )


@router.get(
    "/v1/audit/events/{id}/proof",
    name="get_inclusion_proof",
    summary="Inclusion proof",
    response_model=InclusionProofOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[audited("audit.proof.inclusion", "audit_event")],
)
async def inclusion_proof(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    tree_size: Annotated[
        int | None,
        Query(ge=1, description=("Tree size to prove against (default: the latest checkpoint).")),
    ] = None,
) -> InclusionProofOut:
    """RFC 9162 audit path of an event in the tree of ``tree_size`` leaves."""
    require_auditor(caller)
    row = await service.get_event(session, caller.practice_id, id)
    if row is None:
        raise NotFound("Not found")
    audit_context(request).add_clients(*service.client_ids_of([row]))
    if row.seq is None:
        raise Conflict("The event is not sequenced yet; retry in a few seconds")
    size = tree_size if tree_size is not None else await _latest_size(request, session)
    if size > await tree.tree_size(session):
        raise Unprocessable("tree_size is larger than the log")
    if size <= row.seq:
        if tree_size is None:
            raise Conflict("No checkpoint covers this event yet; retry in a few seconds")
        raise Unprocessable("tree_size must be larger than the event's seq")
    path, root = await tree.inclusion_proof(session, row.seq, size)
    return InclusionProofOut(
        seq=row.seq,
        tree_size=size,
        leaf_hash=bytes(row.leaf_hash).hex(),
        root_hash=root.hex(),
        audit_path=[p.hex() for p in path],
    )


@router.get(
    "/v1/audit/consistency",
    name="get_consistency_proof",
    summary="Consistency proof",
    response_model=ConsistencyProofOut,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[audited("audit.proof.consistency", "audit_checkpoint")],
)
async def consistency_proof(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    first: Annotated[int, Query(ge=0, description="The older tree size.")],
    second: Annotated[
        int | None,
        Query(ge=0, description=("The newer tree size (default: the latest checkpoint).")),
    ] = None,
) -> ConsistencyProofOut:
    """RFC 9162 proof that the tree of ``first`` leaves is a prefix of that of ``second``."""
    require_auditor(caller)
    size = second if second is not None else await _latest_size(request, session)
    if first > size:
        raise Unprocessable("first must not exceed second")
    if size > await tree.tree_size(session):
        raise Unprocessable("second is larger than the log")
    proof, first_root, second_root = await tree.consistency_proof(session, first, size)
    return ConsistencyProofOut(
        first=first,
        second=size,
        first_root=first_root.hex(),
        second_root=second_root.hex(),
        proof=[p.hex() for p in proof],
    )


@router.get(
    "/v1/audit/verify",
    name="verify_log",
    summary="Verify the log",
    response_model=VerifyOut,
    responses=problem_responses(401, 403),
    dependencies=[audited("audit.verify", "audit_log")],
)
async def verify(request: Request, caller: CallerDep) -> VerifyOut:
    """Recompute every leaf, node and signed root; name the first event that is wrong."""
    require_auditor(caller)
    state = app_state(request)
    key = state.secrets.signing_key
    async with state.engine.connect() as conn:
        report = await verify_log(
            conn,
            seal_key=events.seal_key(key),
            public_key=public_key_raw(key),
            origin=state.settings.service_name,
        )
    return VerifyOut.model_validate(report.as_dict(caller.practice_id))
