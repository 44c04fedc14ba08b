"""ninjs, IPTC's JSON news format (1.x and 2.x): one story per object, positions kept in the JSON.

1.x: ``headline``, ``body_text`` / ``body_html``, ``byline``, ``located``, ``uri`` / ``guid``.
2.x: ``headlines[]`` and ``bodies[]`` (``{"role", "contenttype", "value"}``), ``bylines[]``
(``{"byline"}`` or ``{"name"}``). A file may hold one object or a list of them.

The standard library's JSON decoder says nothing about where a string was; its pure-Python scanner
takes a string parser of our own, which notes where each string starts, so every character of the
story maps back to its place (escapes included) in the file.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from typing import Any

from mtqa.ingest.sources import InputError
from mtqa.ingest.wire import Located, Story, collapse, from_html, render_all


class _Str(str):
    """A JSON string that knows the offset of its first character in the file."""

    at: int


def _scanstring(s: str, end: int, strict: bool = True) -> tuple[str, int]:
    value, stop = json.decoder.py_scanstring(s, end, strict)
    out = _Str(value)
    out.at = end
    return out, stop


def loads_located(text: str) -> Any:
    """``json.loads``, but every string value is a ``_Str`` that knows where it starts."""
    decoder = json.JSONDecoder()
    decoder.parse_string = _scanstring  # type: ignore[attr-defined]
    scan = json.scanner.py_make_scanner(decoder)
    ws = json.decoder.WHITESPACE
    idx = ws.match(text, 0).end()
    try:
        obj, end = scan(text, idx)
    except StopIteration as exc:
        raise json.JSONDecodeError("Expecting value", text, exc.value) from None
    end = ws.match(text, end).end()
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return obj


def located(raw: str, value: Any) -> Located | None:
    """A string value with each character's span in ``raw``; ``None`` for anything else."""
    if not isinstance(value, _Str):
        return None
    starts: list[int] = []
    ends: list[int] = []
    i = value.at
    for _ in value:
        n = 1
        if raw[i] == "\\":
            n = 2
            if raw[i + 1] == "u":
                n = 6
                if 0xD800 <= int(raw[i + 2:i + 6], 16) <= 0xDBFF and raw[i + 6:i + 8] == "\\u" \
                        and 0xDC00 <= int(raw[i + 8:i + 12], 16) <= 0xDFFF:
                    n = 12  # a surrogate pair is one character
        starts.append(i)
        ends.append(i + n)
        i += n
    return Located.of(str(value), starts, ends)


def read(text: str, path: str, encoding: str) -> list:
    """The stories of a ninjs file as documents (an unusable story as an error in its place)."""
    try:
        obj = loads_located(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: not a ninjs document (JSON nested too deeply)") from None
    items = obj if isinstance(obj, list) else [obj]
    if not items or not all(isinstance(item, dict) for item in items):
        raise InputError(f"{path}: not a ninjs document (a JSON object, or a list of them, "
                         "with headline and body_text or body_html)")
    stories = [story(text, item) for item in items]
    return render_all(stories, path, text, encoding, "ninjs", "ninjs story")


def story(raw: str, item: dict) -> Story:
    def text_of(value: Any) -> Located | None:
        return located(raw, value)

    headline = text_of(item.get("headline")) or _by_role(raw, item.get("headlines"), "value")
    byline = text_of(item.get("byline")) or _bylines(raw, item.get("bylines"))
    body = _body(raw, item)
    ident = item.get("uri") if isinstance(item.get("uri"), str) else item.get("guid")
    return Story(id=str(ident) if isinstance(ident, str) and ident.strip() else None, headline=headline,
                 byline=byline, dateline=text_of(item.get("located")), body=body)


def _body(raw: str, item: dict) -> Located | None:
    html = located(raw, item.get("body_html"))
    if html is not None:
        return from_html(html)
    plain = located(raw, item.get("body_text"))
    if plain is not None:
        return plain
    bodies = item.get("bodies")
    if not isinstance(bodies, list):
        return None
    entries = [b for b in bodies if isinstance(b, dict) and isinstance(b.get("value"), str)]
    entries.sort(key=lambda b: b.get("role", "main") != "main")  # the main body first, stable otherwise
    for entry in entries:
        value = located(raw, entry["value"])
        if value is None:
            continue
        kind = str(entry.get("contenttype", "text/plain")).lower()
        return from_html(value) if "html" in kind else value
    return None


def _by_role(raw: str, entries: Any, key: str) -> Located | None:
    """The main entry of a 2.x list (``headlines``), else the first."""
    if not isinstance(entries, list):
        return None
    usable = [e for e in entries if isinstance(e, dict) and isinstance(e.get(key), str)]
    usable.sort(key=lambda e: e.get("role", "main") != "main")
    return located(raw, usable[0][key]) if usable else None


def _bylines(raw: str, entries: Any) -> Located | None:
    """2.x ``bylines``: each ``{"byline": ...}`` (or ``{"name": ...}``), joined with "and"."""
    if not isinstance(entries, list):
        return None
    parts = [located(raw, e.get("byline", e.get("name"))) for e in entries if isinstance(e, dict)]
    parts = [p for p in parts if p is not None and p.text.strip()]
    if not parts:
        return None
    out = Located()
    for i, part in enumerate(parts):
        if i:
            out.add(" and ", out.end_pos(), out.end_pos())
        out.extend(part)
    return collapse(out)
