"""The ballot's draw, as a pure function anyone can run again (booking draws; the CLI and the pages verify).

Everything here is published with the draw (GET /booking/sessions/<id>/draw), so that the
order can be recomputed from the document alone:

- The seed is 64 hex characters (32 random bytes) chosen when the offer is published; the
  offer shows `seed_sha256` = SHA-256 of the seed's 64 characters (``echo -n SEED | sha256sum``).
- An applicant is named by a pseudonym: the first 16 hex characters of
  SHA-256("<session_id>:<worker_id>"). Nobody (the applicant, staff, the operator) can pick it.
- weight = the product of the factors that apply (FACTORS): an open need the offer serves x2,
  not served by an offer of the same kind in the last `period_days` x2, a priority worker
  category x1.5, and x0.5 for each no-show in the last 365 days.
- u = (first 8 bytes of HMAC-SHA256(key=seed, msg="<session_id>:<applicant>") as a big-endian
  integer, shifted right by 11, plus 0.5) / 2**53: uniform in (0, 1) and unknowable before the
  seed is revealed.
- key = -ln(u) / weight: an exponential clock of rate `weight` (Efraimidis and Spirakis'
  weighted sampling without replacement; the same order as u ** (1 / weight), largest first).
  The order is by key, smallest first (ties: by applicant); rank 1 is drawn first.
- Places: each quota in turn takes floor(share x places) of the applicants who qualify for it,
  in draw order, among those not yet placed; then the places left go to the rest in draw
  order. Those placed are offered a place; the others wait in draw order.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, field
from typing import NamedTuple

from .vocab import expand_worker_categories

OPEN_NEED, NOT_SERVED_RECENTLY, PRIORITY_CATEGORY, NO_SHOW = 2.0, 2.0, 1.5, 0.5
NO_SHOW_DAYS = 365
FACTORS = {"open_need": OPEN_NEED, "not_served_recently": NOT_SERVED_RECENTLY,
           "priority_category": PRIORITY_CATEGORY, "no_show": NO_SHOW}
ALGORITHM = ("key = -ln(u) / weight, u = (HMAC-SHA256(seed, session_id:applicant)[:8] >> 11 + 0.5) / 2^53; "
             "ascending key; quotas first in draw order, then the rest")


def new_seed() -> str:
    return secrets.token_hex(32)


def seed_sha256(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def applicant(session_id: str, worker_id: str) -> str:
    return hashlib.sha256(f"{session_id}:{worker_id}".encode()).hexdigest()[:16]


class Facts(NamedTuple):
    """What the draw knows of one applicant, as published."""

    open_need: bool = False
    not_served_recently: bool = False
    priority_category: bool = False
    no_shows: int = 0

    def multipliers(self) -> dict[str, float]:
        """Each factor's multiplier (1 when it does not apply); their product is the weight."""
        return {"open_need": OPEN_NEED if self.open_need else 1.0,
                "not_served_recently": NOT_SERVED_RECENTLY if self.not_served_recently else 1.0,
                "priority_category": PRIORITY_CATEGORY if self.priority_category else 1.0,
                "no_shows": NO_SHOW ** self.no_shows}

    @property
    def weight(self) -> float:
        """The product of the multipliers, in their order (the same float as math.prod of multipliers())."""
        return ((((OPEN_NEED if self.open_need else 1.0) * (NOT_SERVED_RECENTLY if self.not_served_recently else 1.0))
                 * (PRIORITY_CATEGORY if self.priority_category else 1.0)) * NO_SHOW ** self.no_shows)


def uniform(seed: str, session_id: str, who: str, _keyed=None) -> float:
    mac = _keyed.copy() if _keyed is not None else hmac.new(seed.encode(), digestmod=hashlib.sha256)
    mac.update(f"{session_id}:{who}".encode())
    return ((int.from_bytes(mac.digest()[:8], "big") >> 11) + 0.5) / 2.0 ** 53


def key(seed: str, session_id: str, who: str, weight: float, _keyed=None) -> float:
    return -math.log(uniform(seed, session_id, who, _keyed)) / weight


def order(seed: str, session_id: str, weights: dict[str, float]) -> list[str]:
    """Applicants (pseudonym -> weight) in draw order."""
    return ranked(uniforms(seed, session_id, weights), weights)


def uniforms(seed: str, session_id: str, applicants) -> dict[str, float]:
    """Each applicant's u (pseudonym -> u)."""
    keyed = hmac.new(seed.encode(), digestmod=hashlib.sha256)  # the key's set-up once, copied per applicant
    return {who: uniform(seed, session_id, who, keyed) for who in applicants}


