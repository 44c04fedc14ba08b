"""Page lines by shape: boilerplate, the headline and cross-headings, with jusText's ideas on plain text.

Scraped pages carry furniture that no list of phrases covers: site names, kickers, breadcrumbs,
bylines with share buttons, timestamps, captions with glued credits, related-article teasers,
comment forms. ``classify`` decides per line from general features only:

- the page's *prose* lines (at least 12 words, an ordinary share of function words, sentence
  punctuation) mark the article: lines before the first one form the header zone, lines after the
  last one the footer zone;
- a line's own shape: markup, a link or domain, a date/time stamp, a high share of web-interface
  vocabulary, a photo credit glued to a caption, a person's name alone (a byline);
- repetition (a headline repeated further down) and neighbours (a short line next to a byline is a
  teaser or an author's bio).

The headline is chosen by shape: the first headline-shaped line of the header zone with at least four
words (a later, different one is the on-page headline); a date, a site name or a kicker never is.
An article sentence is never set aside by position alone: only lines that are not prose are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from mtqa.text.names import first_name_gender

TERMINAL = re.compile(r"[.!?…][\"'”’»)\]“]*$")
WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# Web-page furniture: buttons, links, forms, players, consent, navigation. A line is furniture when most
# of its content words come from here (a density, not a list of phrases).
UI_WORDS = frozenset("""
video videos play watch click tap here below above read more entire article articles story stories see also
share shares tweet print email e-mail mail reply replies comment comments leave post required fields marked
published address cookie cookies consent accept settings privacy policy content display button link links
source sources icon mobile version exit menu home skip navigation search subscribe newsletter follow
facebook twitter whatsapp telegram instagram youtube linkedin login log sign register account
advertisement ad ads sponsored loading know details information soon update updated status breaking
latest news live ticker gallery photo photos image images audio podcast listen related topics
""".split())
# An instruction to the reader opens interface text, never a news sentence: "Watch the video here: …"
UI_COMMAND = re.compile(r"(?:watch|read|click|tap|share|follow|subscribe|listen|sign\s+up|log\s+in|see)\b", re.I)
DATE_WORDS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
am pm a.m. p.m. ago hours hour minutes minute days day months month years year weeks week yesterday today
status updated published posted gmt cet cest utc at on by""".split())
MARKUP = re.compile(r"<[^>]*>?|</?\w+[^>]*>|\w+\s*=\s*[\"“”']|^\[[\w\s-]+\]$|\{\{|\}\}|&\w+;")
URLISH = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|de|at|ch|pl|ru|fr|it|es|eu|uk|info|news|tv)\b",
                    re.IGNORECASE)
DATETIME = re.compile(r"\b\d{1,2}[.:/]\d{1,2}(?:[.:/]\d{2,4})?\b|\b\d{4}\b|\b\d{1,2}(?:st|nd|rd|th)?\b", re.I)
# "…the partners.Image: Name" / "… Photo: Name" at the end of a caption
GLUED_CREDIT = re.compile(r"(?:[.!?]|\s)(?:Image|Photo|Picture|Foto|Bild|Credit|Source)s?\s*:\s*[^.!?]{1,40}$")
# "FIRSTNAME LASTNAME / AGENCY Caption…" at the start of a line
LEADING_CREDIT = re.compile(r"^(?:[A-ZÄÖÜ][A-ZÄÖÜ'-]+\s+){1,3}/\s*[A-Z][A-Za-z-]+\b")
# "Topic: headline": the kicker of a related-article teaser
KICKER = re.compile(r"[^:]{2,30}:\s+\S")
CONTINUATION = re.compile(r"[\"'“„‘«]?[a-zäöüß]")  # a line going on with the sentence before it
# a line that stops on one of these was cut off mid-sentence; headings do not end this way
DANGLING = frozenset("""a an the and or but of to in on at by for with without from that which who as than if
into its their about after before between during against through""".split())
PROSE_WORDS = 12
PROSE_STOPWORDS = 0.22
TITLE_MAX_WORDS = 40
HEADING_MAX_WORDS = 16
CAPTION_WORDS = 20  # an untranslated line longer than this outside the article is kept: it may be the lead
LIST_MIN_LINES = 3


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English function words (spaCy's list), loaded on first use: importing spaCy is slow."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@dataclass(frozen=True)
class Verdict:
    """``kind`` is title, heading, body or junk; ``reason`` says why a line is junk."""

    kind: str
    reason: str = ""


@functools.lru_cache(maxsize=4096)  # the line classifiers ask for the same line's words many times
def words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text))


