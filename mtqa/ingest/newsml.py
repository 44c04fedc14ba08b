"""IPTC NewsML-G2: a ``newsItem`` is one story; a ``newsMessage`` (or a ``packageItem``) that carries
several news items gives one document each, in file order.

From each item: the headline (``contentMeta/headline``, the main one where several have roles;
``itemMeta/title`` when there is none), the byline (``contentMeta/by``), the dateline
(``contentMeta/dateline``) and the body: ``contentSet/inlineXML`` (XHTML ``<p>`` paragraphs) or
``contentSet/inlineData`` (plain text). The item's ``guid`` is the document id.
"""

from __future__ import annotations

from mtqa.ingest.wire import Located, Story, from_html, render_all
from mtqa.ingest.xmlsafe import Node, markup_text

ROOTS = ("newsItem", "packageItem", "newsMessage")


def read(root: Node, text: str, path: str, encoding: str) -> list:
    items = root.iter("newsItem")
    if not items and root.local == "packageItem":
        from mtqa.ingest.sources import InputError

        raise InputError(f"{path}: a NewsML-G2 packageItem without news items in it (it refers to them "
                         "by itemRef: check those files)")
    return render_all([story(item) for item in items], path, text, encoding, "newsml", "news item")


def story(item: Node) -> Story:
    meta = item.child("contentMeta")
    headline = byline = dateline = None
    if meta is not None:
        heads = meta.children("headline")
        heads.sort(key=lambda h: "main" not in (h.attr("role") or "main"))
        headline = heads[0].text() if heads else None
        byline = _text(meta.child("by"))
        dateline = _text(meta.child("dateline"))
    if headline is None or not headline.text.strip():
        item_meta = item.child("itemMeta")
        headline = _text(item_meta.child("title")) if item_meta is not None else headline
    return Story(id=item.attr("guid") or None, headline=headline, byline=byline, dateline=dateline,
                 body=_body(item))


def _text(node: Node | None) -> Located | None:
    return node.text() if node is not None else None


def _body(item: Node) -> Located | None:
    content = item.child("contentSet")
    if content is None:
        return None
    for inline in content.children():
        kind = (inline.attr("contenttype") or "").lower()
        if inline.local == "inlineXML":
            return markup_text(inline)
        if inline.local == "inlineData":
            return from_html(inline.text()) if "html" in kind else inline.text()
    return None
