"""The draw as a pure function: weights hold statistically, quotas first, the same inputs give the same order."""
import copy
import hashlib
import math
from collections import Counter
from itertools import permutations

import pytest

from shared import draw

# Critical values of the chi-square distribution at p = 0.001 (df: value). The seeds are fixed, so the
# statistic is the same number on every run: these tests cannot flake, and a wrong weighting fails them.
CHI2_999 = {3: 16.266, 11: 31.264}


def seeds(n: int, salt: str = "weights"):
    return [hashlib.sha256(f"{salt}-{i}".encode()).hexdigest() for i in range(n)]


def chi_square(observed: Counter, expected: dict) -> float:
    return sum((observed[k] - e) ** 2 / e for k, e in expected.items())


WEIGHTS = {"a": 1.0, "b": 2.0, "c": 4.0, "d": 0.5}


def test_who_is_drawn_first_follows_the_weights():
    runs = 6000
    firsts = Counter(draw.order(seed, "ses_1", WEIGHTS)[0] for seed in seeds(runs))
    total = sum(WEIGHTS.values())
    expected = {k: runs * w / total for k, w in WEIGHTS.items()}
    assert chi_square(firsts, expected) < CHI2_999[3], (firsts, expected)
    assert firsts["c"] > firsts["b"] > firsts["a"] > firsts["d"]


def test_the_first_two_follow_sampling_without_replacement():
    """P(i first, then j) = w_i / W * w_j / (W - w_i): the order is drawn without replacement."""
    runs = 8000
    pairs = Counter(tuple(draw.order(seed, "ses_2", WEIGHTS)[:2]) for seed in seeds(runs, "pairs"))
    total = sum(WEIGHTS.values())
    expected = {(i, j): runs * WEIGHTS[i] / total * WEIGHTS[j] / (total - WEIGHTS[i])
                for i, j in permutations(WEIGHTS, 2)}
    assert chi_square(pairs, expected) < CHI2_999[11], pairs


def test_the_factors_multiply():
    assert draw.Facts().weight == 1.0
    assert draw.Facts(open_need=True, not_served_recently=True).weight == 4.0
    assert draw.Facts(open_need=True, not_served_recently=True, priority_category=True).weight == 6.0
    assert draw.Facts(open_need=True, no_shows=2).weight == 0.5
    assert draw.Facts(priority_category=True, no_shows=1).multipliers() == {
        "open_need": 1.0, "not_served_recently": 1.0, "priority_category": 1.5, "no_shows": 0.5}


def test_the_same_inputs_give_the_same_order_and_another_seed_another():
    weights = {f"p{i:03d}": [1.0, 2.0, 4.0, 1.5][i % 4] for i in range(300)}
    seed = "ab" * 32
    first = draw.order(seed, "ses_x", weights)
    assert draw.order(seed, "ses_x", dict(reversed(list(weights.items())))) == first  # arrival order: no matter
    assert draw.order("cd" * 32, "ses_x", weights) != first
    assert draw.order(seed, "ses_y", weights) != first  # each session its own order from the one seed


def test_the_key_is_documented_arithmetic():
    seed, sid, who = "00" * 32, "ses_doc", "0123456789abcdef"
    import hmac
    digest = hmac.new(seed.encode(), f"{sid}:{who}".encode(), hashlib.sha256).digest()
    u = ((int.from_bytes(digest[:8], "big") >> 11) + 0.5) / 2 ** 53
    assert 0 < u < 1 and draw.key(seed, sid, who, 2.0) == -math.log(u) / 2.0
    assert draw.applicant("ses_doc", "w1") == hashlib.sha256(b"ses_doc:w1").hexdigest()[:16]
    assert draw.seed_sha256("ab" * 32) == hashlib.sha256(("ab" * 32).encode()).hexdigest()


