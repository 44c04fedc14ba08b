"""A sentence that a grammar of English cannot parse: link-grammar finds no complete linkage.

Machine translation from German leaves verbs at the end, loses words and fuses clauses; a generic
grammar parser notices many of these without any model. The parser is link-grammar (CMU, LGPL),
used through Debian's ``python3-link-grammar`` binding, which the virtual environment reaches by
appending the system's ``dist-packages`` directory (only inside this module). Where the library is
absent the signal is skipped with the install command.

Settings measured on real machine-translated pages: typographic quotes and dashes become ASCII first
(the dictionary knows no curly quotes), ``disjunct_cost`` 2.0, ``short_length`` 10, at most 100
linkages, one second per sentence, no null links. The library counts CPU time, which a busy machine
stretches, so a strict parse cut off is tried once more with ten seconds (``grammar:2``; before, the
same article could lose a verdict under load); only a timeout then is no verdict. Sentences under
four words and headlines are not parsed, nor sentences over 80 words (run-ons the time limit would
cut off).

Where a sentence fails, one re-parse that allows null links points at the words left unlinked: they
become the flag's suspects. Its cost grows steeply with length, so that no clock decides what it
shows (``grammar:3``) it is bounded by work, not time: only sentences of at most
``SUSPECT_MAX_WORDS`` words, and at most ``SUSPECT_MAX_NULLS`` unlinked words (a sentence that needs
more is broken throughout and is flagged whole). Within those bounds the slowest re-parse measured
took 0.37 s (docs/measurements.md), so its ten-second limit is a safety net, not a rule; before, a
one-second limit cut off re-parses of 35–50-word sentences under load and the same article showed
different suspects from one run to the next.

The parse costs most of the model-free tier's time (docs/measurements.md), so nothing is done twice:
the re-parse reuses the strict parse's tokenised sentence, and where that parse found no complete
linkage at all it starts at one null link (the zero-null pass would only repeat the strict parse).
Where complete linkages were found but post-processing rejected every one, it starts at zero as
before. Either way the result is the one a fresh null-link parse gives. Where the output shows
only article figures (``Config.sentence_detail`` off: ``score`` and ``check`` as a table or CSV),
the re-parse is left out: the flag, its severity and the score are the same, only its message and
span lose the unlinked words no one would see.

A verdict (and its unlinked words) is remembered by the sentence's exact text, for the last
``VERDICTS_REMEMBERED`` sentences: wire copy repeats sentences across the updates of a story. The
output is the same as without it.
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from typing import Any, Sequence

from mtqa.config import Config
from mtqa.signals.base import SignalSpec, SignalUnavailable
from mtqa.text.dateline import dateline_end
from mtqa.types import Flag, Sentence, SignalResult, Suspect

SPEC = SignalSpec(
    name="grammar", version="3",
    summary="link-grammar: a sentence with no complete grammatical parse (system library, no model)",
    flag_help={"no-parse": (
        "No grammatical parse",
        "link-grammar found no complete parse of the sentence: words lost, left in German order or run "
        "together. The words it could not link are marked.")},
)

DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"
INSTALL = "apt-get install python3-link-grammar"  # Debian/Ubuntu; the binding is LGPL
MIN_WORDS = 4
MAX_WORDS = 80  # longer sentences (run-ons, whole paragraphs without stops) run into the time limit
# The null-link re-parse that points at suspects: only up to this length, and finding at most this
# many unlinked words; its time limit is a safety net that bounded work does not reach.
SUSPECT_MAX_WORDS = 35
SUSPECT_MAX_NULLS = 4
SUSPECT_PARSE_TIME = 10
DISJUNCT_COST = 2.0
SHORT_LENGTH = 10
LINKAGE_LIMIT = 100
MAX_PARSE_TIME = 1  # seconds per parse
# A parse cut off at MAX_PARSE_TIME is tried once more, afresh, with this limit. The library counts
# CPU time, which a busy machine stretches: a sentence that takes 0.6 s alone lost its verdict now
# and then under load, so the same article could be flagged differently from one run to the next.
RETRY_PARSE_TIME = 10
VERDICTS_REMEMBERED = 50_000  # sentences whose verdict is kept (least recently asked for go first)
WHOLE = " (too long or too broken to name the words)"  # where the re-parse's bounds stop it
SEVERITY = "minor"  # precision on the dev pages 0.80, on unseen pages lower: docs/measurements.md
_ASCII = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‹": "'", "›": "'",
                        "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "‑": "-", "…": "...", "\u00a0": " "})
_WORD = re.compile(r"\w")
def import_link_grammar() -> Any:
    """The ``linkgrammar`` module, or None. Tries the environment first, then Debian's system binding."""
    try:
        import linkgrammar  # type: ignore[import-not-found]
    except ImportError:
        if DEBIAN_DIST_PACKAGES not in sys.path:
            sys.path.append(DEBIAN_DIST_PACKAGES)
        try:
            import linkgrammar  # type: ignore[import-not-found]
        except ImportError:
            return None
    return linkgrammar


