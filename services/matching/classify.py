"""Classify a worker's free text into one of the 12 need categories.

No network, no model download. Steps: normalise (Traditional -> Simplified,
full-width -> half-width, lower case); find the curated vocabulary's words in
the text (longest first, a longer phrase hiding the words inside it); add a
character-bigram naive Bayes trained on the shipped labelled examples and the
vocabulary itself, which carries phrasings the word list misses. Scores are
returned per category and sum to 1.
"""
from __future__ import annotations

import csv
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from shared.text import add_words, normalise
from shared.vocab import NEED_CATEGORIES

from .lexicon import EXTRA_SEGMENTATION_WORDS, LEXICON

EXAMPLES = Path(__file__).parent / "data" / "examples.csv"
NB_WEIGHT = 2.0      # how much the naive Bayes posterior adds to the word scores
FALLBACK = "other"   # when nothing in the text says anything


@dataclass(frozen=True)
class Classification:
    category: str
    scores: dict[str, float]


def _ngrams(text: str) -> list[str]:
    chars = [c for c in text if not c.isspace()]
    return chars + [a + b for a, b in zip(chars, chars[1:])]


class Classifier:
    def __init__(self, lexicon: dict[str, dict[str, float]], examples: list[tuple[str, str]]):
        self.index: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for category, words in lexicon.items():
            for word, weight in words.items():
                self.index[normalise(word)].append((category, weight))
        self.max_len = max(len(w) for w in self.index)
        self._train_nb(lexicon, examples)

    def _train_nb(self, lexicon, examples) -> None:
        counts = {c: Counter() for c in NEED_CATEGORIES}
        for text, category in examples:
            counts[category].update(_ngrams(normalise(text)))
        for category, words in lexicon.items():
            for word, weight in words.items():
                for gram in _ngrams(normalise(word)):
                    counts[category][gram] += weight / 2
        vocab = set().union(*counts.values())
        denominators = {c: sum(cnt.values()) + len(vocab) for c, cnt in counts.items()}
        # log P(gram | category) with add-one smoothing, one vector per known gram.
        self.nb_logp = {g: tuple(math.log((counts[c].get(g, 0) + 1) / denominators[c]) for c in NEED_CATEGORIES)
                        for g in vocab}

    def word_hits(self, norm: str) -> list[str]:
        """Vocabulary words in the text, longest first, without overlaps."""
        found = []
        n = len(norm)
        for i in range(n):
            for length in range(min(self.max_len, n - i), 0, -1):
                word = norm[i:i + length]
                if word in self.index:
                    found.append((length, i, word))
        taken = [False] * n
        hits = []
        for length, start, word in sorted(found, key=lambda t: (-t[0], t[1])):
            if any(taken[start:start + length]):
                continue
            for k in range(start, start + length):
                taken[k] = True
            hits.append(word)
        return hits

    def _nb_posterior(self, norm: str) -> dict[str, float]:
        vectors = [(g, self.nb_logp[g]) for g in _ngrams(norm) if g in self.nb_logp]
        if not any(len(g) == 2 for g, _ in vectors):
            return {}  # single characters alone say too little
        logs = [sum(column) for column in zip(*(v for _, v in vectors))]
        top = max(logs)
        exp = [math.exp(v - top) for v in logs]
        z = sum(exp)
        return {c: e / z for c, e in zip(NEED_CATEGORIES, exp)}

    def classify(self, text: str) -> Classification:
        norm = normalise(text).replace(" ", "")
        raw = dict.fromkeys(NEED_CATEGORIES, 0.0)
        seen = set()
        for word in self.word_hits(norm):
            if word in seen:
                continue
            seen.add(word)
            for category, weight in self.index[word]:
                raw[category] += weight
        posterior = self._nb_posterior(norm)
        has_words = any(raw.values())
        if not has_words and (not posterior or max(posterior.values()) < 0.5):
            raw[FALLBACK] = 1.0
        else:
            for c, p in posterior.items():
                raw[c] += NB_WEIGHT * p
        total = sum(raw.values())
        scores = {c: round(v / total, 4) for c, v in raw.items()}
        best = max(NEED_CATEGORIES, key=lambda c: (raw[c], c == FALLBACK))
        return Classification(best, scores)


_classifier: Classifier | None = None
_lock = threading.Lock()


def load_examples(path: Path = EXAMPLES) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [(row["text"], row["category"]) for row in csv.DictReader(fh)]


def classifier() -> Classifier:
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                add_words(EXTRA_SEGMENTATION_WORDS)
                _classifier = Classifier(LEXICON, load_examples())
    return _classifier


def classify(text: str) -> Classification:
    return classifier().classify(text)
