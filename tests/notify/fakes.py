"""Local fakes of the channels' servers: an SMS gateway and WeChat's official-account API, each a
ThreadingHTTPServer on 127.0.0.1 answering from a script the test sets."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeServer:
    """Records every request; each answer is the next of `script[path]` (status, body), else `default[path]`."""

    def __init__(self, default: dict[str, tuple[int, dict]]):
        self.received: list[dict] = []
        self.default = default
        self.script: dict[str, list[tuple[int, dict]]] = {}
        self.delay = 0.0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake.lock:
                    fake.received.append({"path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                                          "headers": dict(self.headers), "body": json.loads(raw) if raw else None})
                    queue = fake.script.get(parts.path) or []
                    status, body = queue.pop(0) if queue else fake.default.get(parts.path, (404, {}))
                time.sleep(fake.delay)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def then(self, path: str, *answers: tuple[int, dict]) -> None:
        self.script.setdefault(path, []).extend(answers)

    def requests(self, path: str) -> list[dict]:
        return [r for r in self.received if r["path"] == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


SMS_PATH = "/sms/send"
TOKEN_PATH = "/cgi-bin/token"
SEND_PATH = "/cgi-bin/message/template/send"


def sms_gateway() -> FakeServer:
    return FakeServer({SMS_PATH: (200, {"ok": True})})


def wechat_api() -> FakeServer:
    return FakeServer({TOKEN_PATH: (200, {"access_token": "TOKEN-1", "expires_in": 7200}),
                       SEND_PATH: (200, {"errcode": 0, "errmsg": "ok", "msgid": 1})})
