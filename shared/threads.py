"""Run relays and consumers in threads until told to stop (SIGTERM / SIGINT)."""
from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger("unionhub.threads")


def start_threads(runners, stop: threading.Event) -> list[threading.Thread]:
    threads = []
    for runner in runners:
        t = threading.Thread(target=runner.run_forever, args=(stop,), daemon=True,
                             name=type(runner).__name__.lower())
        t.start()
        threads.append(t)
    return threads


def run_until_signalled(runners) -> None:
    stop = threading.Event()

    def _stop(signum, _frame):
        log.info("signal %s: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    threads = start_threads(runners, stop)
    while not stop.is_set():
        stop.wait(1.0)
    for t in threads:
        t.join(timeout=5)
