"""Attribution: can the profiles built from the build part tell who wrote a held-out message?

For every evaluated person a style profile is built from their build-part messages only; then
each person's held-out messages are attributed among all evaluated people, one at a time and in
batches of consecutive messages (default sizes 1, 5 and 20; a batch never mixes people, a
trailing short batch is dropped). Top-1 accuracy per batch size is reported, beside a plain
baseline scored on exactly the same batches in the same run.

Our profile: a log-linear model over the aspects a Skill describes (`_features.GROUPS`: words
and phrases, character n-grams, message shape, active hours, zone, conversations, whom they
answer and address, touched paths) plus how much each person writes (the prior). Each group is
a multinomial naive Bayes model whose per-person distribution is smoothed towards the team's
(Dirichlet prior with mass `MU[group]`, the team = the build parts of everyone evaluated), with
later build messages counting more (`RECENCY`: the held-out part follows the build part, and a
person's recent habits predict it better than their first ones):

    score_k(p | batch) = w_k,prior · log n_p/n + Σ_g w_k,g · Σ_{f in batch, group g} log P_g(f | p)

The group weights `w_k` correct the naive Bayes independence assumption (character n-grams
overlap, words repeat them, consecutive messages repeat each other) and say how much each aspect
is worth on this corpus — separately for every batch size k, since what a batch of 20 needs is
not what one message needs. The score is linear in `w_k`, so the weights are the maximum
(conditional) likelihood of the true writer under a softmax over people — a concave problem,
solved by Newton's method. They are fit on the build part alone: the model is trained on the
first `1 - VALIDATION` of each person's build messages and the weights fit on batches of the
last `VALIDATION`; the final model is then trained on the whole build part. Batches of more
than one message get one more term, `vote`: the sum of each message's single-message
log-posterior, floored, so that one odd message cannot outvote the rest. Two more terms
compare each message with each person's TF-IDF centroid (cosines over character 2–4-grams and
over words, see `_centroid_terms`): bounded per message, they do not over-count the repeats
that naive Bayes sums do, and their weights are fit like the others'. Held-out messages
with no text are left out (of both scorers' batches alike).

Baseline: lower-cased character 2–4-gram TF-IDF (raw counts, smoothed idf over the build
messages); each person's centroid is the mean of their L2-normalised build message vectors,
normalised; a batch goes to the person whose centroid has the highest cosine with the batch's
vector (the sum of its messages' counts — the batch's own norm does not change the ranking).

Scoring is vectorised with numpy: messages are sparse rows of feature ids, each group's model a
dense feature × person matrix of log-probabilities. Everything is deterministic: no sampling,
people in id order, messages in the order given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from colleague.analyze.model import Msg, PersonData
from colleague.evaluate._features import GROUPS, message_features
from colleague.evaluate._sparse import Rows, encode
from colleague.evaluate._tfidf import baseline_scores, tfidf_scores
from colleague.evaluate.split import MsgContext

BATCH_SIZES: tuple[int, ...] = (1, 5, 20)
VALIDATION = 0.2  # the late share of each build part that the weights are fit on
VALIDATION_CAP = 20000  # single validation messages at most (evenly spread): bounds the fit
# Dirichlet prior mass per group: how many team-distributed observations a person starts with.
MU: dict[str, float] = {
    "words": 2000.0, "chars": 5000.0, "shape": 300.0, "hours": 50.0, "zone": 10.0,
    "venue": 10.0, "counterpart": 30.0, "paths": 50.0, "previous": 10.0,
}
MIN_TEAM_COUNT = {"words": 2, "chars": 2}  # rarer features are left out (memory, noise)
# A build message's weight halves for every `recency` share of the person's build part it lies
# before their last one (0: all count alike); the value is chosen on the validation slice.
RECENCIES: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0)
_RIDGE = 1e-3  # keeps the Newton steps defined when a group carries no information
# Per-person biases (fit with the weights on the validation slice) correct the prior: a
# prolific writer's profile is sharper and their share of messages larger, so naive Bayes
# pulls quiet writers' messages towards them. The ridge keeps the biases small.
BIAS = False
_BIAS_RIDGE = 1e-3
_PRIOR = "prior"
_VOTE = "vote"
# Candidate-dependent context terms (1 where the candidate is that neighbour, else 0): whether
# the candidate wrote the message just before (people continue their own lines) and whether the
# message addresses the candidate (people rarely answer or mention themselves).
_SAME = "same"
_ADDRESSED = "addressed"
_TERMS = (_SAME, _ADDRESSED)
# Centroid terms (messages × people): the cosine of a message's TF-IDF vector to each person's
# centroid, over character 2–4-grams (`_CHAR_COS`) and over words (`_WORD_COS`). Bounded per
# message, so unlike the naive Bayes sums a batch's total does not over-count repeats.
_CHAR_COS = "char_cosine"
_WORD_COS = "word_cosine"
_CENTROIDS = (_CHAR_COS, _WORD_COS)
_VOTE_FLOOR = float(np.log(1e-3))


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
    # fitted weights per batch size ("1", "5", "20") and group
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    recency: float = 0.0  # the chosen recency half-life (share of the build part; 0: none)


def _vocab(lists: Sequence[Sequence[str]], min_count: int) -> dict[str, int]:
    """Features seen at least `min_count` times, numbered in order of first appearance."""
    counts: dict[str, int] = {}
    for fs in lists:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    return {f: i for i, f in enumerate(f for f, c in counts.items() if c >= min_count)}


# -- the profile model --------------------------------------------------------------------------


def _nb_table(rows: Rows, owner: np.ndarray, weight: np.ndarray, width: int, vocab: int,
              mu: float) -> np.ndarray:
    """features × people: log P(f | p) = log((c_pf + mu·q_f) / (N_p + mu)), where c counts
    person p's (recency-weighted) uses of f and q is the team's distribution, add-½ smoothed."""
    per_nnz = rows.vals * weight[rows.row_of()]
    key = rows.cols * width + owner[rows.row_of()]
    counts = np.bincount(key, weights=per_nnz, minlength=vocab * width).reshape(vocab, width)
    team = counts.sum(axis=1) + 0.5
    q = team / team.sum()
    table = np.log(counts + mu * q[:, None]) - np.log(counts.sum(axis=0) + mu)[None, :]
    return table.astype(np.float32)  # halves the memory traffic of scoring


class _Model:
    """One naive Bayes table per feature group plus the prior, from the given messages."""

    def __init__(self, feats: dict[str, Rows], sizes: dict[str, int], owner: np.ndarray,
                 weight: np.ndarray, width: int) -> None:
        self.tables = {g: _nb_table(feats[g], owner, weight, width, sizes[g], MU[g])
                       for g in GROUPS if sizes[g]}
        n = np.bincount(owner, minlength=width).astype(float)
        self.prior = np.log((n + 1) / (n.sum() + width))

    def scores(self, feats: dict[str, Rows]) -> dict[str, np.ndarray]:
        """group → rows × people log-likelihoods (the prior: the same row for every message)."""
        out = {g: feats[g].dot(t) for g, t in self.tables.items()}
        n = next(iter(feats.values())).n
        out[_PRIOR] = np.broadcast_to(self.prior, (n, len(self.prior)))
        return out


def _recency(owner: np.ndarray, width: int, recency: float) -> np.ndarray:
    """Per message weight: 1 for a person's last build message, halving every `recency` share
    of their build part before it. `owner` is grouped by person, oldest first."""
    if recency <= 0:
        return np.ones(len(owner))
    n = np.bincount(owner, minlength=width)
    first = np.concatenate(([0], np.cumsum(n)))[owner]
    pos = np.arange(len(owner)) - first
    age = (n[owner] - 1 - pos) / np.maximum(n[owner], 1)
    return np.power(0.5, age / recency)


def _pair_terms(feats: Sequence[dict[str, list]], col_of: Mapping[int, int], width: int
                ) -> dict[str, np.ndarray]:
    """The `_TERMS` matrices (messages × people) from the raw neighbours `_context_feats`
    stored in each message's features (absent when the caller gave no context)."""
    out: dict[str, np.ndarray] = {}
    for term, key in ((_SAME, "_prev"), (_ADDRESSED, "_addr")):
        rows = [(i, col_of[p]) for i, f in enumerate(feats) for p in f.get(key, ())
                if p in col_of]
        if not any(key in f for f in feats):
            continue
        mat = np.zeros((len(feats), width))
        if rows:
            r, c = np.array(rows).T
            mat[r, c] = 1.0
        out[term] = mat
    return out


