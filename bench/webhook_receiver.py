"""A small HTTP/1.1 webhook receiver on 127.0.0.1 for tests and benchmarks.

It keeps every request (headers and raw body) and answers 204, or 500 for the first
`fail_first` requests; raw asyncio with keep-alive, so that it costs the deliverer's machine
little CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    """One request as it arrived."""

    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """Start with `await receiver.start()`; `url` is where it listens."""

    fail_first: int = 0
    status: int = 204
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    answered: int = 0
    server: asyncio.Server | None = None
    port: int = 0

    @property
    def url(self) -> str:
        """The receiver's URL."""
        return f"http://127.0.0.1:{self.port}/hooks"

    async def start(self) -> Receiver:
        """Listen on a free port of 127.0.0.1."""
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        if self.server is not None:
            self.server.close()
            if hasattr(self.server, "close_clients"):
                self.server.close_clients()
            await self.server.wait_closed()

    def answer(self) -> int:
        """The status for the next request."""
        self.answered += 1
        return 500 if self.answered <= self.fail_first else self.status

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                if lines[0].startswith("GET "):  # a benchmark asking what arrived, from `after`
                    query = lines[0].split()[1].partition("?")[2]
                    after = int(query.rpartition("=")[2] or 0) if "after" in query else 0
                    report = (
                        str(len(self.requests)).encode()
                        if query == "count"
                        else json.dumps(
                            [
                                [r.at, json.loads(r.body)["resource"]["id"]]
                                for r in self.requests[after:]
                            ]
                        ).encode()
                    )
                    writer.write(
                        b"HTTP/1.1 200 X\r\ncontent-length: %d\r\n\r\n%s" % (len(report), report)
                    )
                    await writer.drain()
                    continue
                self.requests.append(Received(headers, body, time.monotonic()))
                if self.delay:
                    await asyncio.sleep(self.delay)
                status = self.answer()
                writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n".encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # the receiver is stopping
            pass
        finally:
            writer.close()


async def _serve_forever() -> None:
    receiver = await Receiver().start()
    sys.stdout.write(f"{receiver.port}\n")
    sys.stdout.flush()
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.webhook_receiver`: print the port, serve until killed."""
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    asyncio.run(_serve_forever())


if __name__ == "__main__":
    main()
