"""The reach rule (services/matching/reach.py): pure form against the definition, SQL form against
the pure form, and the union tree arriving from catalog's events."""
import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text

from services.matching.models import Profile, Union
from services.matching.reach import EVERYONE, Reach, UnionNode, reach_of, staff_reach
from shared.auth import Principal
from shared.db import to_path
from shared.events import Envelope, stream_name
from tests.factories import union_tree

DISTRICTS = ["gusu", "sip", "wujiang", "kunshan"]


@st.composite
def trees(draw):
    """A forest of unions: each one's parent is an earlier union or none."""
    n = draw(st.integers(min_value=1, max_value=9))
    nodes = []
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.sampled_from(nodes))) if nodes else None
        path = (parent.path if parent else ()) + (f"u{i}",)
        nodes.append(UnionNode(f"u{i}", parent.union_id if parent else None, draw(st.sampled_from(DISTRICTS)), path))
    return nodes


def by_definition(staff: str, nodes: list[UnionNode], union_id, district) -> bool:
    """API.md's words, walked on parent links (no paths): the reference the rule is tested against."""
    parents = {u.union_id: u.parent_id for u in nodes}

    def at_or_below(u):
        while u is not None:
            if u == staff:
                return True
            u = parents.get(u)
        return False

    if staff in parents and parents[staff] is None:
        return True  # the city federation reaches everyone
    if union_id is not None:
        return at_or_below(union_id) or union_id == staff
    return district is not None and any(at_or_below(u.union_id) and u.district == district for u in nodes)


@settings(max_examples=300, deadline=None)
@given(trees(), st.data())
def test_staff_reach_is_the_rule_of_api_md(nodes, data):
    staff = data.draw(st.sampled_from([u.union_id for u in nodes] + ["u-unknown"]))
    union_id = data.draw(st.one_of(st.none(), st.sampled_from([u.union_id for u in nodes] + ["u-gone"])))
    district = data.draw(st.one_of(st.none(), st.sampled_from(DISTRICTS)))
    subtree = [u for u in nodes if staff in u.path]
    assert staff_reach(staff, subtree).covers("w", union_id, district) == by_definition(staff, nodes, union_id,
                                                                                       district)


def test_workers_and_admins():
    assert Reach(worker="w1").covers("w1", None, None) and not Reach(worker="w1").covers("w2", "u", "sip")
    assert EVERYONE.covers("anyone", None, None)


TREE = [  # id, parent, district: a city, two districts, an enterprise in sip
    ("c", None, "gusu"), ("s", "c", "sip"), ("e", "s", "sip"), ("g", "c", "gusu"), ("k", "c", "kunshan")]
PROFILES = [  # worker, union_id, district
    ("m-e-gusu", "e", "gusu"), ("m-g-sip", "g", "sip"), ("m-s", "s", "sip"), ("n-sip", None, "sip"),
    ("n-gusu", None, "gusu"), ("n-kunshan", None, "kunshan"), ("n-wujiang", None, "wujiang"),
    ("m-unknown", "u-gone", "sip")]
EXPECTED = {  # who each union's staff reach
    "c": {w for w, _, _ in PROFILES},
    "s": {"m-e-gusu", "m-s", "n-sip"},
    "e": {"m-e-gusu", "n-sip"},  # an enterprise in sip: its members, and sip's non-members (API.md's rule)
    "g": {"m-g-sip", "n-gusu"},
    "k": {"n-kunshan"},
    "nowhere": set(),
}


def test_the_sql_form_selects_what_the_rule_says(dbs):
    db = dbs["matching"]
    with db.transaction() as s:
        paths = {}
        for uid, parent, district in TREE:
            paths[uid] = (paths[parent] if parent else []) + [uid]
            s.execute(insert(Union), [{"union_id": uid, "parent_id": parent, "district": district,
                                       "path": to_path(paths[uid])}])
        s.execute(insert(Profile), [{"worker_id": w, "union_id": u, "district": d, "birth_date": date(1995, 1, 1), "birth_ymd": 19950101, "worker_category": "other", "union_member": bool(u),
            "employer": "", "children_birth_years": [], "revision": 1} for w, u, d in PROFILES])
    with db.transaction() as s:
        rows = {w: (u, d) for w, u, d in PROFILES}
        for union, expected in EXPECTED.items():
            reach = reach_of(s, Principal(sub="staff", role="staff", union_id=union))
            selected = set(s.scalars(select(Profile.worker_id).where(reach.sql())))
            assert selected == expected, union
            assert {w for w, (u, d) in rows.items() if reach.covers(w, u, d)} == expected, union
        assert set(s.scalars(select(Profile.worker_id).where(reach_of(s, Principal("a", "admin")).sql()))) == set(rows)
        assert set(s.scalars(select(Profile.worker_id).where(reach_of(s, Principal("n-sip", "worker")).sql()))) \
            == {"n-sip"}


def test_catalog_unions_reach_matching_through_events(client, admin, pump, dbs, redis_client, configs):
    tree = union_tree(client, admin)
    pump()
    stream = stream_name(configs["catalog"].stream_prefix, "catalog")
    created = [Envelope.from_fields(f) for _, f in redis_client.xrange(stream)]
    assert [e.type for e in created] == ["union.created"] * 4
    ent = next(e.data for e in created if e.data["union_id"] == tree["ent"]["id"])
    assert ent == {"union_id": tree["ent"]["id"], "name": "某企业工会", "district": "sip",
                   "parent_id": tree["sip"]["id"], "path": [tree["city"]["id"], tree["sip"]["id"], tree["ent"]["id"]]}
    with dbs["matching"].transaction() as s:
        held = {u.union_id: (u.parent_id, u.district, u.path_ids) for u in s.scalars(select(Union))}
    assert held[tree["ent"]["id"]] == (tree["sip"]["id"], "sip", ent["path"])
    assert held[tree["city"]["id"]] == (None, "gusu", [tree["city"]["id"]])
    assert len(held) == 4


def test_unions_made_before_union_events_are_published_by_the_migration(tmp_path):
    """Catalog's migration 0002: a database loaded earlier (the demo's unions) still feeds matching."""
    from alembic import command
    from sqlalchemy import create_engine

    from shared.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    cfg = alembic_config("catalog", url)
    command.upgrade(cfg, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO catalog_unions (id, name, district, parent_id, path, created_at) VALUES "
                          "('u-c', '市总工会', 'gusu', NULL, '/u-c/', '2026-01-01 00:00:00'), "
                          "('u-b', '船员工会', 'wujiang', 'u-c', '/u-c/u-b/', '2026-01-01 00:00:00')"))
    command.upgrade(cfg, "head")
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT type, payload, published_at FROM catalog_outbox ORDER BY seq")).all()
    engine.dispose()
    assert [(t, json.loads(p), published) for t, p, published in rows] == [
        ("union.created", {"union_id": "u-c", "name": "市总工会", "district": "gusu", "parent_id": None,
                           "path": ["u-c"]}, None),
        ("union.created", {"union_id": "u-b", "name": "船员工会", "district": "wujiang", "parent_id": "u-c",
                           "path": ["u-c", "u-b"]}, None)]
