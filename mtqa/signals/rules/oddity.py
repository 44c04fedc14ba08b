"""A graded oddity ``risk`` from how unusual a sentence's tag sequence and dependency arcs are.

Two small count tables, derived from clean English (see ``tools/devmeasure.py build-table``), give
the surprisal of every tag bigram and every (child, relation, head, direction) arc, once with bare
Penn tags and once with closed-class words spelled out ("IN|of", "PRP|me"), which catches pronoun
case and function-word damage. The mean surprisals add up to one ``oddity``; a logistic curve
turns it into ``risk`` so that even two clean sentences get different, ordered scores.
"""

from __future__ import annotations

import functools
import json
import math
from importlib import resources

CLOSED_CLASS = {"DT", "IN", "PRP", "PRP$", "MD", "CC", "WDT", "WP", "WP$", "TO", "EX", "POS", "WRB",
                "RP", "PDT"}
SMOOTHING = 0.1
TABLE = "syntax-table.json"  # beside this module (package data)
SEEN_MAX = 200_000  # surprisals remembered per table (events repeat: tags, arcs, function words)
RISK_CAP = 0.45  # the most risk oddity alone adds: enough to rank, never a verdict by itself


def _lex(tok) -> str:
    return f"{tok.tag_}|{tok.lower_}" if tok.tag_ in CLOSED_CLASS else tok.tag_


def events(doc) -> dict[str, list[str]]:
    """The four event streams of one parsed sentence, as strings (the table's keys)."""
    toks = list(doc)  # each token read once: spaCy makes a new Token object on every access
    tags = [t.tag_ for t in toks]
    lex = [f"{tag}|{t.lower_}" if tag in CLOSED_CLASS else tag for t, tag in zip(toks, tags)]
    first = toks[0].i if toks else 0
    arcs, lex_arcs = [], []
    for k, t in enumerate(toks):
        head = t.head
        h = head.i - first
        head_tag, head_lex = (tags[h], lex[h]) if 0 <= h < len(toks) else (head.tag_, _lex(head))
        side = "R" if head.i > t.i else "L"
        arcs.append(f"{tags[k]}\t{t.dep_} {head_tag} {side}")
        lex_arcs.append(f"{lex[k]}\t{t.dep_} {head_lex} {side}")
    tags = ["<s>", *tags, "</s>"]
    lex = ["<s>", *lex, "</s>"]
    return {
        "tag_bigram": [f"{a}\t{b}" for a, b in zip(tags, tags[1:])],
        "lex_bigram": [f"{a}\t{b}" for a, b in zip(lex, lex[1:])],
        "arc": arcs,
        "lex_arc": lex_arcs,
    }


class OddityTable:
    """Conditional counts ``context\\toutcome`` per stream, with add-k smoothing."""

    def __init__(self, data: dict):
        self.counts = {k: v for k, v in data["counts"].items()}
        self.contexts: dict[str, dict[str, int]] = {}
        self.outcomes: dict[str, int] = {}
        for stream, table in self.counts.items():
            ctx: dict[str, int] = {}
            outs = set()
            for key, n in table.items():
                c, o = key.split("\t", 1)
                ctx[c] = ctx.get(c, 0) + n
                outs.add(o)
            self.contexts[stream] = ctx
            self.outcomes[stream] = len(outs) + 1
        self._seen: dict[str, dict[str, float]] = {k: {} for k in self.counts}  # surprisals computed so far
        self._remembered = 0
        self.center = float(data["center"])
        self.scale = float(data["scale"])
        self.source = str(data.get("source", ""))

    def surprisal(self, stream: str, event: str) -> float:
        known = self._seen[stream].get(event)
        if known is None:
            ctx = event.split("\t", 1)[0]
            n = self.counts[stream].get(event, 0)
            total = self.contexts[stream].get(ctx, 0)
            known = -math.log((n + SMOOTHING) / (total + SMOOTHING * self.outcomes[stream]))
            if self._remembered < SEEN_MAX:
                self._seen[stream][event] = known
                self._remembered += 1
        return known

    def features(self, doc) -> dict[str, float]:
        out = {}
        for stream, evs in events(doc).items():
            seen = self._seen[stream]
            s = [seen[e] if e in seen else self.surprisal(stream, e) for e in evs] or [0.0]
            out[f"{stream}_mean"] = sum(s) / len(s)
            out[f"{stream}_max"] = max(s)
        out["oddity"] = sum(out[f"{k}_mean"] for k in ("tag_bigram", "lex_bigram", "arc", "lex_arc"))
        return out

    def risk(self, oddity: float) -> float:
        return RISK_CAP / (1.0 + math.exp(-(oddity - self.center) / self.scale))


def count_events(docs) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for doc in docs:
        for stream, evs in events(doc).items():
            table = counts.setdefault(stream, {})
            for e in evs:
                table[e] = table.get(e, 0) + 1
    return {s: dict(sorted(t.items())) for s, t in sorted(counts.items())}


@functools.lru_cache(maxsize=1)
def default_table() -> OddityTable:
    text = resources.files("mtqa.signals.rules").joinpath(TABLE).read_text("utf-8")
    return OddityTable(json.loads(text))
