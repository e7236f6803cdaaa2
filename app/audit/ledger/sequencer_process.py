"""The audit sequencer in a process of its own, which `app.supervisor` keeps beside the API.

On PostgreSQL `notes-api serve` starts `python -m app.audit.ledger.sequencer_process` beside the
API (docs/audit.md, "The sequencer"): hashing inside the API's one event loop took CPU
from every request (docs/adr/0005-audit-sequencer-process.md). The
advisory lock still keeps one sequencer working across replicas; the API's readiness and
metrics read the backlog from the database, so they also see a sequencer that died.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from contextlib import suppress
from typing import Final

from app.audit.ledger.sequencer import Sequencer
from app.config import Settings, get_settings
from app.db import create_engine
from app.logging import configure_logging
from app.security.secrets import load_secrets
from app.supervisor import orphaned

log = logging.getLogger("notes.audit.sequencer")

SEQUENCER_POOL: Final = 2  # a pass holds one connection; a checkpoint may want another


async def run_forever(settings: Settings, *, parent: int | None) -> None:
    """Sequence and checkpoint until SIGTERM or SIGINT, or until process ``parent`` is gone."""
    if orphaned(parent):  # killed while we were starting
        return
    secrets = load_secrets(settings)
    # Its own connections, named apart from the API's pool in pg_stat_activity.
    engine = create_engine(
        settings, pool_size=SEQUENCER_POOL, application_name=f"{settings.service_name} sequencer"
    )
    sequencer = Sequencer(engine=engine, settings=settings, signing_key=secrets.signing_key)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    sequencer.start()
    log.info("audit sequencer running", extra={"pid": os.getpid()})
    try:
        while not stop.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=sequencer.tick)
            # Killed with -9, the parent cannot stop us; its successor starts its own.
            if orphaned(parent):
                log.warning("audit sequencer: parent %d gone, stopping", parent)
                break
    finally:
        await sequencer.stop()
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """`python -m app.audit.ledger.sequencer_process [--parent-pid PID]` (`notes-api serve`)."""
    parser = argparse.ArgumentParser(description="Run the audit sequencer until SIGTERM.")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_forever(settings, parent=args.parent_pid))


if __name__ == "__main__":
    main()
