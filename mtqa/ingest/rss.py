"""RSS 2.0: one document per ``<item>``: its ``title``, ``dc:creator`` (or ``author``) as byline,
and ``content:encoded`` or else ``description`` as body, HTML (often escaped into the XML) reduced
to paragraphs. ``guid``, else ``link``, is the document id.
"""

from __future__ import annotations

from mtqa.ingest.html import looks_like_html
from mtqa.ingest.wire import Located, Story, from_html, render_all
from mtqa.ingest.xmlsafe import Node

CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"


def read(root: Node, text: str, path: str, encoding: str) -> list:
    channel = root.child("channel") or root
    return render_all([story(item) for item in channel.children("item", "")], path, text, encoding,
                      "rss", "RSS item")


def story(item: Node) -> Story:
    body = item.child("encoded", CONTENT) or item.child("description", "")
    byline = item.child("creator", DC) or item.child("author", "")
    ident = next((n.text().text.strip() for n in (item.child("guid", ""), item.child("link", ""))
                  if n is not None and n.text().text.strip()), None)
    return Story(id=ident, headline=_maybe_html(item.child("title", "")), byline=_maybe_html(byline),
                 body=_maybe_html(body))


def _maybe_html(node: Node | None) -> Located | None:
    if node is None:
        return None
    text = node.text()
    return from_html(text) if looks_like_html(text.text) else text
