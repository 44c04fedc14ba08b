"""Classifiers for lines that are not article text: credits, captions, sign-offs, teasers, web leftovers.

Wire copy scraped from news sites (dpa, AFP, Reuters, DW, Euronews and many CMSs) carries lines that
a translation checker must not score and an editor must not publish. Each classifier looks at one
line on its own (``classify_line``); duplicates and captions need the lines around it and are
decided in ``mtqa.text.sentences.segment``. A classifier returns a short human reason, or ``None``.
"""

from __future__ import annotations

import re
from typing import Callable

# News and photo agencies, lower case. Sign-offs list news agencies; credits also name photo agencies.
NEWS_AGENCIES = (
    "dpa", "afp", "ap", "reuters", "rtr", "rtre", "rtrs", "kna", "epd", "sid", "ots", "apa", "ansa",
    "efe", "tass", "ria", "bbc", "dw", "ddp", "dapd", "upi", "xinhua", "anp", "belga", "sda", "ats",
    "ips", "aa", "ard", "zdf", "euronews", "bloomberg", "ktg", "kyodo", "yonhap", "pti", "ani", "ians",
)
PHOTO_AGENCIES = (
    r"picture[- ]alliance", r"getty\s*images", r"imago(?:\s*images)?", r"shutterstock", r"istock(?:photo)?",
    r"keystone", r"epa(?:-efe)?", r"ap\s*photo", r"afp\s*photo", r"reuters\s*/", r"dpa[- ]?(?:bildfunk|zentralbild)?",
    r"zuma(?:\s*press)?", r"alamy", r"sipa", r"abaca(?:press)?", r"photothek", r"xinhua", r"anadolu",
    r"wikimedia\s*commons", r"flickr", r"ullstein\s*bild", r"sz\s*photo", r"action\s*press",
)