# -- batches ------------------------------------------------------------------------------------


def _batches(owner: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(start rows, owners) of the batches of k consecutive rows of one person each (rows are
    grouped by person in order; a trailing short batch is dropped)."""
    starts, who = [], []
    bounds = np.flatnonzero(np.diff(owner)) + 1
    edges = np.concatenate(([0], bounds, [len(owner)]))
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        s = np.arange(a, b - k + 1, k)
        starts.append(s)
        who.append(np.full(len(s), owner[a] if b > a else 0))
    if not starts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(starts).astype(np.int64), np.concatenate(who).astype(np.int64)


def _batch_sums(scores: np.ndarray, starts: np.ndarray, k: int) -> np.ndarray:
    cum = np.zeros((scores.shape[0] + 1, scores.shape[1]))
    np.cumsum(scores, axis=0, out=cum[1:])
    return cum[starts + k] - cum[starts]


# -- fitting the weights ------------------------------------------------------------------------


def _fit(feats: np.ndarray, true: np.ndarray, bias: bool = True
         ) -> tuple[np.ndarray, np.ndarray, float]:
    """Weights w and per-person biases b maximising Σ_i log softmax(feats[i] @ w + b)[true[i]]
    (feats: items × people × groups), by Newton's method with a small ridge and step halving.
    `bias=False` keeps b at 0."""
    n, width, d = feats.shape
    nb = width if bias else 0
    theta = np.concatenate((np.ones(d), np.zeros(nb)))
    at = np.arange(n)
    ridge = np.concatenate((np.full(d, _RIDGE), np.full(nb, _BIAS_RIDGE)))

    def split(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return t[:d], (t[d:] if bias else np.zeros(width))

    def value(t: np.ndarray) -> float:
        w, b = split(t)
        s = feats @ w + b
        top = s.max(axis=1, keepdims=True)
        lse = np.log(np.exp(s - top).sum(axis=1)) + top[:, 0]
        return float((s[at, true] - lse).sum() / n - ridge @ (t * t))

    cur = value(theta)
    for _ in range(50):
        w, b = split(theta)
        s = feats @ w + b
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        mean = np.einsum("ip,ipd->id", p, feats)
        grad_w = (feats[at, true] - mean).sum(axis=0) / n
        second = _second_moment(p, feats)
        hess = np.zeros((d + nb, d + nb))
        hess[:d, :d] = -(second - mean.T @ mean) / n
        grad = grad_w
        if bias:
            # b_q enters every item's score of person q alone.
            onehot = np.bincount(true, minlength=width)
            grad = np.concatenate((grad_w, (onehot - p.sum(axis=0)) / n))
            cross = -(np.einsum("ip,ipd->dp", p, feats) - mean.T @ p) / n
            hess[:d, d:] = cross
            hess[d:, :d] = cross.T
            hess[d:, d:] = -(np.diag(p.sum(axis=0)) - p.T @ p) / n
        grad = grad - 2 * ridge * theta
        hess -= 2 * np.diag(ridge)
        step = np.linalg.solve(hess, -grad)
        t = 1.0
        while t > 1e-4:
            nxt = value(theta + t * step)
            if nxt >= cur:
                break
            t /= 2
        else:
            break
        theta, gain, cur = theta + t * step, nxt - cur, nxt
        if gain < 1e-7:
            break
    w, b = split(theta)
    return w, b, cur


def _second_moment(p: np.ndarray, feats: np.ndarray, chunk: int = 2000) -> np.ndarray:
    """Σ_i Σ_p p[i,p] · feats[i,p] ⊗ feats[i,p], a chunk of items at a time (in one einsum
    the items × people × groups × groups intermediate reaches gigabytes)."""
    d = feats.shape[2]
    out = np.zeros((d, d))
    for a in range(0, len(p), chunk):
        f = feats[a:a + chunk]
        out += np.einsum("ipd,ipe->de", f * p[a:a + chunk, :, None], f)
    return out


def _vote(scores: dict[str, np.ndarray], single: dict[str, float], bias: np.ndarray
          ) -> np.ndarray:
    """Each message's log-posterior over people under the single-message weights, floored at
    `_VOTE_FLOOR`: summed over a batch, one odd message cannot outvote the rest (consecutive
    messages are correlated, and naive Bayes sums over-count agreeing evidence)."""
    total = sum(w * scores[g] for g, w in single.items() if g in scores) + bias
    assert isinstance(total, np.ndarray)
    top = total.max(axis=1, keepdims=True)
    post = total - top - np.log(np.exp(total - top).sum(axis=1, keepdims=True))
    return np.maximum(post, _VOTE_FLOOR)


def _stack(scores: dict[str, np.ndarray], keys: Sequence[str], starts: np.ndarray,
           k: int) -> np.ndarray:
    return np.stack([_batch_sums(scores[g], starts, k) for g in keys], axis=2)


# -- the centroid terms -------------------------------------------------------------------------


def _centroid_terms(build: Sequence[dict[str, list]], build_owner: np.ndarray,
                    feats: Sequence[dict[str, list]], width: int,
                    char_scores: tuple[np.ndarray, np.ndarray] | None = None
                    ) -> dict[str, np.ndarray]:
    """The `_CENTROIDS` terms of messages `feats` from the profiles of `build` (feature dicts
    carrying "_text" and "words"); `char_scores` reuses an already computed character run."""
    dots, norms = char_scores or baseline_scores(
        (f["_text"][0] for f in build), build_owner, (f["_text"][0] for f in feats), width)
    wdots, wnorms = tfidf_scores((f.get("words", ()) for f in build), build_owner,
                                 (f.get("words", ()) for f in feats), width)
    return {_CHAR_COS: dots / norms[:, None], _WORD_COS: wdots / wnorms[:, None]}


# -- accuracy -----------------------------------------------------------------------------------


def _accuracy(hit: dict[int, np.ndarray], who: dict[int, np.ndarray], people: Sequence[int],
              sizes: Sequence[int]) -> tuple[dict[str, float], dict[int, dict[str, float | None]],
                                             dict[str, float]]:
    overall, macro = {}, {}
    per: dict[int, dict[str, float | None]] = {p: {} for p in people}
    for k in sizes:
        h, w = hit[k], who[k]
        overall[str(k)] = float(h.mean()) if len(h) else 0.0
        tot = np.bincount(w, minlength=len(people))
        got = np.bincount(w, weights=h.astype(float), minlength=len(people))
        accs = []
        for i, p in enumerate(people):
            per[p][str(k)] = float(got[i] / tot[i]) if tot[i] else None
            if tot[i]:
                accs.append(got[i] / tot[i])
        macro[str(k)] = float(np.mean(accs)) if accs else 0.0
    return overall, per, macro


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


def _features(msgs: Sequence[Msg], authors: dict[int, int | None],
              context: Mapping[int, MsgContext] | None) -> list[dict[str, list]]:
    """Each message's feature groups, its text under "_text" (for `_centroid_terms`) and,
    when `context` is given, its raw neighbours under "_prev" and "_addr" (for
    `_pair_terms`)."""
    out: list[dict[str, list]] = []
    for m in msgs:
        ctx = context.get(m.uid) if context is not None else None
        # The previous writer is NOT used: inside a run of one person's consecutive
        # held-out messages it is usually that same person, i.e. the label being predicted.
        # Whom a message replies to is known to any reader and kept.
        prev, parent = None, (ctx.parent if ctx is not None else None)
        f: dict[str, list] = message_features(m, authors, prev, parent)  # type: ignore[assignment]
        f["_text"] = [m.text]
        if context is not None:
            if m.reply_to is not None:
                parent = authors.get(m.reply_to, parent)
            f["_prev"] = [prev] if prev is not None else []
            f["_addr"] = [*m.mentions, *([parent] if parent is not None else [])]
        out.append(f)
    return out


def _group_rows(feats: Sequence[dict[str, list[str]]], vocabs: dict[str, dict[str, int]]
                ) -> dict[str, Rows]:
    return {g: encode([f.get(g, ()) for f in feats], vocabs[g]) for g in GROUPS}


def _train(feats: Sequence[dict[str, list[str]]], owner: np.ndarray, width: int,
           recencies: Sequence[float]) -> tuple[list[_Model], dict[str, dict[str, int]]]:
    """One model per recency value, over the same vocabularies."""
    vocabs = {g: _vocab([f.get(g, ()) for f in feats], MIN_TEAM_COUNT.get(g, 1)) for g in GROUPS}
    rows = _group_rows(feats, vocabs)
    sizes = {g: len(v) for g, v in vocabs.items()}
    models = [_Model(rows, sizes, owner, _recency(owner, width, r), width) for r in recencies]
    return models, vocabs


def _fit_weights(feats: list[list[dict[str, list]]], width: int, sizes: Sequence[int],
                 col_of: Mapping[int, int]
                 ) -> tuple[float, dict[int, dict[str, float]], dict[int, np.ndarray]]:
    """The recency and, per batch size, the weights and per-person biases that best predict
    the late VALIDATION share of every build part from a model trained on the rest."""
    train, val, t_own, v_own = [], [], [], []
    for i, fs in enumerate(feats):
        cut = len(fs) - int(len(fs) * VALIDATION) if len(fs) >= 5 else len(fs)
        train += fs[:cut]
        val += fs[cut:]
        t_own += [i] * cut
        v_own += [i] * (len(fs) - cut)
    keys = [_PRIOR, *GROUPS, *_TERMS, *_CENTROIDS]
    default = {k: dict.fromkeys(keys, 1.0) for k in sizes}
    zero = {k: np.zeros(width) for k in sizes}
    if not val or not train:
        return RECENCIES[0], default, zero
    models, vocabs = _train(train, np.array(t_own, dtype=np.int64), width, RECENCIES)
    v_owner = np.array(v_own, dtype=np.int64)
    v_rows = _group_rows(val, vocabs)
    v_terms = _pair_terms(val, col_of, width)
    v_terms.update(_centroid_terms(train, np.array(t_own, dtype=np.int64), val, width))
    batches = {}
    for k in sizes:
        starts, who = _batches(v_owner, k)
        step = max(-(-len(starts) // VALIDATION_CAP), 1)
        batches[k] = (starts[::step], who[::step])
    best: tuple[float, float, dict[int, dict[str, float]], dict[int, np.ndarray]] | None = None
    for r, model in zip(RECENCIES, models, strict=True):
        scores = {**model.scores(v_rows), **v_terms}
        used = [g for g in keys if g in scores]
        out, biases, total = {}, dict(zero), 0.0
        for k in sorted(sizes):
            starts, who = batches[k]
            if len(starts) < 2:
                out[k] = default[k]
                continue
            if k > 1 and 1 in out:
                scores[_VOTE] = _vote(scores, out[1], biases[1])
                used = [*used, _VOTE] if _VOTE not in used else used
            w, b, value = _fit(_stack(scores, used, starts, k), who, BIAS)
            out[k] = {g: round(float(x), 4) for g, x in zip(used, w, strict=True)}
            biases[k] = b
            total += value
        if best is None or total > best[0] + 1e-9:
            best = (total, r, out, biases)
    assert best is not None
    return best[1], best[2], best[3]


def attribute(
    build: dict[int, PersonData],
    heldout: dict[int, list[Msg]],
    batch_sizes: Sequence[int] = BATCH_SIZES,
    context: Mapping[int, MsgContext] | None = None,
) -> AttributionResult:
    """Attribute every person's held-out messages among everybody in `build` (person id →
    their build-part data); see the module docstring. `heldout` maps person id → their held-out
    messages, oldest first (people missing from it are candidates only). `context` (message
    uid → `split.MsgContext`, e.g. the union of `Split.context`) adds what a reader of the
    conversation sees: who wrote just before and whom the message answers; without it those
    aspects are left out."""
    people = sorted(build)
    sizes = list(batch_sizes)
    if not people:
        empty = {str(k): 0.0 for k in sizes}
        return AttributionResult(empty, dict(empty), {}, {}, {str(k): 0 for k in sizes},
                                 dict(empty), dict(empty))
    width = len(people)
    authors = _authors(build, heldout)
    own = [[m for m in build[p].own if m.text.strip()] for p in people]
    col_of = {p: i for i, p in enumerate(people)}
    feats = [_features(msgs, authors, context) for msgs in own]
    recency, weights, biases = _fit_weights(feats, width, sizes, col_of)

    owner = np.array([i for i, fs in enumerate(feats) for _ in fs], dtype=np.int64)
    (model,), vocabs = _train([f for fs in feats for f in fs], owner, width, (recency,))
    held = [[m for m in heldout.get(p, []) if m.text.strip()] for p in people]
    h_owner = np.array([i for i, ms in enumerate(held) for _ in ms], dtype=np.int64)
    h_msgs = [m for ms in held for m in ms]
    h_feats = _features(h_msgs, authors, context)
    scores = {**model.scores(_group_rows(h_feats, vocabs)), **_pair_terms(h_feats, col_of, width)}
    base = baseline_scores([m.text for ms in own for m in ms], owner,
                           [m.text for m in h_msgs], width)
    build_feats = [f for fs in feats for f in fs]
    scores.update(_centroid_terms(build_feats, owner, h_feats, width, base))
    if 1 in weights:
        scores[_VOTE] = _vote(scores, weights[1], biases[1])
    hits, base_hits, who_k = {}, {}, {}
    for k in sizes:
        starts, who = _batches(h_owner, k)
        total = np.tile(biases[k], (len(starts), 1))
        for g, w in weights[k].items():
            if w and g in scores:
                total += w * _batch_sums(scores[g], starts, k)
        hits[k] = total.argmax(axis=1) == who if len(starts) else np.zeros(0, dtype=bool)
        b = _batch_sums(base[0], starts, k)
        base_hits[k] = b.argmax(axis=1) == who if len(starts) else np.zeros(0, dtype=bool)
        who_k[k] = who
    overall, per, macro = _accuracy(hits, who_k, people, sizes)
    b_overall, b_per, b_macro = _accuracy(base_hits, who_k, people, sizes)
    return AttributionResult(
        overall=overall,
        baseline=b_overall,
        per_person=per,
        baseline_per_person=b_per,
        counts={str(k): len(who_k[k]) for k in sizes},
        macro=macro,
        baseline_macro=b_macro,
        weights={str(k): w for k, w in weights.items()},
        recency=recency,
    )
