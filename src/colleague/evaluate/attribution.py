"""Attribution: can the profiles built from the build part tell who wrote a held-out message?

For every evaluated person a style profile is built from their build-part messages only; then
each person's held-out messages are attributed among all evaluated people, one at a time and in
batches of consecutive messages (default sizes 1, 5 and 20; a batch never mixes people, a
trailing short batch is dropped). Top-1 accuracy per batch size is reported, beside a plain
baseline scored on exactly the same batches in the same run.

Our profile: a log-linear model over the aspects a Skill describes (`_features.GROUPS`: words
and phrases, character 3-grams, message shape, active hours, zone, conversations, whom they
answer and address, touched paths) plus how much each person writes (the prior). Each group is
a multinomial naive Bayes model whose per-person distribution is smoothed towards the team's
(Dirichlet prior with mass `MU[group]`, the team = the build parts of everyone evaluated):

    score(p | message) = w_prior · log n_p/n + Σ_g w_g · Σ_{f in message, group g} log P_g(f | p)

and a batch scores the sum over its messages. The group weights `w` correct the naive Bayes
independence assumption (character n-grams overlap, words repeat them) and say how much each
aspect is worth on this corpus. They are fit on the build part alone: the model is trained on
the first `1 - VALIDATION` of each person's build messages and the weights chosen, by
coordinate ascent over a fixed grid, to maximise the mean log-probability of the true writer on
the last `VALIDATION` (single messages and batches of 5 and 20, each size counting equally);
the final model is then trained on the whole build part with those weights. Held-out messages
with no text are left out (of both scorers' batches alike).

Baseline: lower-cased character 2–4-gram TF-IDF (raw counts, smoothed idf over the build
messages); each person's centroid is the mean of their L2-normalised build message vectors,
normalised; a batch goes to the person whose centroid has the highest cosine with the batch's
vector (the sum of its messages' counts — the batch's own norm does not change the ranking).

Everything is deterministic: no sampling, people in id order, messages in the order given.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from colleague.analyze.model import Msg, PersonData
from colleague.evaluate._features import GROUPS, baseline_grams, message_features

BATCH_SIZES: tuple[int, ...] = (1, 5, 20)
VALIDATION = 0.2  # the late share of each build part that the weights are fit on
VALIDATION_CAP = 1600  # validation messages in all (spread over people): bounds the fit's cost
# Dirichlet prior mass per group: how many team-distributed observations a person starts with.
MU: dict[str, float] = {
    "words": 2000.0, "chars": 5000.0, "shape": 300.0, "hours": 50.0, "zone": 10.0,
    "venue": 10.0, "counterpart": 30.0, "paths": 50.0,
}
MIN_TEAM_COUNT = {"words": 2, "chars": 2}  # rarer features are left out (memory, noise)
_GRID = (0.0, 0.25, 0.5, 0.75, 1.33, 2.0, 4.0)  # multipliers of a weight tried per round
_START = 1.0
_FIT_SIZES = (1, 5, 20)  # batch sizes the weights are fit on, each counting equally
_ROUNDS = 2
_PRIOR = "prior"


@dataclass
class AttributionResult:
    """Top-1 accuracies as fractions (0–1), keyed by batch size as a string ("1", "5", "20")."""

    overall: dict[str, float]  # over all batches of all people
    baseline: dict[str, float]  # the n-gram baseline on the same batches
    per_person: dict[int, dict[str, float | None]]  # None: no batch of that size
    baseline_per_person: dict[int, dict[str, float | None]]
    counts: dict[str, int]  # batches per size
    macro: dict[str, float]  # mean of per-person accuracies (people with a batch of that size)
    baseline_macro: dict[str, float]
    weights: dict[str, float] = field(default_factory=dict)  # fitted group weights


# -- the profile model --------------------------------------------------------------------------


class _Group:
    """Multinomial naive Bayes for one feature group, smoothed towards the team distribution.

    log P(f | p) = log((c_pf + mu·q_f) / (N_p + mu)). The term log(mu·q_f) is the same for every
    person, so it is left out: what is stored per person is log(1 + c_pf / (mu·q_f)) for the
    features they used, and each in-vocabulary feature costs log(N_p + mu)."""

    def __init__(self, counts: Sequence[Counter[str]], mu: float, min_count: int) -> None:
        team: Counter[str] = Counter()
        for c in counts:
            team.update(c)
        self.vocab = {f for f, n in team.items() if n >= min_count}
        total = sum(n for f, n in team.items() if f in self.vocab)
        smooth = 0.5 / max(total + 0.5 * len(self.vocab), 1.0)
        unit = 1.0 / max(total + 0.5 * len(self.vocab), 1.0)
        self.tables: list[dict[str, float]] = []
        self.norms: list[float] = []
        for c in counts:
            table = {
                f: math.log1p(n / (mu * (team[f] * unit + smooth)))
                for f, n in c.items() if f in self.vocab
            }
            self.tables.append(table)
            self.norms.append(math.log(sum(n for f, n in c.items() if f in self.vocab) + mu))

    def score(self, feats: Iterable[str]) -> list[float]:
        fs = [f for f in feats if f in self.vocab]
        if not fs:
            return [0.0] * len(self.tables)
        k = len(fs)
        return [sum(map(t.get, fs, repeat(0.0))) - k * n
                for t, n in zip(self.tables, self.norms, strict=True)]


class _Profiles:
    """One `_Group` per feature group and the prior, trained on the given messages."""

    def __init__(self, feats: Sequence[Sequence[dict[str, list[str]]]]) -> None:
        n = sum(len(fs) for fs in feats) or 1
        self.prior = [math.log((len(fs) + 1) / (n + len(feats))) for fs in feats]
        self.groups: dict[str, _Group] = {}
        for g in GROUPS:
            counts = []
            for fs in feats:
                c: Counter[str] = Counter()
                for f in fs:
                    c.update(f.get(g, ()))
                counts.append(c)
            self.groups[g] = _Group(counts, MU[g], MIN_TEAM_COUNT.get(g, 1))

    def scores(self, f: dict[str, list[str]], only: Iterable[str] = GROUPS) -> dict[str, list[float]]:
        out = {g: self.groups[g].score(f[g]) for g in GROUPS if f.get(g) and g in only}
        out[_PRIOR] = self.prior
        return out


def _combine(scores: dict[str, list[float]], weights: dict[str, float], size: int) -> list[float]:
    total = [0.0] * size
    for g, s in scores.items():
        w = weights.get(g, 0.0)
        if w:
            total = [a + w * b for a, b in zip(total, s, strict=True)]
    return total


# -- fitting the weights ------------------------------------------------------------------------


def _log_prob(scores: list[float], true: int) -> float:
    top = max(scores)
    return scores[true] - top - math.log(sum(math.exp(s - top) for s in scores))


def _objective(items: list[tuple[list[float], int]], share: list[float]) -> float:
    return sum(w * _log_prob(s, t) for (s, t), w in zip(items, share, strict=True))


def _fit_weights(
    val: list[tuple[int, list[dict[str, list[float]]]]], size: int
) -> dict[str, float]:
    """Group weights maximising the true writer's mean log-probability on validation batches
    (each size in `_FIT_SIZES` counting equally), by coordinate ascent from all-ones, trying
    the multiples `_GRID` of each weight in turn."""
    keys = [_PRIOR, *GROUPS]
    weights = dict.fromkeys(keys, _START)
    units: list[tuple[int, dict[str, list[float]]]] = []
    share: list[float] = []
    for k in _FIT_SIZES:
        before = len(units)
        for who, msgs in val:
            for i in range(0, len(msgs) - k + 1, k):
                summed: dict[str, list[float]] = {}
                for m in msgs[i : i + k]:
                    for g, s in m.items():
                        prev = summed.get(g)
                        summed[g] = list(s) if prev is None else [
                            a + b for a, b in zip(prev, s, strict=True)]
                units.append((who, summed))
        if len(units) > before:
            share += [1.0 / (len(units) - before)] * (len(units) - before)
    if not units:
        return weights
    zero = [0.0] * size
    totals = [_combine(s, weights, size) for _, s in units]
    best = _objective([(t, who) for t, (who, _) in zip(totals, units, strict=True)], share)
    for _ in range(_ROUNDS):
        changed = False
        for g in keys:
            w = weights[g]
            parts = [s.get(g, zero) for _, s in units]
            base = [[a - w * b for a, b in zip(t, p, strict=True)] for t, p in zip(totals, parts, strict=True)]
            choice, choice_obj = w, best
            for mult in _GRID:
                cand = w * mult if w else mult * 0.125
                if cand == w:
                    continue
                obj = _objective([
                    ([a + cand * b for a, b in zip(bt, p, strict=True)], who)
                    for bt, p, (who, _) in zip(base, parts, units, strict=True)
                ], share)
                if obj > choice_obj + 1e-9:
                    choice, choice_obj = cand, obj
            if choice != w:
                changed = True
                weights[g] = choice
                best = choice_obj
                totals = [[a + choice * b for a, b in zip(bt, p, strict=True)]
                          for bt, p in zip(base, parts, strict=True)]
        if not changed:
            break
    return {g: round(w, 4) for g, w in weights.items()}


# -- the baseline -------------------------------------------------------------------------------


class _Baseline:
    """Character 2–4-gram TF-IDF, cosine to each person's centroid."""

    def __init__(self, texts: Sequence[Sequence[str]]) -> None:
        grams = [[Counter(baseline_grams(t)) for t in ts] for ts in texts]
        df: Counter[str] = Counter()
        for gs in grams:
            for c in gs:
                df.update(c.keys())
        n = sum(len(gs) for gs in grams)
        self.idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
        self.centroids: list[dict[str, float]] = []
        for gs in grams:
            cent: dict[str, float] = {}
            for c in gs:
                vec = {f: k * self.idf[f] for f, k in c.items()}
                norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
                for f, v in vec.items():
                    cent[f] = cent.get(f, 0.0) + v / norm
            norm = math.sqrt(sum(v * v for v in cent.values())) or 1.0
            # idf folded in: a message's score is then the plain sum over its grams.
            self.centroids.append({f: v / norm * self.idf[f] for f, v in cent.items()})

    def score(self, text: str) -> list[float]:
        grams = [g for g in baseline_grams(text) if g in self.idf]
        return [sum(map(c.get, grams, repeat(0.0))) for c in self.centroids]


