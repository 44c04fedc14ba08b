"""Offline language-model backend: the pocketsphinx en-us trigram model, no download at run time.

The ``pocketsphinx`` wheel ships ``model/en-us/en-us.lm.bin`` (a 72,547-word US-English trigram model,
the same file as Debian's ``pocketsphinx-en-us``). This backend turns a sentence into the model's
vocabulary with the character span of every original word, and scores it:

- The model's words are lowercase without punctuation; numbers are spelled out ("nineteen ninety",
  "three point five", "percent"), hyphenated words are split, apostrophes stay inside the word
  ("didn't", "president's"; an unknown "X's" becomes "X"), abbreviations are expanded ("Gen." →
  "general") and dotted acronyms spelled ("u." "s.").
- ``prob([w, h1, h2])`` is log P(w | h2 h1) in LogMath(1.0001) units (×ln 1.0001 for nats). An unknown
  word gets a huge negative sentinel, so it is floored at ``UNK_LOGPROB``.
- Names are not disfluency: an unknown capitalised Latin-script word (not sentence-initial) is a
  *name*: its own term is left out and the next words see ``NAME_PROXY`` ("john") as history. An
  unknown lowercase or non-Latin word (untranslated, misspelt) counts as unknown.

Sentence values (all ``ngram_*``, so a profile fitted on them never applies to a neural LM's values):
mean log-prob, SLOR (log-prob minus unigram log-prob, per term), the worst and the two worst terms
relative to their unigram (a local break), the worst log-prob, unknown and name shares, the
end-of-sentence term. Word suspects are the words with the lowest relative log-probability.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from mtqa.models.backends.base import LMScores
from mtqa.models.locate import ModelError

NAME_PROXY = "john"
MODEL_NAME = "pocketsphinx-en-us"
LN_BASE = math.log(1.0001)
LOGZERO = -536870912
UNK_LOGPROB = -23.0  # nats; the rarest real unigram is -21.8


FUNCTION_WORDS = {  # all-caps forms of these are acronyms, not shouting: US, IT, WHO, AM ...
    "us", "it", "who", "am", "is", "as", "at", "in", "on", "or", "an", "to", "no", "so", "do", "go", "me",
    "my", "he", "we", "be", "by", "of", "up", "oh", "if", "id", "i", "a", "and", "the", "was", "are", "all",
    "can", "may", "not", "one", "pm", "any", "new", "our", "out", "man", "war", "sea", "top",
}
ABBREV = {  # "Mr." etc.: the period does not end the sentence
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen",
    "rep", "inc", "ltd", "co", "corp", "vs", "etc", "no", "vol", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "fig", "approx", "ca", "cf", "dept", "univ", "mt", "ft",
    "e.g", "i.e", "p", "pp", "al",
}
ABBREV_LM = {"prof": "professor", "gen": "general", "col": "colonel", "lt": "lieutenant", "sgt": "sergeant",
             "capt": "captain", "gov": "governor", "sen": "senator", "rep": "representative", "vs": "versus",
             "etc": "et cetera", "approx": "approximately", "dept": "department", "jan": "january",
             "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july", "aug": "august",
             "sep": "september", "sept": "september", "oct": "october", "nov": "november", "dec": "december",
             "e.g": "for example", "i.e": "that is", "ft": "feet", "mt": "mount"}
SYMBOLS = {"%": "percent", "&": "and", "+": "plus", "°": "degrees", "§": "section"}
MAGNITUDES = {"thousand", "million", "billion", "trillion", "bn", "m"}
CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
APOS = "'\u2019\u2018\u02bc`\u00b4"

# One raw token: a dotted acronym (U.S., e.g.), a number (1,000.5 / 21st / 1990s), a word with
# inner apostrophes, hyphens or periods, or a symbol; sentence punctuation separately.
TOKEN = re.compile(
    r"(?P<acro>(?:[^\W\d_]\.){2,})"
    r"|(?P<num>\d+(?:[,\u00a0]\d{3})*(?:\.\d+)?(?:st|nd|rd|th|s|'s)?(?![^\W_]))"
    r"|(?P<word>[^\W_]+(?:[" + APOS + r"\-\u2010\u2011][^\W_]+)*[" + APOS + r"]?)"
    r"|(?P<sym>[%&+°§$€£¥])"
    r"|(?P<end>[.!?]+)"
)

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
           "twelve": "twelfth"}


def cardinal(n: int) -> list[str]:
    if n < 20:
        return [ONES[n]]
    if n < 100:
        return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        return [ONES[n // 100], "hundred"] + (cardinal(n % 100) if n % 100 else [])
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            return cardinal(n // size) + [word] + (cardinal(n % size) if n % size else [])
    raise AssertionError(n)


def year(n: int) -> list[str]:
    if 2000 <= n < 2100 or n % 1000 == 0:
        return cardinal(n)
    hi, lo = divmod(n, 100)
    if lo == 0:
        return cardinal(hi) + ["hundred"]
    return cardinal(hi) + (["oh"] + cardinal(lo) if lo < 10 else cardinal(lo))


def ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in ORDINAL:
        last = ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last = last + "th"
    return words[:-1] + [last]


def plural(words: list[str]) -> list[str]:
    last = words[-1]
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return words[:-1] + [last]


def number_words(text: str) -> list[str] | None:
    """Spoken form of a numeric token; None when it is not worth spelling (very long digit strings)."""
    t = text.replace(",", "").replace("\u00a0", "")
    suffix = ""
    m = re.match(r"^(\d+(?:\.\d+)?)(st|nd|rd|th|s|'s)?$", t)
    if not m:
        return None
    t, suffix = m.group(1), (m.group(2) or "")
    if "." in t:
        whole, frac = t.split(".")
        if len(whole) > 12 or len(frac) > 4:
            return None
        return cardinal(int(whole)) + ["point"] + [ONES[int(d)] for d in frac]
    if len(t) > 12:
        return None
    n = int(t)
    is_year = len(t) == 4 and 1100 <= n <= 2099 and "," not in text
    words = year(n) if is_year else cardinal(n)
    if t.startswith("0") and len(t) > 1:  # codes such as 007: digit by digit
        words = ["oh" if d == "0" else ONES[int(d)] for d in t]
    if suffix in ("st", "nd", "rd", "th"):
        words = ordinal(words)
    elif suffix in ("s", "'s"):
        words = plural(words)
    return words


@dataclass
class LMToken:
    lm: str  # the word given to the model ("" for a neutral name/number-class slot)
    start: int  # character span of the original word it came from (sentence-relative)
    end: int
    kind: str  # word | name | unk | boundary
    word: int  # index of the original word


@dataclass
class Scored:
    values: dict
    suspects: list  # (start, end, text, rel) worst first
    tokens: list = field(default_factory=list)  # (LMToken, cond, unigram) for inspection
    words: list = field(default_factory=list)  # (start, end, text, kind, min rel over its terms or None)


def latin(word: str) -> bool:
    """Names in an English text are written in Latin letters; a Cyrillic or Sinhala word is untranslated."""
    return all(not c.isalpha() or c < "\u0250" or "LATIN" in unicodedata.name(c, "") for c in word)



UNK_SUSPECT = -10.0  # an unknown (non-name) word's place among the suspects: worse than most breaks
SUSPECT_REL = -4.0  # a word is suspect when its worst term is this many nats below its unigram
MAX_SUSPECTS = 3


def default_model_path() -> str:
    """The en-us trigram model inside the installed ``pocketsphinx`` package."""
    try:
        from pocketsphinx import get_model_path
    except ImportError:
        raise ModelError("ngram", "the offline n-gram model needs the pocketsphinx package, which is not installed",
                         "pip install pocketsphinx") from None
    return os.path.join(get_model_path(), "en-us", "en-us.lm.bin")


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class NGramLanguageModel:
    """Sentence values and suspect words from the pocketsphinx en-us trigram model.

    ``score`` gives the ``LanguageModel`` protocol's per-token log-probabilities; ``analyse`` gives
    what the fluency signal reports (``ngram_*`` values, word suspects with character spans).
    """

    backend = "ngram"
    names = "proxy"

    def __init__(self, path: str | None = None):
        try:
            from pocketsphinx import LogMath, NGramModel
        except ImportError:
            raise ModelError("ngram", "the offline n-gram model needs the pocketsphinx package, which is not installed",
                             "pip install pocketsphinx") from None
        self.path = path or default_model_path()
        if not os.path.isfile(self.path):
            raise ModelError("ngram", f"the n-gram model file {self.path} is missing", "pip install --force-reinstall pocketsphinx")
        self.lm = NGramModel(None, LogMath(1.0001), self.path)
        self.sha256 = file_sha256(self.path)
        self.model_id = f"ngram:{MODEL_NAME}"
        self.revision = self.sha256[:12]
        self._uni: dict[str, float] = {}
        self._known: dict[str, bool] = {}

    def signature(self) -> str:
        """What changes the numbers: the model file (sha256) and how names are treated."""
        return f"ngram:{MODEL_NAME}@{self.revision}+names:{self.names}"

    # ---- model access ------------------------------------------------------------------------

    def known(self, w: str) -> bool:
        k = self._known.get(w)
        if k is None:
            k = self._known[w] = self.lm.prob([w]) > LOGZERO // 2
        return k

    def unigram(self, w: str) -> float:
        u = self._uni.get(w)
        if u is None:
            u = self._uni[w] = self.lm.prob([w]) * LN_BASE
        return u

    # ---- tokenisation ------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[LMToken]:
        """LM tokens with the character span (in ``text``) of the word each came from."""
        letters = [c for c in text if c.isalpha()]
        shouting = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters)
        out: list[LMToken] = []
        raws = list(TOKEN.finditer(text))
        initial = True
        word = -1
        pending_currency: list[str] = []
        for k, m in enumerate(raws):
            kind = m.lastgroup
            s, e = m.start(), m.end()
            raw = m.group()
            if kind == "end":
                prev = raws[k - 1].group().lower().rstrip(".") if k else ""
                nxt = raws[k + 1].group() if k + 1 < len(raws) else ""
                if raw.startswith(".") and (prev in ABBREV or (len(prev) == 1 and prev.isalpha())):
                    continue
                if nxt and (nxt[0].isupper() or nxt[0].isdigit()) and out:
                    out.append(LMToken("</s>", s, e, "boundary", word))
                    initial = True
                continue
            word += 1
            if kind == "sym":
                if raw in CURRENCY:
                    pending_currency.append(CURRENCY[raw])
                    word -= 1
                    continue
                out.append(LMToken(SYMBOLS[raw], s, e, "word", word))
                continue
            if kind == "num":
                spoken = number_words(raw) if True else None
                if spoken is None:
                    out.append(LMToken("", s, e, "name", word))
                else:
                    out += [LMToken(w, s, e, "word", word) for w in spoken]
                if pending_currency:
                    nxt = raws[k + 1].group().lower() if k + 1 < len(raws) else ""
                    if nxt not in MAGNITUDES:
                        out += [LMToken(w, s, e, "word", word) for w in pending_currency]
                        pending_currency = []
                initial = False
                continue
            if pending_currency and kind == "word" and raw.lower() in MAGNITUDES:
                out.append(LMToken(raw.lower(), s, e, "word", word))
                out += [LMToken(w, s, e, "word", word) for w in pending_currency]
                pending_currency = []
                initial = False
                continue
            if kind == "acro":
                lw = raw.lower().rstrip(".")
                if lw in ABBREV_LM:
                    out += [LMToken(w, s, e, "word", word) for w in ABBREV_LM[lw].split()]
                else:
                    letters_ = [c + "." for c in raw.lower() if c.isalpha()]
                    if all(self.known(c) for c in letters_):
                        out += [LMToken(c, s, e, "word", word) for c in letters_]
                    else:
                        out.append(LMToken("", s, e, "name", word))
                initial = False
                continue
            # a word, maybe with hyphens and apostrophes: hyphenated words are split into parts
            parts = [(pm.start() + s, pm.end() + s) for pm in re.finditer(r"[^\-\u2010\u2011]+", raw)]
            for ps, pe in parts:
                out += self._word(text[ps:pe], ps, pe, word, initial, shouting)
                initial = False
        return out

    def _word(self, w: str, s: int, e: int, word: int, initial: bool, shouting: bool) -> list[LMToken]:
        if w.isdigit():
            spoken = number_words(w) if True else None
            return [LMToken(x, s, e, "word", word) for x in spoken] if spoken else [LMToken("", s, e, "name", word)]
        norm = "".join("'" if c in APOS else c for c in w)
        low = norm.lower()
        if self.known(low) and not (norm.isupper() and len(norm) > 1 and not shouting):
            return [LMToken(low, s, e, "word", word)]
        if norm.isupper() and len(norm) > 1 and not shouting and norm.isalpha():
            if self.known(low) and low not in FUNCTION_WORDS:
                return [LMToken(low, s, e, "word", word)]
            letters = [c + "." for c in low]
            if len(norm) <= 4 and all(self.known(c) for c in letters):
                return [LMToken(c, s, e, "word", word) for c in letters]
            return [LMToken("", s, e, "name" if latin(norm) else "unk", word)]
        if low in ABBREV_LM:
            return [LMToken(x, s, e, "word", word) for x in ABBREV_LM[low].split()]
        base = low
        if base.endswith("'s"):
            base = base[:-2]
        elif base.endswith("'") or base.startswith("'"):
            base = base.strip("'")
        if base != low and base and self.known(base):
            return [LMToken(base, s, e, "word", word)]
        if "'" in base:  # l'Orient, d'Artagnan ... : the part after the apostrophe decides
            tail = base.rsplit("'", 1)[1]
            if tail and self.known(tail) and not norm.rsplit("'", 1)[1][:1].isupper():
                return [LMToken(tail, s, e, "word", word)]
        capital = (norm[:1].isupper() or (norm[:1] == "'" and norm[1:2].isupper())) and latin(norm)
        if capital and not initial:
            return [LMToken("", s, e, "name", word)]
        return [LMToken("", s, e, "unk", word)]

    # ---- scoring -----------------------------------------------------------------------------

    def _terms(self, text: str) -> tuple[list[LMToken], list[tuple[LMToken, float, float]]]:
        """The tokens, and (token, log P(token | history), unigram log P) per scored term, in nats."""
        toks = self.tokenize(text)
        hist = ["<s>"]
        terms: list[tuple[LMToken, float, float]] = []
        for t in toks:
            if t.kind == "boundary":
                c = self.lm.prob(["</s>", hist[-1], hist[-2] if len(hist) > 1 else "<s>"]) * LN_BASE
                terms.append((t, c, self.unigram("</s>")))
                hist = ["<s>"]
                continue
            if t.kind == "name":
                hist.append(NAME_PROXY)
                continue
            if t.kind == "unk":
                terms.append((t, UNK_LOGPROB, UNK_LOGPROB))
                hist.append("<unk>")
                continue
            c = self.lm.prob([t.lm] + hist[-2:][::-1]) * LN_BASE
            terms.append((t, c, self.unigram(t.lm)))
            hist.append(t.lm)
        # the end is always scored: a sentence with no words is the model's (unlikely) empty
        # sentence, P(</s> | <s>), not a sentence with nothing wrong in it
        end = LMToken("</s>", len(text), len(text), "boundary", -1)
        c = self.lm.prob(["</s>"] + hist[-2:][::-1]) * LN_BASE
        terms.append((end, c, self.unigram("</s>")))
        return toks, terms

    def score(self, texts: Sequence[str]) -> list[LMScores]:
        out = []
        for text in texts:
            _, terms = self._terms(text)
            out.append(LMScores(tuple(t.lm for t, _, _ in terms), tuple((t.start, t.end) for t, _, _ in terms),
                                tuple(c for _, c, _ in terms)))
        return out

    def analyse(self, text: str) -> Scored:
        toks, terms = self._terms(text)
        n_words = len({t.word for t in toks if t.kind != "boundary"})
        kinds: dict[int, str] = {}
        span: dict[int, tuple[int, int]] = {}
        for t in toks:
            if t.kind != "boundary":
                kinds.setdefault(t.word, t.kind)
                a, b = span.get(t.word, (t.start, t.end))
                span[t.word] = (min(a, t.start), max(b, t.end))
        conds = [c for _, c, _ in terms]
        rels = [c - u for _, c, u in terms]
        n = len(terms)
        srt = sorted(rels)
        values = {
            "ngram_mean_logprob": sum(conds) / n if n else 0.0,
            "ngram_slor": sum(rels) / n if n else 0.0,
            "ngram_min_rel": srt[0] if n else 0.0,
            "ngram_min2_rel": (srt[0] + srt[1]) / 2 if n > 1 else (srt[0] if n else 0.0),
            "ngram_min_logprob": min(conds) if n else 0.0,
            "ngram_unknown_share": sum(k == "unk" for k in kinds.values()) / n_words if n_words else 0.0,
            "ngram_name_share": sum(k == "name" for k in kinds.values()) / n_words if n_words else 0.0,
            "ngram_eos_rel": rels[-1] if n else 0.0,
        }
        per_word: dict[int, float] = {}
        for (t, _, _), r in zip(terms, rels):
            if t.kind == "unk":
                per_word[t.word] = UNK_SUSPECT
            elif t.kind != "boundary":
                per_word[t.word] = min(r, per_word.get(t.word, r))
        words = [(span[w][0], span[w][1], text[span[w][0]:span[w][1]], kinds[w], per_word.get(w)) for w in sorted(span)]
        cands = sorted((x for x in words if x[4] is not None and x[4] < SUSPECT_REL), key=lambda x: (x[4], x[0]))
        suspects = [(s, e, tx, r) for s, e, tx, _, r in cands[:MAX_SUSPECTS]]
        return Scored(values, suspects, terms, words)


def load_language_model(located: Any, context: Any) -> NGramLanguageModel:
    """The registry entry (``mtqa.extensions.LANGUAGE_MODEL_BACKENDS["ngram"]``): it needs no
    located model, the file comes with the ``pocketsphinx`` package."""
    return NGramLanguageModel()