def test_quotas_are_filled_first_in_draw_order_then_the_rest():
    ordered = [f"p{i}" for i in range(10)]
    in_quotas = {"p6": {0}, "p8": {0}, "p9": {0}, "p7": {1}}
    placed = draw.place(ordered, 4, [0.5, 0.25], in_quotas)  # quota 0: 2 places, quota 1: 1 place
    assert placed.offered == {"p6": 0, "p8": 0, "p7": 1, "p0": None}
    assert placed.waiting == ["p1", "p2", "p3", "p4", "p5", "p9"]
    # A quota nobody fills leaves its places to the rest; one qualifying for two counts once.
    placed = draw.place(ordered, 3, [0.7], {"p5": {0, 1}})
    assert placed.offered == {"p5": 0, "p0": None, "p1": None}
    assert draw.quota_places(10, [0.3, 0.7]) == [3, 7] and draw.quota_places(7, [0.29]) == [2]
    assert draw.place(ordered[:2], 5, [], {}).offered == {"p0": None, "p1": None}


@pytest.mark.parametrize("quota, category, district, ok", [
    ({"worker_categories": ["new_employment"], "districts": []}, "courier", "sip", True),
    ({"worker_categories": ["new_employment"], "districts": []}, "office_worker", "sip", False),
    ({"worker_categories": [], "districts": ["gusu"]}, "courier", "sip", False),
    ({"worker_categories": ["courier"], "districts": ["sip"]}, "courier", "sip", True),
    ({"worker_categories": ["courier"], "districts": ["gusu"]}, "courier", "sip", False),
    ({"worker_categories": [], "districts": []}, "courier", "sip", False),
    ({"worker_categories": ["courier"], "districts": []}, None, None, False),
])
def test_who_qualifies_for_a_quota(quota, category, district, ok):
    assert draw.qualifies(quota, category, district) is ok


def published(n=40, places=6):
    seed = draw.new_seed()
    facts = [draw.Facts(open_need=i % 2 == 0, not_served_recently=i % 3 == 0, priority_category=i % 5 == 0,
                        no_shows=i % 7 == 0) for i in range(n)]
    names = [draw.applicant("ses_v", f"w{i}") for i in range(n)]
    weights = {who: f.weight for who, f in zip(names, facts)}
    ordered = draw.order(seed, "ses_v", weights)
    in_quotas = {who: ({0} if i % 4 == 0 else set()) for i, who in enumerate(names)}
    placed = draw.place(ordered, places, [0.5], in_quotas)
    rank = {who: i + 1 for i, who in enumerate(ordered)}
    order = [{"applicant": who, "weight": f.weight, "factors": f.multipliers(), "rank": rank[who],
              "quota": placed.offered.get(who), "in_quotas": sorted(in_quotas[who]),
              "result": "offered" if who in placed.offered else "waitlisted"}
             for who, f in zip(names, facts)]
    return {"session_id": "ses_v", "seed": seed, "seed_sha256": draw.seed_sha256(seed), "places": places,
            "factors": dict(draw.FACTORS), "quotas": [{"worker_categories": ["courier"], "districts": [],
                                                       "share": 0.5}],
            "order": sorted(order, key=lambda e: e["rank"])}


def test_verify_finds_a_true_draw_true_and_any_tampering():
    doc = published()
    assert draw.verify(doc) == []
    tampered = []
    bad = copy.deepcopy(doc)
    bad["seed"] = draw.new_seed()
    tampered.append(bad)
    bad = copy.deepcopy(doc)
    bad["order"][0]["rank"], bad["order"][1]["rank"] = 2, 1
    tampered.append(bad)
    bad = copy.deepcopy(doc)  # a factor claimed that the weight does not carry
    last = bad["order"][-1]
    last["factors"]["priority_category"] = 1.0 if last["factors"]["priority_category"] == 1.5 else 1.5
    tampered.append(bad)
    bad = copy.deepcopy(doc)
    bad["order"][0]["weight"] *= 3
    tampered.append(bad)
    bad = copy.deepcopy(doc)
    winner = next(e for e in bad["order"] if e["result"] == "offered")
    loser = next(e for e in bad["order"] if e["result"] == "waitlisted")
    winner["result"], loser["result"] = "waitlisted", "offered"
    tampered.append(bad)
    bad = copy.deepcopy(doc)
    bad["factors"]["open_need"] = 3.0
    tampered.append(bad)
    for doc in tampered:
        assert draw.verify(doc), doc