def ranked(u: dict[str, float], weights: dict[str, float]) -> list[str]:
    """Applicants in draw order from their u (uniforms(), or kept since they applied) and weights: by
    key = -ln(u) / weight, smallest first (ties: by applicant), as key() computes it."""
    keys = {who: (-math.log(u[who]) / w, who) for who, w in weights.items()}
    return sorted(keys, key=keys.__getitem__)


def quota_places(places: int, shares: list[float]) -> list[int]:
    return [math.floor(share * places + 1e-9) for share in shares]


def qualifies(quota: dict, worker_category: str | None, district: str | None) -> bool:
    """A quota names worker categories (groups allowed) and/or districts; an applicant must match each it names."""
    return quota_test(quota)(worker_category, district)


def quota_test(quota: dict):
    """qualifies() for one quota, its sets made once: (worker_category, district) -> bool."""
    categories = expand_worker_categories(quota.get("worker_categories"))
    districts = set(quota.get("districts") or [])
    if not (categories or districts):
        return lambda _category, _district: False
    return lambda category, district: (not categories or category in categories) and \
        (not districts or district in districts)


@dataclass
class Placement:
    offered: dict[str, int | None] = field(default_factory=dict)  # pseudonym -> quota index (None: the rest)
    waiting: list[str] = field(default_factory=list)  # in draw order


def place(ordered: list[str], places: int, quota_shares: list[float], in_quotas: dict[str, set[int]]) -> Placement:
    """Who is offered a place, and under which quota: quotas first in draw order, then the rest."""
    out = Placement()
    for index, wanted in enumerate(quota_places(places, quota_shares)):
        for who in ordered:
            if wanted <= 0 or len(out.offered) >= places:
                break
            if who not in out.offered and index in in_quotas.get(who, ()):
                out.offered[who] = index
                wanted -= 1
    for who in ordered:
        if len(out.offered) >= places:
            break
        out.offered.setdefault(who, None)
    out.waiting = [who for who in ordered if who not in out.offered]
    return out


def _factors_allowed(facts: dict) -> bool:
    """Each multiplier is its factor's or 1; no-shows a whole power of 0.5."""
    if set(facts) != {"open_need", "not_served_recently", "priority_category", "no_shows"}:
        return False
    no_shows = float(facts["no_shows"])
    return (facts["open_need"] in (1, OPEN_NEED) and facts["not_served_recently"] in (1, NOT_SERVED_RECENTLY)
            and facts["priority_category"] in (1, PRIORITY_CATEGORY) and 0 < no_shows <= 1
            and math.log2(no_shows).is_integer())


def verify(document: dict) -> list[str]:
    """Recompute a published draw from its own inputs; the differences found (empty: it matches)."""
    problems = []
    seed, session_id = document["seed"], document["session_id"]
    if seed_sha256(seed) != document["seed_sha256"]:
        problems.append("the seed's SHA-256 is not the seed_sha256 committed at publish")
    published = document["factors"]
    for name, value in FACTORS.items():
        if published.get(name) != value:
            problems.append(f"factor {name} is {published.get(name)!r}, the rule says {value}")
    entries = document["order"]
    weights = {}
    for e in entries:
        facts = e["factors"]
        if not _factors_allowed(facts):
            problems.append(f"{e['applicant']}: factors {facts} are not the published rule's")
        product = math.prod(float(v) for v in facts.values())
        if not math.isclose(product, e["weight"], rel_tol=1e-12):
            problems.append(f"{e['applicant']}: weight {e['weight']} is not the product of its factors ({product})")
        weights[e["applicant"]] = float(e["weight"])
    if len(weights) != len(entries):
        problems.append("an applicant appears twice")
    recomputed = order(seed, session_id, weights)
    published_order = [e["applicant"] for e in sorted(entries, key=lambda e: e["rank"])]
    if [e["rank"] for e in sorted(entries, key=lambda e: e["rank"])] != list(range(1, len(entries) + 1)):
        problems.append("the ranks are not 1..N")
    if recomputed != published_order:
        first = next(i for i, (a, b) in enumerate(zip(recomputed, published_order)) if a != b) \
            if len(recomputed) == len(published_order) else 0
        problems.append(f"the order differs from rank {first + 1}: recomputed {recomputed[first:first + 3]}, "
                        f"published {published_order[first:first + 3]}")
    shares = [q["share"] for q in document.get("quotas") or []]
    placement = place(recomputed, document["places"], shares,
                      {e["applicant"]: set(e.get("in_quotas") or []) for e in entries})
    for e in entries:
        won = e["applicant"] in placement.offered
        if won != (e["result"] == "offered") or (won and placement.offered[e["applicant"]] != e["quota"]):
            problems.append(f"{e['applicant']} (rank {e['rank']}): published {e['result']} (quota {e['quota']}), "
                            f"recomputed {'offered' if won else 'waitlisted'} "
                            f"(quota {placement.offered.get(e['applicant'])})")
            if len(problems) > 20:
                break
    return problems
