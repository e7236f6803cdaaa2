"""tests.tcp_proxy.TcpProxy on an event loop of its own thread, so a test's loop may block."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from tests.tcp_proxy import TcpProxy


class ThreadedProxy:
    """A loopback proxy in front of the database that the test can cut and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.proxy = TcpProxy(host, port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def _call(self, action: Callable[[], Coroutine[Any, Any, None]]) -> None:
        asyncio.run_coroutine_threadsafe(action(), self.loop).result(timeout=60)

    @property
    def port(self) -> int:
        """The port to connect to instead of the database's."""
        return self.proxy.port

    def start(self) -> None:
        """Start the loop thread and listen."""
        self.thread.start()
        self._call(self.proxy.start)

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self._call(self.proxy.cut)

    def restore(self) -> None:
        """Accept connections again, on the same port."""
        self._call(self.proxy.restore)

    def close(self) -> None:
        """Cut, then stop the loop and its thread."""
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=60)
        self.loop.close()
