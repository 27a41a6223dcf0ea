"""The shared eligibility rule, and the SQL form matching uses, agree."""
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Integer, String, literal, select, true

from services.matching.matches import age_ok, static_eligibility
from services.matching.readmodel import _csv
from shared.eligibility import WorkerAttrs, age_on, check, ymd
from shared.vocab import DISTRICTS, WORKER_CATEGORIES, expand_worker_categories

TODAY = date(2026, 11, 24)


def worker(**kw):
    base = dict(birth_date=date(1996, 5, 1), district="sip", worker_category="ride_hailing_driver", union_member=True)
    base.update(kw)
    return WorkerAttrs(**base)


def test_age_bounds_are_inclusive():
    forty_today = WorkerAttrs(date(1986, 11, 24), "sip", "courier", False)
    forty_tomorrow = WorkerAttrs(date(1986, 11, 25), "sip", "courier", False)
    assert age_on(forty_today.birth_date, TODAY) == 40 and age_on(forty_tomorrow.birth_date, TODAY) == 39
    assert check({"max_age": 40}, forty_today, TODAY) == []
    assert check({"max_age": 39}, forty_today, TODAY)[0].rule == "max_age"
    assert check({"min_age": 40}, forty_tomorrow, TODAY)[0].rule == "min_age"


def test_leap_day_birthdays():
    leap = date(2000, 2, 29)
    assert age_on(leap, date(2018, 2, 28)) == 17 and age_on(leap, date(2018, 3, 1)) == 18


def test_new_employment_group_and_other_rules():
    assert check({"worker_categories": ["new_employment"]}, worker(worker_category="courier"), TODAY) == []
    assert check({"worker_categories": ["new_employment"]}, worker(worker_category="boat_crew"), TODAY)[0].rule \
        == "worker_categories"
    assert check({"districts": ["gusu"]}, worker(), TODAY)[0].rule == "districts"
    assert check({"members_only": True}, worker(union_member=False), TODAY)[0].rule == "members_only"
    failures = check({"max_age": 20, "districts": ["gusu"], "members_only": True}, worker(union_member=False), TODAY)
    assert [f.rule for f in failures] == ["max_age", "districts", "members_only"]
    assert all(f.message for f in failures)


eligibilities = st.fixed_dictionaries({
    "min_age": st.one_of(st.none(), st.integers(14, 60)),
    "max_age": st.one_of(st.none(), st.integers(14, 60)),
    "worker_categories": st.lists(st.sampled_from(list(WORKER_CATEGORIES) + ["new_employment"]), max_size=3),
    "districts": st.lists(st.sampled_from(list(DISTRICTS)), max_size=3),
    "members_only": st.booleans(),
})
workers = st.builds(WorkerAttrs, birth_date=st.dates(date(1960, 1, 1), date(2010, 12, 31)),
                    district=st.sampled_from(list(DISTRICTS)), worker_category=st.sampled_from(WORKER_CATEGORIES),
                    union_member=st.booleans())


def _row(**columns):
    """A one-row SELECT of typed literals, standing in for a table row."""
    return select(*[literal(value, type_).label(name) for name, (value, type_) in columns.items()]).subquery()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(elig=eligibilities, w=workers, today=st.dates(date(2026, 1, 1), date(2030, 12, 31)))
def test_sql_form_agrees_with_the_rule(dbs, elig, w, today):
    o = _row(min_age=(elig["min_age"], Integer()), max_age=(elig["max_age"], Integer()),
             worker_categories=(_csv(expand_worker_categories(elig["worker_categories"])), String()),
             districts=(_csv(elig["districts"]), String()), members_only=(elig["members_only"], Boolean()))
    p = _row(birth_ymd=(ymd(w.birth_date), Integer()), district=(w.district, String()),
             worker_category=(w.worker_category, String()), union_member=(w.union_member, Boolean()))
    with dbs["matching"].transaction() as s:
        got = s.execute(select(static_eligibility(o.c, p.c) & age_ok(today, o.c, p.c))
                        .select_from(o).join(p, true())).scalar()
    assert bool(got) == (check(elig, w, today) == [])
