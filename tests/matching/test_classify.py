"""The classifier on a labelled set it was never trained on (tests/matching/labelled_needs.csv)."""
import csv
from collections import Counter
from pathlib import Path

import opencc
import pytest

from services.matching.classify import classify
from shared.vocab import NEED_CATEGORIES
from tests.helpers import assert_problem

LABELLED = list(csv.DictReader((Path(__file__).parent / "labelled_needs.csv").open(encoding="utf-8")))
FLOOR = 0.95


def test_the_labelled_set_is_big_enough_in_every_category():
    counts = Counter(r["category"] for r in LABELLED)
    assert set(counts) == set(NEED_CATEGORIES)
    assert min(counts.values()) >= 20


def test_accuracy_on_the_labelled_set(record_property):
    hits = sum(classify(r["text"]).category == r["category"] for r in LABELLED)
    accuracy = hits / len(LABELLED)
    record_property("classifier_accuracy", accuracy)
    print(f"\nclassifier accuracy: {hits}/{len(LABELLED)} = {accuracy:.3f}")
    assert accuracy >= FLOOR


@pytest.mark.parametrize("category", NEED_CATEGORIES)
def test_every_category_is_recognised(category):
    rows = [r for r in LABELLED if r["category"] == category]
    hits = sum(classify(r["text"]).category == category for r in rows)
    assert hits / len(rows) >= 0.85


def test_the_script_does_not_change_the_answer():
    to_traditional = opencc.OpenCC("s2t")
    differ = [r["text"] for r in LABELLED
              if classify(r["text"]).category != classify(to_traditional.convert(r["text"])).category]
    assert len(differ) <= len(LABELLED) * 0.02, differ


@pytest.mark.parametrize("text, category", [
    ("孩子放学没人接", "childcare"), ("孩子放學沒人接", "childcare"), ("體檢", "health_checkup"),
    ("希望增加住房补贴", "wages_benefits"), ("宿舍有洗衣房就好了", "other"), ("给自己充充电", "skills_learning"),
])
def test_indirect_and_tricky_phrasings(text, category):
    assert classify(text).category == category


def test_scores_cover_all_categories_and_sum_to_one():
    result = classify("司机长期开车腰不好，想要免费体检")
    assert set(result.scores) == set(NEED_CATEGORIES)
    assert abs(sum(result.scores.values()) - 1) < 0.01
    assert result.scores["health_checkup"] == max(result.scores.values())


@pytest.mark.parametrize("text", ["今天天气不错", "？？？", "asdf", "1234567"])
def test_text_saying_nothing_is_other(text):
    assert classify(text).category == "other"


def test_classify_endpoint(client, token):
    resp = client.post("/matching/classify", {"text": "希望療休養時間更靈活"}, token=token("worker"))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["category"] == "rest_recuperation" and len(body["scores"]) == 12


def test_classify_endpoint_unhappy_paths(client, token):
    assert_problem(client.post("/matching/classify", {"text": "体检"}), 401)
    assert_problem(client.post("/matching/classify", {}, token=token("worker")), 422)
    assert_problem(client.post("/matching/classify", {"text": ""}, token=token("worker")), 422)
    assert_problem(client.post("/matching/classify", {"text": "x" * 1001}, token=token("worker")), 422)
    assert_problem(client.post("/matching/classify", {"text": "a", "lang": "zh"}, token=token("worker")), 422)
