"""`python -m services.cli draw verify`: recompute a published draw from its own inputs.

    python -m services.cli draw verify <session_id> --url http://127.0.0.1:8000
    python -m services.cli draw verify --file draw.json

With --url the draw is read from GET /booking/sessions/<id>/draw and the commitment from the
offer as catalog publishes it (GET /catalog/offers/<offer_id>: allocation.seed_sha256), so the
check does not take booking's word for it. Prints "match" (exit 0) or "mismatch" and each
difference (exit 1); a draw that cannot be read is exit 2.
"""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from shared import draw


def _get(url: str) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                timeout=60) as resp:
        return json.loads(resp.read().decode("utf-8"))


def load(session_id: str | None, url: str | None, path: str | None) -> tuple[dict, str | None]:
    """The draw document, and the commitment the offer shows (None when read from a file)."""
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f), None
    base = url.rstrip("/")
    doc = _get(f"{base}/booking/sessions/{session_id}/draw")
    offer = _get(f"{base}/catalog/offers/{doc['offer_id']}")
    return doc, (offer.get("allocation") or {}).get("seed_sha256")


def run(session_id: str | None, url: str | None, path: str | None) -> int:
    try:
        doc, committed = load(session_id, url, path)
    except (OSError, ValueError, KeyError, urllib.error.URLError) as exc:
        print(f"draw verify: cannot read the draw: {exc}", file=sys.stderr)
        return 2
    if session_id and doc.get("session_id") != session_id:
        print(f"draw verify: the document is the draw of {doc.get('session_id')!r}, not {session_id!r}",
              file=sys.stderr)
        return 2
    problems = draw.verify(doc)
    if committed is not None and committed != doc.get("seed_sha256"):
        problems.insert(0, f"the offer's seed_sha256 ({committed}) is not the draw's ({doc.get('seed_sha256')})")
    entries = doc.get("order") or []
    print(f"session {doc.get('session_id')}: {len(entries)} applicants, {doc.get('places')} places, "
          f"drawn {doc.get('drawn_at')}")
    print(f"seed {doc.get('seed')}\nsha256 {draw.seed_sha256(doc.get('seed') or '')} "
          f"(committed: {committed or doc.get('seed_sha256')})")
    if problems:
        print("mismatch")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("match: the same seed, factors and weights give the same order and the same places")
    return 0