def stopword_share(text: str) -> float:
    ws = words(text)
    return sum(w.lower() in stop_words() for w in ws) / len(ws) if ws else 0.0


def _sentence_ends(text: str) -> int:
    return len(re.findall(r"[a-z\d\"”’)][.!?…]+[\"”’»)]?(?:\s|$)", text))


def is_prose(text: str) -> bool:
    """Long enough, ends sentences, an ordinary share of function words: article text."""
    return (len(words(text)) >= PROSE_WORDS and stopword_share(text) >= PROSE_STOPWORDS
            and bool(TERMINAL.search(text) or _sentence_ends(text) >= 2))


def is_sentence_like(text: str) -> bool:
    """A short paragraph of sentences: at least five words, sentence punctuation, some function words."""
    return (len(words(text)) >= 5 and bool(TERMINAL.search(text))
            and (stopword_share(text) >= 0.2 or _sentence_ends(text) >= 2))


def _interface_share(text: str) -> tuple[float, int]:
    ws = [w.lower().strip(".'’") for w in words(text)]
    ws = [w for w in ws if not (len(w) == 1 and w != "x")]  # initials such as "F. A. Z."
    content = [w for w in ws if w not in stop_words() or w in UI_WORDS]
    if not content:
        return 0.0, 0
    hits = sum(w in UI_WORDS for w in content)
    return hits / len(content), hits


def is_date_line(text: str) -> bool:
    """A date or timestamp and nothing else ("26.05.2024, 14:32", "Updated on Monday, 3 June 2024"), or
    one in a row of short fields ("Politics | 12 March 2024", "Updated 14:32 · 3 min read")."""
    if not DATETIME.search(text):
        return False
    if _is_date_field(text):
        return True
    fields = [f for f in FIELD_SEPARATOR.split(text.strip()) if f.strip()]
    if len(fields) < 2 or len(words(text)) > 14:
        return False
    dated = [_is_date_field(f) or bool(READING_TIME.fullmatch(f.strip())) for f in fields]
    return any(dated) and all(d or _is_label_field(f) for d, f in zip(dated, fields))


def _is_date_field(text: str) -> bool:
    if not DATETIME.search(text):
        return False
    rest = [w for w in words(DATETIME.sub(" ", READING_TIME.sub(" ", text)))
            if w.lower().strip(".:,") not in DATE_WORDS]
    return len(rest) <= 1


def _is_label_field(text: str) -> bool:
    """A section or category name, or an interface word: a few words, no sentence."""
    ws = words(text)
    return 1 <= len(ws) <= 3 and not TERMINAL.search(text.strip()) and not any(ch.isdigit() for ch in text)


# the fields of a dateline or category line: "Politics | 12 March 2024 · 3 min read"
FIELD_SEPARATOR = re.compile(r"\s+[|·•–—/]\s+|\s*[|·•]\s*")
READING_TIME = re.compile(r"(?:reading\s+time:?\s*)?\d+\s*(?:min(?:ute)?s?\.?)(?:\s+(?:read|reading(?:\s+time)?))?", re.I)


def is_name_line(text: str) -> bool:
    """A person's name alone, such as a byline ("Maria Keller"): a known first name opens 2–4 capitalised words."""
    toks = text.strip().split()
    if not 2 <= len(toks) <= 4 or TERMINAL.search(text) or any(ch.isdigit() for ch in text):
        return False
    if not all(t[0].isupper() for t in toks) or any(t.lower() in stop_words() for t in toks):
        return False
    return first_name_gender(toks[0]) is not None


