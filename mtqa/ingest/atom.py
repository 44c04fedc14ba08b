"""Atom: one document per ``<entry>``: its ``title``, ``author/name`` as byline, and ``content``
(or else ``summary``) as body, read by its ``type``: ``text``, ``html`` (escaped HTML) or
``xhtml`` (a ``div`` of XHTML). The entry's ``id`` is the document id.
"""

from __future__ import annotations

from mtqa.ingest.wire import Located, Story, collapse, from_html, render_all
from mtqa.ingest.xmlsafe import Node, markup_text

ATOM = "http://www.w3.org/2005/Atom"


def read(root: Node, text: str, path: str, encoding: str) -> list:
    entries = [root] if root.local == "entry" else root.children("entry")
    return render_all([story(e) for e in entries], path, text, encoding, "atom", "Atom entry")


def story(entry: Node) -> Story:
    author = entry.child("author")
    names = [n.text() for n in author.children("name")] if author is not None else []
    ident = entry.child("id")
    return Story(id=(ident.text().text.strip() or None) if ident is not None else None,
                 headline=_typed(entry.child("title")), byline=names[0] if names else None,
                 body=_typed(entry.child("content") or entry.child("summary")))


def _typed(node: Node | None) -> Located | None:
    if node is None:
        return None
    kind = (node.attr("type") or "text").lower()
    if kind == "xhtml":
        return markup_text(node)
    if kind in ("html", "text/html"):
        return from_html(node.text())
    text = node.text()
    return text if kind in ("text", "text/plain") else collapse(text)
