"""The document's metadata: version, servers, contact, license and described tags."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

PACKAGE = "session-notes-api"
TAGS = {
    "health": "Liveness, readiness and Prometheus metrics for the platform; no credentials.",
    "auth": "Access and refresh tokens for staff, and the caller's own identity.",
    "users": "Staff of the practice, their roles and supervisors (admins).",
    "api-keys": "Credentials for integrations, with their scopes (admins).",
    "clients": "People in treatment: demographics, presenting concerns, care team.",
    "episodes": "Courses of treatment and their phases (FHIR EpisodeOfCare).",
    "sessions": "Appointments (FHIR Encounter); booking opens an intake episode.",
    "notes": "Progress and psychotherapy notes: drafts, signing, cosigning, addenda.",
    "themes": "The practice's catalog of psychodynamic themes and defenses.",
    "observations": "Themes observed in a session, and CCRT relationship episodes.",
    "measures": "Scored outcome questionnaires (PHQ-9, GAD-7, WAI-SR).",
    "progress": "A client's progress phase by phase, and the caseload report.",
    "audit": "The tamper-evident access log: search, reports, export, checkpoints, proofs.",
    "events": "The change feed: what changed, in order per practice (ids and types only).",
    "webhooks": "Endpoints that receive the feed as signed Standard Webhooks requests.",
}
SERVERS = [
    {"url": "http://127.0.0.1:8000", "description": "`make run` on your machine (demo data)."},
]
CONTACT = {"name": "Session Notes API maintainers", "url": "https://session-notes.example/"}
LICENSE = {"name": "Proprietary", "url": "https://session-notes.example/license"}


def package_version() -> str:
    """The installed package's version: `info.version` and the CHANGELOG's heading."""
    return version(PACKAGE)


def describe(schema: dict[str, Any]) -> dict[str, Any]:
    """Servers, contact, license and a description for every tag in use (others none)."""
    used = {tag for ops in schema["paths"].values() for op in ops.values() for tag in op["tags"]}
    missing = used - TAGS.keys()
    if missing:
        raise ValueError(f"tags without a description in app/contract/info.py: {missing}")
    schema["info"]["contact"] = CONTACT
    schema["info"]["license"] = LICENSE
    schema["servers"] = SERVERS
    schema["tags"] = [{"name": n, "description": d} for n, d in TAGS.items() if n in used]
    return schema
