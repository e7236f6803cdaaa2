"""docker-compose.yml and the Dockerfile, checked without Docker: services, commands, checks."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import Settings
from tests.test_install import BUILD_WHEEL, INSTALL_WHEEL

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    found: dict[str, Any] = compose["services"]
    return found


def test_compose_runs_db_migrate_api_sequencer_and_deliverer(services: dict[str, Any]) -> None:
    assert set(services) == {"db", "migrate", "api", "sequencer", "deliverer"}
    assert services["migrate"]["command"] == ["notes-api", "migrate"]
    assert services["migrate"]["restart"] == "no"  # one-shot
    api = services["api"]["command"]
    assert api[:2] == ["notes-api", "serve"]
    assert int(api[api.index("--workers") + 1]) > 1
    assert "--no-migrate" in api  # the migrate service did it, once
    assert services["sequencer"]["command"] == ["notes-api", "audit", "sequencer"]
    assert services["api"]["environment"]["NOTES_SEQUENCER"] == "external"
    assert services["deliverer"]["command"] == ["notes-api", "webhooks", "deliver"]
    assert services["api"]["environment"]["NOTES_DELIVERER"] == "external"


@pytest.mark.parametrize("name", ["db", "api", "sequencer", "deliverer"])
def test_long_running_services_restart_and_have_health_checks(
    services: dict[str, Any], name: str
) -> None:
    assert services[name]["restart"] in ("unless-stopped", "always")
    check = services[name]["healthcheck"]["test"]
    assert check[0] in ("CMD", "CMD-SHELL")


def test_health_checks_ask_the_right_questions(services: dict[str, Any]) -> None:
    assert "/health/ready" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["sequencer"]["healthcheck"]["test"][1:4] == ["notes-api", "audit", "backlog"]
    assert services["deliverer"]["healthcheck"]["test"][1:4] == ["notes-api", "webhooks", "backlog"]


def test_the_deliverer_container_yields_the_cpu_to_the_api(services: dict[str, Any]) -> None:
    # Each container is a scheduling group of its own: the weight is set on the group.
    assert services["deliverer"]["cpu_shares"] < services["api"].get("cpu_shares", 1024) / 100


def test_start_order_waits_for_health_and_migrations(services: dict[str, Any]) -> None:
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("api", "sequencer", "deliverer"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_every_notes_variable_compose_sets_is_a_setting(services: dict[str, Any]) -> None:
    known = {f"NOTES_{name.upper()}" for name in Settings.model_fields}
    used = {
        key
        for service in services.values()
        for key in (service.get("environment") or {})
        if key.startswith("NOTES_")
    }
    assert {"NOTES_ENV", "NOTES_DATABASE_URL", "NOTES_SEQUENCER"} <= used
    assert used <= known, used - known
    for name in ("migrate", "api", "sequencer", "deliverer"):
        assert services[name]["environment"]["NOTES_ENV"] == "production"


def _stages() -> list[list[list[str]]]:
    """The Dockerfile's RUN, COPY and WORKDIR lines (split like a shell), stage by stage."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages: list[list[list[str]]] = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "FROM":
            stages.append([])
        stages[-1].append(words)
    return stages


def _contains(words: list[str], step: tuple[str, ...]) -> bool:
    """Whether ``step`` appears in ``words``, options such as --no-cache-dir aside."""
    rest = [w for w in words if w != "--no-cache-dir"]
    return any(tuple(rest[i : i + len(step)]) == step for i in range(len(rest)))


def test_dockerfile_installs_as_the_wheel_test_does() -> None:
    build, runtime = _stages()
    [wheel] = [w for w in build if w[0] == "RUN" and _contains(w, BUILD_WHEEL)]
    assert wheel[-1] == "."  # the project, as it is
    [install] = [w for w in runtime if w[0] == "RUN" and _contains(w, INSTALL_WHEEL)]
    assert any(re.fullmatch(r"/wheels/\*\.whl", w) for w in install)
    # The runtime stage has no source tree: migrations come from the installed package.
    copies = [w for w in runtime if w[0] == "COPY"]
    assert copies == [["COPY", "--from=wheel", "/wheels", "/wheels"]]
    workdir = [w[1] for w in runtime if w[0] == "WORKDIR"]
    assert workdir == ["/srv"]
    every_interface = "0.0.0.0"  # noqa: S104 - inside the container, published by compose
    assert ["CMD", "notes-api", "serve", "--host", every_interface, "--port", "8000"] in [
        [w.strip('[],"') for w in words] for words in runtime if words[0] == "CMD"
    ]
