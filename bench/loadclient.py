"""A small asyncio HTTP/1.1 client for load: keep-alive connections, no threads.

The same client measures both the sign-ups and GET /booking/healthz, so their
rates compare fairly on a machine the client shares with the server.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    status: int
    latency_ms: float
    body: bytes
    request: int = -1  # its index in the list of requests
    attempts: int = 1


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    retried: dict = field(default_factory=dict)  # answer (599: no connection) -> how many times sent again

    @property
    def retries(self) -> int:
        return sum(self.retried.values())

    @property
    def rate(self) -> float:
        return len(self.results) / self.seconds if self.seconds else 0.0


async def _request(reader, writer, host: str, method: str, path: str, headers: dict, body: bytes | None):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Connection: {headers.get('Connection', 'keep-alive')}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k != "Connection"]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    data = await reader.readexactly(length) if length else b""
    return status, data, close


async def _run(host: str, port: int, requests: list[tuple], concurrency: int, retry, attempts: int) -> Run:
    queue: asyncio.Queue = asyncio.Queue()
    for item in enumerate(requests):
        queue.put_nowait(item)
    run = Run()

    async def connection():
        reader = writer = None
        while True:
            try:
                index, (method, path, headers, body) = queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            for attempt in range(attempts):
                last = attempt == attempts - 1
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    t0 = time.perf_counter()
                    status, data, close = await _request(reader, writer, f"{host}:{port}", method, path, headers, body)
                    if close:
                        writer.close()
                        writer = None
                    if retry and not last and retry(status, data):
                        run.retried[status] = run.retried.get(status, 0) + 1
                        await asyncio.sleep(min(0.1 * 2 ** attempt, 2.0))
                        continue
                    run.results.append(Result(status, (time.perf_counter() - t0) * 1000, data, index, attempt + 1))
                    break
                except (ConnectionError, asyncio.IncompleteReadError, OSError, ValueError, IndexError):
                    if writer is not None:
                        writer.close()
                    writer = None
                    if last:
                        run.results.append(Result(599, 0.0, b"connection failed", index, attempt + 1))
                    elif retry:
                        run.retried[599] = run.retried.get(599, 0) + 1
                        await asyncio.sleep(min(0.1 * 2 ** attempt, 2.0))
        if writer is not None:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - t0
    return run


def load(host: str, port: int, requests: list[tuple], concurrency: int = 64, *, retry=None, attempts: int = 3) -> Run:
    """requests: (method, path, headers, body-bytes-or-None) tuples, sent as fast as the server answers.

    A request whose connection fails is sent again, up to `attempts` times in all. With
    `retry(status, body) -> bool` an answer it says yes to is sent again too, after a
    growing pause (0.1 s, 0.2 s, ... up to 2 s), as is a failed connection."""
    return asyncio.run(_run(host, port, requests, concurrency, retry, attempts))


def json_request(method: str, path: str, token: str | None, payload: dict | None) -> tuple:
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return method, path, headers, json.dumps(payload).encode() if payload is not None else None


async def once(host: str, port: int, method: str, path: str, headers: dict, body: bytes | None,
               timeout: float) -> tuple[str | int, float]:
    """One request on a connection of its own, closed after: (status, or why there was none; ms taken).

    Why: "refused" (nothing accepted the connection), "reset" (reset or closed before an answer),
    "timeout" (no answer within timeout seconds, connecting included), or the error's name."""
    t0 = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            status, _, _ = await _request(reader, writer, f"{host}:{port}", method, path,
                                          {**headers, "Connection": "close"}, body)
        outcome: str | int = status
    except TimeoutError:
        outcome = "timeout"
    except ConnectionRefusedError:
        outcome = "refused"
    except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError, IndexError):
        outcome = "reset"  # IndexError: the connection closed before a status line
    except (OSError, ValueError) as exc:
        outcome = type(exc).__name__
    finally:
        if writer is not None:
            writer.close()
    return outcome, (time.perf_counter() - t0) * 1000
