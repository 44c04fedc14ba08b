"""spaCy's attribute ruler, applied by table lookup instead of its token Matcher.

The English pipelines map every fine-grained tag to its coarse POS and morphology, and patch a few
hundred word forms, with an ``attribute_ruler`` of about 180 one- and two-token patterns. spaCy runs
them through its general Matcher, which costs a third of the rules tier's parse (0.3 ms of 1.0 ms
for an 18-token sentence). The patterns only compare a token's tag, lower-case form, dependency
label or whitespace flag, so the same matches are found by indexing the patterns on their tag or
word and checking the few that can apply. A token's values are read with one ``to_array`` per
Doc, and what its one-token patterns match depends on those values alone, so it is worked out once
per distinct token (tag, word, label, space) and remembered: 2.6 µs a token instead of 11. Matches
are then set exactly as the ruler sets them: all found first on the unmodified parse, applied in
pattern order with spaCy's own ``set_token_attrs``.

A pipeline whose ruler uses anything else (operators, other attributes) keeps spaCy's ruler.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

# pattern key -> the spaCy attribute its value is read from (``Doc.to_array``; IS_SPACE a flag, the rest strings)
_READ: dict[str, str] = {"TAG": "TAG", "LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH", "NORM": "NORM", "DEP": "DEP",
                         "POS": "POS", "IS_SPACE": "IS_SPACE"}
_INDEXED = ("LOWER", "TAG", "DEP", "IS_SPACE")
ROWS_REMEMBERED = 200_000  # keys a pattern is looked up by, the most selective first


class Unsupported(ValueError):
    """A ruler pattern this table cannot express; spaCy's own ruler is kept."""


def _predicate(at: int, key: str, value) -> Callable[[tuple], bool]:
    """A test on a token's row of values; ``at`` is the key's place in the row."""
    if isinstance(value, dict):
        if len(value) != 1:
            raise Unsupported(f"{key}: {value}")
        (op, arg), = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda row: row[at] in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda row: row[at] not in banned
        if op == "REGEX" and key != "IS_SPACE":
            search = re.compile(arg).search
            return lambda row: bool(search(row[at]))
        raise Unsupported(f"{key}: {op}")
    if isinstance(value, bool) != (key == "IS_SPACE"):
        raise Unsupported(f"{key}: {value!r}")
    return lambda row: row[at] == value


def _index_keys(spec: dict) -> tuple[str, list] | None:
    """The values under which a pattern is filed: its first token's most selective exact key."""
    for key in _INDEXED:
        value = spec.get(key)
        if isinstance(value, (str, bool)):
            return key, [value]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return key, list(value["IN"])
    return None


@dataclass(frozen=True)
class _Pattern:
    rule: int  # the ruler's attribute index: later rules win
    checks: tuple[tuple[Callable, ...], ...]  # per token of the pattern

    def matches(self, rows: list[tuple], start: int) -> bool:
        if start + len(self.checks) > len(rows):
            return False
        for k, checks in enumerate(self.checks):
            row = rows[start + k]
            for check in checks:
                if not check(row):
                    return False
        return True


class FastAttributeRuler:
    """``attribute_ruler``'s effect on a parsed Doc; raises ``Unsupported`` for a ruler it cannot express."""

    def __init__(self, ruler):
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self.attrs, self.indices = list(ruler.attrs), list(ruler.indices)
        entries = ruler.patterns
        for entry in entries:
            for tokens in entry["patterns"]:
                if not tokens or any(not isinstance(spec, dict) or set(spec) - set(_READ) for spec in tokens):
                    raise Unsupported(f"pattern {tokens!r}")
        from spacy import attrs as spacy_attrs

        named = {key for entry in entries for tokens in entry["patterns"] for spec in tokens for key in spec}
        used = [*_INDEXED, *sorted(named - set(_INDEXED))]  # the indexed keys first: __call__ zips over them
        self.read = [getattr(spacy_attrs, _READ[key]) for key in used]
        self.flags = tuple(key == "IS_SPACE" for key in used)
        at = {key: i for i, key in enumerate(used)}
        self.filed: tuple[dict, ...] = tuple({} for _ in _INDEXED)  # per indexed key: value -> patterns
        self.always: list[_Pattern] = []
        self.rows: dict[tuple, tuple] = {}  # a token's attribute ids -> (its row, the one-token rules it matches)
        for rule, entry in enumerate(entries):
            for tokens in entry["patterns"]:
                if not -len(tokens) <= self.indices[rule] < len(tokens):  # spaCy raises E1001 there
                    raise Unsupported(f"index {self.indices[rule]} of a {len(tokens)}-token pattern")
                checks = tuple(tuple(_predicate(at[k], k, v) for k, v in spec.items()) for spec in tokens)
                pattern, keys = _Pattern(rule, checks), _index_keys(tokens[0])
                if keys is None:
                    self.always.append(pattern)
                    continue
                for value in keys[1]:
                    self.filed[_INDEXED.index(keys[0])].setdefault(value, []).append(pattern)
        self.longer = tuple(p for p in self.always if len(p.checks) > 1)  # tried at every token

    def __call__(self, doc):
        strings = doc.vocab.strings
        known = [self.rows.get(ids) or self._row(ids, strings) for ids in map(tuple, doc.to_array(self.read).tolist())]
        rows = [k[0] for k in known]
        found = set()
        for start, (_, singles, filed) in enumerate(known):
            for rule in singles:
                found.add((rule, start, start + 1))
            for pattern in filed:
                if pattern.matches(rows, start):
                    found.add((pattern.rule, start, start + len(pattern.checks)))
            for pattern in self.longer:
                if pattern.matches(rows, start):
                    found.add((pattern.rule, start, start + len(pattern.checks)))
        for rule, start, end in sorted(found):
            index = self.indices[rule]
            self._set(doc[start + index if index >= 0 else end + index], self.attrs[rule])
        return doc

    def _row(self, ids: tuple, strings) -> tuple:
        """A token's values, the rules of the one-token patterns they match (which depend on nothing
        else) and the longer patterns filed under them, remembered for the next token with the same
        attribute ids."""
        row = tuple(bool(i) if flag else strings[i] for i, flag in zip(ids, self.flags))
        filed = [pattern for index, value in zip(self.filed, row) for pattern in index.get(value, ())]
        rules = {p.rule for p in (*filed, *self.always) if len(p.checks) == 1 and p.matches([row], 0)}
        known = (row, tuple(sorted(rules)), tuple(p for p in filed if len(p.checks) > 1))
        if len(self.rows) >= ROWS_REMEMBERED:
            self.rows.clear()
        self.rows[ids] = known
        return known


@functools.lru_cache(maxsize=8)
def fast_ruler(nlp, disabled: tuple[str, ...] = ()) -> FastAttributeRuler | None:
    """The table for ``nlp``'s ``attribute_ruler``, or None: no ruler, one it cannot express, or one
    that an enabled component would run after (the table is applied once the pipe is through).
    Built once per pipeline: the segmenter asks for it for every document."""
    names = nlp.pipe_names
    if "attribute_ruler" not in names or set(names[names.index("attribute_ruler") + 1:]) - set(disabled):
        return None
    try:
        return FastAttributeRuler(nlp.get_pipe("attribute_ruler"))
    except Unsupported:
        return None