def is_headline_shaped_loose(text: str, max_words: int = TITLE_MAX_WORDS) -> bool:
    """No final full stop (a question or exclamation is fine), starts with a capital, a digit or a quote.

    The page-level test (``classify``, on scraped pages): up to 40 words, a question, an exclamation
    or an ellipsis may end it, and nothing more is asked of its shape, because ``classify`` weighs
    the line's place on the page (header zone, next to prose) as well."""
    ws = text.split()
    if not ws or len(ws) > max_words:
        return False
    stripped = text.rstrip()
    if TERMINAL.search(stripped) and not stripped.endswith(("?", "!", "...", "…")):
        return False
    head = text.lstrip("\"'“„‘«» ")[:1]
    return head.isupper() or head.isdigit()


# "said. The" inside a line: a sentence ends there, so the line is prose, not a headline.
_INNER_SENTENCE_END = re.compile(r"[a-z\d]{2,}[\"”’»)]?[.!?…]+[\"”’»)]?\s+\S")
BULLET = re.compile(r"(?:[-*•–—·▪►‣◦]|\d{1,2}[.)]|[a-z][.)])\s+\S")
_NO_FINAL_PUNCT = re.compile(r"[^.!?…:;,]$")
_OPENS_LIKE_HEADING = re.compile(r"[\"'“„‘«»A-ZÄÖÜ0-9]")


def is_headline_shaped_strict(text: str, max_words: int) -> bool:
    """No final punctuation at all, no dangling last word, no sentence end inside, not a bullet.

    The line-level test (``mtqa.text.page.kinds``: the title and cross-headings of wire copy, where
    a line's only context is its paragraph): stricter than ``is_headline_shaped_loose`` because it
    decides from the line alone. The two are kept apart because merging them changes which lines
    are titles and headings (and so the output)."""
    last = text.split()[-1] if text.split() else ""
    return (
        len(text.split()) <= max_words
        and last not in DANGLING  # a line stopping on one was cut off mid-sentence
        and not _INNER_SENTENCE_END.search(text)
        and bool(_NO_FINAL_PUNCT.search(text))
        and bool(_OPENS_LIKE_HEADING.match(text))
        and not BULLET.match(text)
    )


def normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


BREADCRUMB = re.compile(r"^[^›»>|/]{1,40}(?:\s[›»>|/]\s[^›»>|/]{1,40}){2,}$")
DATELINE = re.compile(r"^[A-ZÄÖÜ][\w’'-]*(?:\s[A-ZÄÖÜ][\w’'-]*){0,2}\s?(?:\([\w\s/-]+\))?\s?[.:–—-]$")


def shape_junk(text: str) -> str:
    """Why a line is junk by its own shape wherever it stands, or ''."""
    s = text.strip()
    n = len(words(s))
    markup = sum(len(m.group()) for m in MARKUP.finditer(s))
    if markup and (n <= 12 or markup >= 0.5 * len(s)):
        return "markup leftover"
    if BREADCRUMB.match(s):
        return "navigation (breadcrumb)"
    if URLISH.search(s) and n <= 12:
        return "source or link line"
    if is_date_line(s):
        return "date or time stamp"
    share, hits = _interface_share(s)
    if hits and ((n <= 4 and share >= 0.5) or (share >= 0.6 and hits >= 2) or (hits >= 4 and share >= 0.4)) \
            and not (TERMINAL.search(s) and carries_prose(s) and not UI_COMMAND.match(s)):
        return "page furniture (interface words)"  # but a sentence about a video or a post is prose
    if re.search(r"\bcookies?\b", s, re.I) and hits >= 3:
        return "cookie notice"
    if n <= 40 and GLUED_CREDIT.search(s):
        return "caption with a photo credit"
    if n <= 40 and LEADING_CREDIT.match(s):
        return "photo credit with caption"
    if is_name_line(s):
        return "name line (byline)"
    return ""