_AGENCY = "|".join(NEWS_AGENCIES)
_INITIALS = r"[a-zA-Z]{1,4}\d?"
_SEP = r"\s*[/|]\s*"
_ITEM = rf"(?:(?:{_AGENCY})\b|{_INITIALS})"
# "kle / uh (afp, rtre," "ust/dpa" "jk/AFP/Reuters" "nm/rc (Reuters, AP, dpa)" "(dpa)" "AFP" "dpa/lnw"
_SOURCE_LIST = rf"\(\s*(?:{_AGENCY})\b[\w\s,;/&.-]*\)?"
SIGNOFF = re.compile(
    rf"""^(?:
        (?:{_ITEM}(?:{_SEP}{_ITEM})+)\s*(?:{_SOURCE_LIST})?    # initials, maybe sources
      | {_INITIALS}\s*{_SOURCE_LIST}                                  # "ck (dpa)"
      | {_SOURCE_LIST}                                                # "(dpa)" "(AFP, Reuters)"
      | (?:{_AGENCY})(?:\s*[/,]\s*(?:{_AGENCY}|{_INITIALS}))*          # "AFP" "dpa/lnw" "AFP, dpa"
      | (?:©|\(c\)|copyright)\s*(?:{_AGENCY})\b[\s,.-]*(?:\d{{4}})?     # "© AFP 2020"
      | (?:with\s+)?(?:material|reporting|information)\s+(?:from|by)\s+(?:{_AGENCY}).*   # "with material from dpa"
      | (?:sources?|quellen?)\s*:\s*(?:{_AGENCY})\b.*                 # "Sources: AFP, Reuters"
    )\s*[.,;]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# The initials-only alternatives must name an agency or show a slash, not be any short word.
_NAMES_AGENCY = re.compile(rf"\b(?:{_AGENCY})\b|/", re.IGNORECASE)

CREDIT = re.compile(
    rf"""^(?:
        (?:©|\(c\)\s|copyright\b)                                          # "© picture-alliance / Zuma"
      | (?:photo|photos|foto|fotos|bild|image|picture|credit|photograph|quelle|source)s?\s*(?:credit)?\s*:   # "Photo: ..."
      | (?:{'|'.join(PHOTO_AGENCIES)})\b                                 # "Getty Images / AFP / J. Doe"
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_PHOTO_AGENCY = re.compile(rf"(?:{'|'.join(PHOTO_AGENCIES)})", re.IGNORECASE)

# A caption marked as such inside the line: "(archive image)", "(Archivbild)", "(Photo: dpa)".
CAPTION_MARK = re.compile(
    r"""\((?:archive|file|symbol|stock|illustrative|illustration|library|undated)\s*(?:image|photo|picture|pic|foto)?\)
      | \((?:archiv|symbol|themen)(?:bild|foto)\)
      | \((?:photo|foto|bild|image|picture)\s*:[^)]*\)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

TEASER = re.compile(
    r"""^(?:
        (?:video|videos|audio|podcast|watch|listen|read\s+more|read\s+also|also\s+read|see\s+also|related|
           more\s+on\s+(?:this|the\s+topic)|more\s+about\s+this|live(?:\s*blog|\s*ticker)?|gallery|photo\s+gallery|
           picture\s+gallery|in\s+pictures|lesen\s+sie\s+auch|lesen\s+sie\s+mehr|auch\s+interessant|
           mehr\s+dazu|bildergalerie|zum\s+thema|recommended|you\s+might\s+also\s+like|further\s+reading)
        (?:\s*[:|»›>]|\s+[-–—]\s)
      | mehr\s+zum\s+thema\b
      | (?:also\s+read|read\s+also|see\s+also|read\s+more)\s+(?-i:(?=["“„'‘A-ZÄÖÜ0-9]))   # "Also read Headline"
      | (?:read|watch|listen\s+to)\s+(?:the\s+)?(?:full\s+)?(?:story|article|interview|report|video)\s+(?:here|now)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_BOILERPLATE_PATTERNS = (
    ("comment form", r"""please\s+enter\s+your\s+(?:comment|name|e-?mail)
      | you\s+have\s+entered\s+an\s+incorrect\s+e-?mail
      | leave\s+a\s+(?:reply|comment) | cancel\s+reply | post\s+comment | add\s+a\s+comment
      | \d+\s+comments?\s*$ | comments?\s*\(\d+\) | save\s+my\s+name,?\s+e-?mail
      | (?:log\s*in|sign\s+in)\s+to\s+(?:comment|reply)"""),
    ("share prompt", r"""(?:share|teilen)\s+(?:this|on|via|the\s+article|article|story|page|artikel)\b
      | (?:share|tweet|print|e-?mail|teilen|drucken|pin\s+it|whatsapp|facebook|twitter|linkedin)\s*[|:]?\s*$
      | follow\s+us\s+on"""),
    ("subscription prompt", r"""(?:subscribe|sign\s+up|register|anmelden|abonnieren)\b.{0,60}(?:newsletter|updates|channel|podcast|free|now|here|today)
      | newsletter\s*$"""),
    ("cookie notice", r"""(?:this|our)\s+(?:web)?site\s+uses\s+cookies | we\s+use\s+cookies | accept\s+(?:all\s+)?cookies
      | cookie\s+(?:settings|policy|notice)"""),
    ("rights notice", r"""(?:copyright\s+)?(?:©\s*)?(?:\d{4}\s+)?[\w .&-]{0,60}all\s+rights\s+reserved
      | alle\s+rechte\s+vorbehalten"""),
    ("page navigation", r"""click\s+here\s+to | tap\s+here\s+to | skip\s+to\s+(?:main\s+)?content | back\s+to\s+top
      | jump\s+to\s+(?:navigation|content|comments|search) | (?:loading|wird\s+geladen)\s*\.{0,3}\s*$"""),
    ("advertising", r"""advertisement\s*$ | anzeige\s*$ | sponsored\s*(?:content)?\s*$"""),
)
BOILERPLATE = tuple(
    (reason, re.compile(rf"^(?:{pattern})", re.IGNORECASE | re.VERBOSE))
    for reason, pattern in _BOILERPLATE_PATTERNS
)
# A row of share buttons: nothing but network and share words ("Facebook Twitter WhatsApp E-Mail").
_SHARE_WORDS = {"facebook", "twitter", "x", "whatsapp", "telegram", "linkedin", "xing", "pinterest", "reddit",
                "flipboard", "pocket", "messenger", "threads", "bluesky", "mastodon", "e-mail", "email", "mail",
                "print", "drucken", "share", "teilen", "tweet", "copy", "link", "kopieren", "instagram", "youtube"}
_BOILERPLATE_ANYWHERE = re.compile(r"all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten", re.IGNORECASE)

MAX_JUNK_WORDS = 25  # longer lines are article text even when they start like junk

# The box that stands in for an embedded post or video until the reader agrees to load it.
CONSENT = re.compile(
    r"""^(?:external\s+content\b | (?:load|show|display|activate)\s+(?:external\s+)?content\s*$
      | (?:to|in\s+order\s+to)\s+(?:view|see|display|show|load|play|watch)\s+(?:this|the)\s+(?:external\s+|embedded\s+)?
        (?:content|video|post|tweet|podcast|map|graphic|element)\b.{0,80}\b(?:agree|consent|accept|allow|activate)
      | i\s+(?:agree|consent)\b.{0,40}\b(?:external|third[- ]party|embedded)\b
      | (?:this|the)\s+(?:embedded\s+|external\s+)?content\s+(?:is\s+)?(?:provided|hosted)\s+by\b.{0,80}\b(?:agree|consent|cookies?)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
CONSENT_MAX_WORDS = 60
# anywhere in a short paragraph: embedded content named together with what the reader must allow
_CONSENT_WHAT = re.compile(r"\b(?:external|embedded|third[- ]party)\s+(?:content|platforms?|providers?|services?)\b", re.I)
_CONSENT_ASK = re.compile(r"\b(?:agree|consent|privacy|personal\s+data|data\s+protection|cookies?|click|activate|"
                          r"load|display(?:ed)?|shown|unblock)\b", re.I)


def _words(text: str) -> int:
    return len(text.split())


# Reuters/AP style: "(Reporting by Maria Martinez; Editing by Paul Carrel)".
_NAME = r"[A-Z][\w.'’-]*"
_STAFF_CREDIT = re.compile(
    rf"^\(?\s*(?:(?i:additional\s+)?(?i:reporting|writing|editing|compiled|translated)\s+by\s+"
    rf"{_NAME}(?:\s+(?:and\s+|in\s+)?{_NAME})*\s*[;,]?\s*)+\)?\.?$")


# "By Jane Doe", "By Jane Doe and John Roe, Reuters", "Von Max Mustermann": at least two names.
_BYLINE = re.compile(
    rf"^(?:By|BY|Von|VON|From)\s+{_NAME}(?:\s+(?:and\s+|und\s+|&\s+)?{_NAME})+"
    rf"(?:\s*[,|–—-]\s*(?:{_NAME}\s*){{1,4}})?\s*$")


def byline(line: str) -> str | None:
    text = line.strip()
    return "author line" if _words(text) <= 10 and _BYLINE.match(text) else None


def signoff(line: str) -> str | None:
    text = line.strip()
    if _words(text) <= MAX_JUNK_WORDS and _STAFF_CREDIT.match(text):
        return "reporting and editing credits"
    if _words(text) > 12 or not SIGNOFF.match(text) or not _NAMES_AGENCY.search(text):
        return None
    if text.startswith(("©", "(c)", "(C)")) or text.lower().startswith("copyright"):
        return "agency copyright line"
    return "agency sign-off"


def credit(line: str) -> str | None:
    text = line.strip()
    if _words(text) > 15:
        return None
    if text.startswith("©") or re.match(r"\(c\)\s|copyright\b", text, re.IGNORECASE):
        return "photo credit (©)"
    m = CREDIT.match(text)
    if m:
        if m.group().rstrip().endswith(":"):
            return f"photo credit ({m.group().strip()})"
        # A bare agency name only counts when the line is credit-shaped: short, no sentence.
        if _words(text) <= 8 and not re.search(r"[.!?]\s*$", text):
            return f"photo credit ({m.group().strip()})"
    # "John Doe/picture alliance/dpa": a short line of names and slashes ending in a photo agency.
    if _words(text) <= 10 and "/" in text and _PHOTO_AGENCY.search(text) and not re.search(r"[.!?]\s*$", text):
        return "photo credit"
    return None


def caption_mark(line: str) -> str | None:
    text = line.strip()
    if _words(text) > 40:
        return None
    m = CAPTION_MARK.search(text)
    return f"image caption {m.group().strip()}" if m else None


def teaser(line: str) -> str | None:
    text = line.strip()
    if _words(text) > MAX_JUNK_WORDS:
        return None
    m = TEASER.match(text)
    if not m:
        return None
    label = re.split(r"\s*[:|»›>]|\s+[-–—]\s", m.group().strip())[0]
    return f"link to other coverage ({label})"


def boilerplate(line: str) -> str | None:
    text = line.strip()
    if _words(text) <= CONSENT_MAX_WORDS and (
            CONSENT.match(text) or (_CONSENT_WHAT.search(text) and _CONSENT_ASK.search(text))):
        return "consent box for embedded content"
    if _words(text) > MAX_JUNK_WORDS:
        return None
    for reason, pattern in BOILERPLATE:
        if pattern.match(text):
            return reason
    if _words(text) <= 12 and _BOILERPLATE_ANYWHERE.search(text):
        return "rights notice"
    words = [w.lower() for w in re.split(r"[\s|·•/,]+", text) if w]
    if len(words) >= 2 and all(w in _SHARE_WORDS for w in words):
        return "share buttons"
    return None


# Order matters: "© AFP 2020" is a sign-off before it is a credit; a caption mark wins over a
# teaser word; the comment form wins over everything.
CLASSIFIERS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("boilerplate", boilerplate),
    ("byline", byline),
    ("signoff", signoff),
    ("credit", credit),
    ("teaser", teaser),
    ("caption", caption_mark),
)


def classify_line(line: str) -> tuple[str, str] | None:
    """``(kind, reason)`` when the line on its own is junk, else ``None``."""
    for kind, classifier in CLASSIFIERS:
        reason = classifier(line)
        if reason:
            return kind, reason
    return None


# A sign-off glued to the end of the last paragraph: "... on Monday. (dpa)" / "... said. kle/uh (AFP)".
TRAILING_SIGNOFF = re.compile(
    rf"(?<=[.!?…\"”’»)])\s+((?:{_INITIALS}(?:{_SEP}{_INITIALS})+\s*)?{_SOURCE_LIST}|{_INITIALS}(?:{_SEP}{_INITIALS})*{_SEP}(?:{_AGENCY})\b[\w/]*)\s*$",
    re.IGNORECASE,
)


def trailing_signoff(paragraph: str) -> int | None:
    """Offset in ``paragraph`` where a glued-on agency sign-off starts, or ``None``."""
    m = TRAILING_SIGNOFF.search(paragraph)
    return m.start(1) if m else None


def normalise(line: str) -> str:
    """A line's words, case-folded, for finding repeated headlines and paragraphs."""
    return " ".join(re.findall(r"\w+", line.casefold()))