def normalise(text: str) -> str:
    """Typographic quotes, dashes and spaces as ASCII: the English dictionary knows only those."""
    return text.translate(_ASCII)


class GrammarSignal:
    name, version = SPEC.name, SPEC.version

    def __init__(self, lg: Any, suspects: bool = True):
        self.lg = lg
        self.suspects = suspects  # run the null-link re-parse that names the unlinked words
        lg.LG_Error.set_handler(lambda error, data: None)  # the library's locale notices go nowhere
        self.dictionary = lg.Dictionary("en")
        self.strict = self._options(max_null_count=0)
        self.with_nulls = self._options(max_null_count=SUSPECT_MAX_NULLS, seconds=SUSPECT_PARSE_TIME)
        self.nulls_only = self._options(max_null_count=SUSPECT_MAX_NULLS, min_null_count=1, seconds=SUSPECT_PARSE_TIME)
        self.strict_retry = self._options(max_null_count=0, seconds=RETRY_PARSE_TIME)
        from linkgrammar import clinkgrammar  # type: ignore[import-not-found]

        self.found = clinkgrammar.sentence_num_linkages_found  # complete linkages, valid or not
        self.known: OrderedDict[tuple[str, bool], tuple[bool, tuple[tuple[int, int], ...]]] = OrderedDict()

    def _options(self, max_null_count: int, min_null_count: int = 0, seconds: int = MAX_PARSE_TIME) -> Any:
        po = self.lg.ParseOptions(verbosity=0, linkage_limit=LINKAGE_LIMIT, min_null_count=min_null_count,
                                  max_null_count=max_null_count, short_length=SHORT_LENGTH,
                                  max_parse_time=seconds, display_morphology=False, spell_guess=False)
        po.disjunct_cost = DISJUNCT_COST
        return po

    def signature(self) -> str:
        try:
            from linkgrammar import clinkgrammar  # type: ignore[import-not-found]

            lib = clinkgrammar.linkgrammar_get_version().replace("link-grammar-", "")
        except (ImportError, AttributeError):
            lib = "unknown"
        return (f"{self.name}:{self.version}|link-grammar:{lib}|lg-options:cost{DISJUNCT_COST}-short{SHORT_LENGTH}"
                f"-limit{LINKAGE_LIMIT}-time{MAX_PARSE_TIME}+{RETRY_PARSE_TIME}"
                f"|lg-suspects:words{SUSPECT_MAX_WORDS}-nulls{SUSPECT_MAX_NULLS}-time{SUSPECT_PARSE_TIME}")

    def parses(self, text: str) -> bool | None:
        """True: a complete linkage exists; False: none; None: no verdict (timeout, nothing to parse)."""
        return self.strict_parse(text)[0]

    def strict_parse(self, text: str) -> tuple[bool | None, Any]:
        """The verdict, and the parsed sentence for a re-parse with null links (None without a verdict)."""
        text = normalise(text).strip()
        if not _WORD.search(text):  # liblink-grammar 5.12 aborts the process on a sentence with no word
            return None, None
        try:
            sentence = self.lg.Sentence(text, self.dictionary, self.strict)
            linkages = sentence.parse(self.strict)
        except self.lg.LG_TimerExhausted:  # once more, afresh, with the longer limit; then no verdict
            try:
                sentence = self.lg.Sentence(text, self.dictionary, self.strict_retry)
                linkages = sentence.parse(self.strict_retry)
            except self.lg.LG_TimerExhausted:
                return None, None
        return len(linkages) > 0, sentence

    def unlinked(self, text: str, parsed: Any = None) -> list[tuple[int, int]] | None:
        """Character spans (in ``text``) of the words the best null-link parse leaves unlinked: empty
        where none leaves at most ``SUSPECT_MAX_NULLS``, None where the safety limit cut it off.

        ``parsed``: this text's failed strict parse, whose tokens the re-parse reuses."""
        norm = normalise(text)
        if not _WORD.search(norm):
            return []
        if parsed is None:
            sentence, options = self.lg.Sentence(norm.strip(), self.dictionary, self.with_nulls), self.with_nulls
        else:
            sentence, options = parsed, self.with_nulls if self.found(parsed._obj) else self.nulls_only
        try:
            linkages = sentence.parse(options)
            linkage = next(iter(linkages), None)
        except self.lg.LG_TimerExhausted:  # bounded work does not get here: see the module's notes
            return None
        if linkage is None:
            return []
        spans, pos, folded = [], 0, norm.lower()  # the parser lower-cases the first word
        for word in list(linkage.words())[1:-1]:
            bare = re.sub(r"\[[?!~*]\]$", "", word[1:-1] if word.startswith("[") else word)
            bare = re.sub(r"\.[\w-]+$", "", bare) if "." in bare[1:] else bare
            at = folded.find(bare.lower(), pos)
            if not bare or at < 0:
                continue
            pos = at + len(bare)
            if word.startswith("[") and word.endswith("]"):
                spans.append((at, at + len(bare)))
        return spans

    def verdict(self, text: str, suspects: bool) -> tuple[bool | None, tuple[tuple[int, int], ...]]:
        """``parses``, and where it fails (and ``suspects``) the unlinked words' spans. Remembered
        by the exact text: wire copy repeats its sentences from one update of a story to the next,
        and a parse is the tier's dearest step. A timeout (no verdict) is not remembered: the
        next try may finish."""
        key = (text, suspects)
        known = self.known.get(key)
        if known is not None:
            self.known.move_to_end(key)
            return known
        verdict, parsed = self.strict_parse(text)
        found = self.unlinked(text, parsed) if verdict is False and suspects else []
        unlinked = tuple(found or ())
        if verdict is not None and found is not None:  # a timeout is not remembered: the next try may finish
            self.known[key] = (verdict, unlinked)
            if len(self.known) > VERDICTS_REMEMBERED:
                self.known.popitem(last=False)
        return verdict, unlinked

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        out = []
        for s in sentences:
            if s.kind != "body" or not MIN_WORDS <= len(s.text.split()) <= MAX_WORDS:
                out.append(SignalResult(self.name, values={}))
                continue
            skip = dateline_end(s.text)
            verdict, unlinked = self.verdict(s.text[skip:], self.suspects and len(s.text.split()) <= SUSPECT_MAX_WORDS)
            values = {"parsed": 1.0 if verdict else 0.0} if verdict is not None else {}
            if verdict is not False:
                out.append(SignalResult(self.name, values=values))
                continue
            spans = [(a + skip, b + skip) for a, b in unlinked]
            suspects = tuple(Suspect(a, b, s.text[a:b], 0.0) for a, b in spans)
            if spans:
                start, end = s.start + min(a for a, _ in spans), s.start + max(b for _, b in spans)
                words = ", ".join(repr(s.text[a:b]) for a, b in spans[:4])
                message = f"no complete grammatical parse; unlinked: {words}"
            else:  # beyond the re-parse's bounds (or not shown): the whole sentence
                start, end = s.start, s.end
                message = "no complete grammatical parse" + (WHOLE if self.suspects else "")
            out.append(SignalResult(self.name, values=values, suspects=suspects,
                                    flags=(Flag("no-parse", message, SEVERITY, start, end),)))
        return out


def build(config: Config, context: Any) -> GrammarSignal:
    lg = import_link_grammar()
    if lg is None:
        raise SignalUnavailable("grammar", "link-grammar not installed", INSTALL)
    return GrammarSignal(lg, suspects=config is None or config.sentence_detail)