# "Jane Doe is a political correspondent ...": a person's name, then what the author does for a living
_BIO = re.compile(r"^(?P<name>(?:[A-ZÄÖÜ][\w'’.-]+\s+){1,3}?)(?:is|was|has\s+been|works|writes|reports|joined|covers)\b")
BIO_ROLES = frozenset("""correspondent correspondents editor editors reporter reporters journalist journalists writer
writers author columnist contributor contributors freelance freelancer photographer photojournalist newsroom
bureau desk editorial anchor presenter blogger""".split())
# German function words that are not also English words: a line mostly of these was left untranslated
GERMAN_WORDS = frozenset("""der das den dem des und ist sind ein eine einen einem einer mit von vom zum zur im auf
für nicht sich auch bei beim nach aus wie dass werden wird wurde hat haben vor über unter noch nur oder aber als
sie er wir ihr ihre seine seiner ihrem seinem zu ins einer gegen während""".split())


def is_author_bio(text: str) -> bool:
    """A short paragraph about the author: a name opens it and a newsroom job follows ("... is a reporter")."""
    m = _BIO.match(text.strip())
    if not m or len(words(text)) > 45:
        return False
    toks = m.group("name").split()
    if first_name_gender(toks[0]) is None or any(t.lower() in stop_words() for t in toks):
        return False
    return any(w.lower() in BIO_ROLES for w in words(text))


def is_german(text: str) -> bool:
    """Mostly German function words and hardly any English ones: a line left untranslated."""
    ws = [w.lower() for w in words(text)]
    german = sum(w in GERMAN_WORDS for w in ws)
    return len(ws) >= 3 and german >= 2 and german >= 0.2 * len(ws) and stopword_share(text) < 0.15


# A note that opens a line before the article goes on ("(Read more here.)", "Latest news …", "Video:"), or
# closes it after a sentence ("... on Monday. (Read more here.)"); a link label ("See also:") is not one:
# what follows it is another article's headline.
_BRACKET_HEAD = re.compile(r"^\((?P<note>[^()]{1,60})\)[.:]?(?=\s)")
_LABEL_HEAD = re.compile(r"^(?P<note>(?:[^\W\d][\w'’-]*\s+){0,3}[^\W\d][\w'’-]*)\s*(?:…|\.\.\.|:|\||»|›|–|—)(?=\s)")
_BRACKET_TAIL = re.compile(r"(?<=[.!?…\"”’»])\s+\((?P<note>[^()]{1,60})\)\.?$")
_LINK_LABEL = re.compile(r"^(?:also\s+read|read\s+(?:also|more)|see\s+also|related|more\s+on)\b", re.I)
_CAPTION_NOTE = re.compile(r"^(?:archive|file|symbol|stock|illustrative|library)\s*(?:image|photo|picture|pic)?$"
                           r"|^(?:photo|image|picture|foto|bild)\s*:", re.I)


def _note_kind(note: str) -> str:
    """``caption`` or ``teaser`` when a bracketed or labelled note is page furniture, else ''."""
    if _CAPTION_NOTE.match(note.strip()):
        return "caption"
    share, hits = _interface_share(note)
    return "teaser" if hits and share >= 0.5 else ""


def carries_prose(text: str) -> bool:
    """Enough running text to hold a sentence of the article (a line cut off by the page may lack its stop)."""
    n = len(words(text))
    return n >= 8 and stopword_share(text) >= 0.2 and (
        bool(TERMINAL.search(text.strip())) or _sentence_ends(text) >= 1 or n >= 20)


def is_cut_sentence(text: str) -> bool:
    """Running text the page cut off ("... the council will meet again on", or a long sentence that lost its
    stop): kept, never set aside by position."""
    ws = text.split()
    return carries_prose(text) or (len(ws) >= 8 and ws[-1].lower() in DANGLING and stopword_share(text) >= 0.2) \
        or (len(words(text)) >= PROSE_WORDS and stopword_share(text) >= PROSE_STOPWORDS)


def junk_head(text: str) -> tuple[int, str] | None:
    """(where the article text starts, the note's kind) when a note opens a line that goes on with prose."""
    credit = LEADING_CREDIT.match(text)
    if credit:  # "JANE DOE / AFP ..." before two sentences or more: the article, not a one-sentence caption
        rest = len(text) - len(text[credit.end():].lstrip())
        more = is_prose(text[rest:]) and _sentence_ends(text[rest:]) >= 2
        return (rest, "credit") if more else None
    m = _BRACKET_HEAD.match(text) or _LABEL_HEAD.match(text)
    if not m:
        return None
    kind = _note_kind(m.group("note"))
    rest = len(text) - len(text[m.end():].lstrip())
    # after a link label, a finished sentence (not another article's headline) is this article's text
    prose = is_prose(text[rest:]) if _LINK_LABEL.match(text) else carries_prose(text[rest:])
    return (rest, kind) if kind and prose else None


