"""A real local HTTP receiver for webhook tests: http.server in a thread, on 127.0.0.1.

It records every request (path, headers, body), answers a challenge by echoing it, and answers
deliveries with the statuses it is told (then 200), as a receiving organisation's server would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        """The receiver's check, as the README tells organisations to write it."""
        timestamp = self.headers["X-Tracker-Timestamp"]
        expected = hmac.new(
            secret.encode(), timestamp.encode() + b"." + self.body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest("sha256=" + expected, self.headers["X-Tracker-Signature"])


@dataclass
class Receiver:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    # Statuses for the next deliveries, in order; 200 once they run out.
    statuses: list[int] = field(default_factory=list)
    echo_challenge: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def deliveries(self) -> list[Received]:
        return [r for r in self.requests if r.headers.get("X-Tracker-Event") != "challenge"]


def start() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            received = Received(self.path, dict(self.headers.items()), body)
            with receiver.lock:
                receiver.requests.append(received)
                if received.headers.get("X-Tracker-Event") == "challenge":
                    status = 200
                    answer = (
                        json.dumps({"challenge": received.json["challenge"]}).encode()
                        if receiver.echo_challenge
                        else b"ok"
                    )
                else:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    answer = b""
            self.send_response(status)
            if status in (301, 302, 307, 308):
                self.send_header("Location", f"{receiver.url}elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/tracker"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
