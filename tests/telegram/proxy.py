"""A round-robin HTTP proxy on 127.0.0.1 in front of several bot instances, like a load balancer: each
request goes to the next instance; an instance that refuses the connection is skipped (as nginx's
proxy_next_upstream does); one that fails mid-request gives 502, and Telegram retries the delivery."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class RoundRobinProxy:
    def __init__(self, backends: list[tuple[str, int]]):
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self._lock = threading.Lock()
        self.served: dict[int, int] = {i: 0 for i in range(len(backends))}  # backend index -> requests
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> RoundRobinProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _forward(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        with self._lock:
            start = next(self._next)
        for i in range(len(self.backends)):
            index = (start + i) % len(self.backends)
            host, port = self.backends[index]
            conn = http.client.HTTPConnection(host, port, timeout=60)
            try:
                conn.connect()
            except OSError:  # this instance is down: try the next one
                continue
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                with self._lock:
                    self.served[index] += 1
                return response.status, data
            except OSError:
                return 502, b""
            finally:
                conn.close()
        return 502, b""

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                status, data = proxy._forward(self.command, self.path, body, headers)
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            do_GET = do_POST = _serve

        return Handler