def junk_tail(text: str) -> tuple[int, str] | None:
    """(where a closing note starts, its kind) when it follows prose on the same line."""
    m = _BRACKET_TAIL.search(text)
    if not m:
        return None
    kind = _note_kind(m.group("note"))
    at = len(text[:m.start()].rstrip())
    return (len(text) - len(m.group().lstrip()), kind) if kind and carries_prose(text[:at]) else None


def paragraph_per_line(texts: Sequence[str]) -> bool:
    """The page puts one paragraph per line without blank lines: most lines end a sentence."""
    ends = sum(bool(TERMINAL.search(t)) for t in texts)
    return len(texts) >= 3 and ends / len(texts) >= 0.5


# A wire service's tag before a headline: "ROUNDUP:", "UPDATE 2-", "EXCLUSIVE:", "ROUNDUP/", "WDH:"
WIRE_PREFIX = re.compile(r"^[A-ZÄÖÜ][A-ZÄÖÜ-]{2,}(?:\s+\d{1,2})?\s*(?:[:/]|-(?=\S))\s*")
# The path of a breadcrumb or a short kicker before the page's own headline: "Home › Politics › ", "Politics: "
PATH_HEAD = re.compile(r"(?:^|\s)[›»>|/]\s*$|^(?:[^\W\d][\w'’-]*\s+){0,2}[^\W\d][\w'’-]*\s*:\s*$")
CREDIT_HEAD = re.compile(r"\b(?:photo|image|picture|foto|bild|credit|source)s?\s*:\s*$", re.I)


def _head_before(text: str, key_words: int) -> str:
    """The raw text of ``text`` before its last ``key_words`` words (as ``normalise`` counts them)."""
    spans = [m.start() for m in re.finditer(r"\w+", text)]
    cut = len(spans) - key_words
    return text[:spans[cut]] if 0 < cut < len(spans) else ""


def names_the_line(head: str) -> bool:
    """A wire tag, a breadcrumb path or a kicker before a repeated line: the line is the page's headline
    named again, not a caption repeated inside its credit."""
    wire = WIRE_PREFIX.match(head + "x")
    head = head.strip()
    return bool(head) and not CREDIT_HEAD.search(head) and (
        bool(wire and wire.end() >= len(head)) or bool(PATH_HEAD.search(head)))


def _repeated(texts: Sequence[str], keys: list[str]) -> tuple[list[bool], list[bool]]:
    """A line repeated elsewhere, or repeated inside a longer line (a caption inside its credit line);
    and the lines that repeat another behind a breadcrumb path or a wire tag (the headline stays)."""
    out = [False] * len(keys)
    crumbs = [False] * len(keys)
    for i, key in enumerate(keys):
        n = len(key.split())
        if n < 3:
            continue
        for j, other in enumerate(keys):
            if j == i:
                continue
            if key == other:
                out[i] = True
                break
            if len(other) > len(key) and other.endswith(" " + key):
                if names_the_line(_head_before(texts[j], n)):
                    crumbs[j] = crumbs[j] or not WIRE_PREFIX.match(texts[j])
                elif n >= 5:
                    out[i] = True
                    break
    return out, crumbs