# -- batches and accuracy -----------------------------------------------------------------------


def _argmax(scores: list[float]) -> int:
    best, at = scores[0], 0
    for i, s in enumerate(scores):
        if s > best:
            best, at = s, i
    return at


class _Tally:
    """Correct/total per batch size, overall and per person, for one scorer."""

    def __init__(self, sizes: Sequence[int], people: Sequence[int]) -> None:
        self.sizes = sizes
        self.width = len(people)
        self.hits = {p: dict.fromkeys(sizes, 0) for p in people}
        self.total = {p: dict.fromkeys(sizes, 0) for p in people}

    def run(self, pid: int, true: int, stream: Iterable[dict[str, list[float]]],
            weights: dict[int, dict[str, float]]) -> None:
        """Score `pid`'s messages (each: group → per-person scores), batch by batch."""
        sums: dict[int, list[float] | None] = dict.fromkeys(self.sizes, None)
        filled = dict.fromkeys(self.sizes, 0)
        for scores in stream:
            for k in self.sizes:
                s = _combine(scores, weights[k], self.width)
                acc = sums[k]
                sums[k] = s if acc is None else [a + b for a, b in zip(acc, s, strict=True)]
                filled[k] += 1
                if filled[k] == k:
                    self.total[pid][k] += 1
                    self.hits[pid][k] += _argmax(sums[k]) == true  # type: ignore[arg-type]
                    sums[k], filled[k] = None, 0

    def per_person(self) -> dict[int, dict[str, float | None]]:
        return {
            p: {str(k): (self.hits[p][k] / self.total[p][k] if self.total[p][k] else None)
                for k in self.sizes}
            for p in self.hits
        }

    def overall(self) -> dict[str, float]:
        out = {}
        for k in self.sizes:
            n = sum(t[k] for t in self.total.values())
            out[str(k)] = sum(h[k] for h in self.hits.values()) / n if n else 0.0
        return out

    def macro(self) -> dict[str, float]:
        out = {}
        for k in self.sizes:
            accs = [self.hits[p][k] / self.total[p][k] for p in self.hits if self.total[p][k]]
            out[str(k)] = sum(accs) / len(accs) if accs else 0.0
        return out

    def counts(self) -> dict[str, int]:
        return {str(k): sum(t[k] for t in self.total.values()) for k in self.sizes}