def classify(texts: Sequence[str], set_aside: Sequence[bool] = ()) -> list[Verdict] | None:
    """A verdict for every line of a page (non-blank lines, stripped, in order); None when the page has
    no prose line, so nothing marks where its article is (the line classifiers then decide alone).
    ``set_aside`` marks the lines the line classifiers already took as junk (credits, captions, ...)."""
    n = len(texts)
    prose = [is_prose(t) for t in texts]
    if not any(prose):
        return None
    bad = [shape_junk(t) for t in texts]
    for i, t in enumerate(texts):  # an author's bio, unless it stands between two paragraphs of the article
        if not bad[i] and is_author_bio(t) and not (0 < i < n - 1 and prose[i - 1] and prose[i + 1]):
            bad[i] = "author bio"
            prose[i] = False
    if not any(prose):
        return None
    # the article runs from its first to its last prose or sentence-like line, so short paragraphs
    # keep the headings between them
    like = [prose[i] or (not bad[i] and is_sentence_like(t)) for i, t in enumerate(texts)]
    first = next((i for i in range(n) if like[i]), n)
    last = max((i for i in range(n) if like[i]), default=-1)
    keys = [normalise(t) for t in texts]
    repeated, crumbs = _repeated(texts, keys)
    for i in range(n):
        if crumbs[i] and not bad[i]:
            bad[i] = "navigation (breadcrumb with the headline)"

    titles: list[int] = []
    for i in range(first):
        t = texts[i]
        if bad[i] or not is_headline_shaped_loose(t) or len(t.split()) < 4:
            continue
        if repeated[i] and (titles or any(keys[i] == keys[j] for j in titles)):
            continue
        titles.append(i)
    if not titles:  # a short headline ("Minister resigns"): the headline-shaped line nearest the prose
        for i in range(first - 1, -1, -1):
            if not bad[i] and not repeated[i] and is_headline_shaped_loose(texts[i]) and len(texts[i].split()) >= 2:
                titles.append(i)
                break

    out: list[Verdict] = []
    for i, t in enumerate(texts):
        if i in titles:
            out.append(Verdict("title"))
        elif bad[i]:
            out.append(Verdict("junk", bad[i]))
        elif (i < first or i > last) and len(words(t)) <= CAPTION_WORDS and is_german(t):
            out.append(Verdict("junk", "untranslated caption (German, outside the article)"))
        elif repeated[i]:
            out.append(Verdict("junk", "repeated line"))
        elif i + 1 == first and DATELINE.match(t):
            out.append(Verdict("body"))  # a dateline on its own line ("MUNICH.") opens the article
        elif i < first and (not TERMINAL.search(t) or len(t.split()) <= 3) and not is_cut_sentence(t):
            out.append(Verdict("junk", "page header (not the headline)"))
        elif i > last and not TERMINAL.search(t) and not is_cut_sentence(t):
            out.append(Verdict("junk", "page footer (after the article)"))
        elif first <= i <= last and not prose[i] and is_headline_shaped_loose(t, HEADING_MAX_WORDS) \
                and t.split()[-1].lower() not in DANGLING \
                and not (i + 1 < n and CONTINUATION.match(texts[i + 1])):  # else a sentence split by markup
            out.append(Verdict("heading"))
        else:
            out.append(Verdict("body"))
    # a short line next to a byline inside the article is a teaser or the author's bio; but a
    # heading right after a name (a credit or an author's sign-off) that opens a paragraph heads it
    name = [b.startswith("name line") for b in bad]
    for i in range(first, last + 1):
        if out[i].kind in ("heading", "body") and not prose[i]:
            if out[i].kind == "heading" and i > 0 and name[i - 1] and i + 1 < n and like[i + 1] \
                    and not name[i + 1] and not KICKER.match(texts[i]):
                continue
            if any(0 <= j < n and name[j] for j in (i - 1, i + 1)):
                out[i] = Verdict("junk", "teaser or author bio next to a byline")
    _mark_lists(out, set_aside)
    return out


def _mark_lists(out: list[Verdict], set_aside: Sequence[bool]) -> None:
    """Three or more headline-shaped lines in a row with no paragraph under any of them are a list of
    related articles, not cross-headings (a heading heads the text that follows it)."""
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j].kind == "heading" and not (j < len(set_aside) and set_aside[j]):
            j += 1
        # after a label of interface words alone ("Related articles", "Read also:"), two make a list
        labelled = i > 0 and out[i - 1].kind == "junk" and out[i - 1].reason.startswith("page furniture")
        if j - i >= LIST_MIN_LINES or (labelled and j - i >= 2):
            for k in range(i, j):
                out[k] = Verdict("junk", "list of related articles")
        i = max(j, i + 1)