# -- the API ------------------------------------------------------------------------------------


def _authors(build: dict[int, PersonData], heldout: dict[int, list[Msg]]) -> dict[int, int | None]:
    """uid → writer for every message in view (for whom a reply answers)."""
    out: dict[int, int | None] = {}
    for data in build.values():
        for m in data.context:
            out[m.uid] = m.author
        for m in data.own:
            out[m.uid] = m.author
    for msgs in heldout.values():
        for m in msgs:
            out[m.uid] = m.author
    return out


def attribute(
    build: dict[int, PersonData],
    heldout: dict[int, list[Msg]],
    batch_sizes: Sequence[int] = BATCH_SIZES,
) -> AttributionResult:
    """Attribute every person's held-out messages among everybody in `build` (person id →
    their build-part data); see the module docstring. `heldout` maps person id → their held-out
    messages, oldest first (people missing from it are candidates only)."""
    people = sorted(build)
    if not people:
        empty = {str(k): 0.0 for k in batch_sizes}
        return AttributionResult(empty, dict(empty), {}, {}, {str(k): 0 for k in batch_sizes},
                                 dict(empty), dict(empty))
    index = {p: i for i, p in enumerate(people)}
    authors = _authors(build, heldout)
    own = [[m for m in build[p].own if m.text.strip()] for p in people]
    feats = [[message_features(m, authors) for m in msgs] for msgs in own]

    # Weights: train on the early build messages, fit on the late ones.
    cut = [len(fs) - int(len(fs) * VALIDATION) if len(fs) >= 5 else len(fs) for fs in feats]
    early = _Profiles([fs[:c] for fs, c in zip(feats, cut, strict=True)])
    per_person_cap = max(5, VALIDATION_CAP // len(people))
    val = []
    for i, (fs, c) in enumerate(zip(feats, cut, strict=True)):
        late = fs[c:][-per_person_cap:]
        if late:
            val.append((i, [early.scores(f) for f in late]))
    fitted = _fit_weights(val, len(people))
    weights = dict.fromkeys(batch_sizes, fitted)
    del early, val
    needed = {g for g, x in fitted.items() if x}

    model = _Profiles(feats)
    base = _Baseline([[m.text for m in msgs] for msgs in own])
    plain = {k: {"b": 1.0} for k in batch_sizes}
    ours, theirs = _Tally(batch_sizes, people), _Tally(batch_sizes, people)
    for pid in people:
        msgs = [m for m in heldout.get(pid, []) if m.text.strip()]
        if not msgs:
            continue
        true = index[pid]
        ours.run(pid, true, (
            model.scores(message_features(m, authors), needed) for m in msgs
        ), weights)
        theirs.run(pid, true, ({"b": base.score(m.text)} for m in msgs), plain)
    return AttributionResult(
        overall=ours.overall(),
        baseline=theirs.overall(),
        per_person=ours.per_person(),
        baseline_per_person=theirs.per_person(),
        counts=ours.counts(),
        macro=ours.macro(),
        baseline_macro=theirs.macro(),
        weights=fitted,
    )
