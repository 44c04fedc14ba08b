"""Fuzzing the wire readers: arbitrary bytes, JSON and XML thrown at ninjs, NewsML-G2, RSS and Atom.

Whatever arrives, a reader returns documents (or errors in their place) or raises ``InputError``
with one line naming the file, never anything else; every rendered character maps into the file.
``MTQA_FUZZ_EXAMPLES`` scales the number of examples as in ``tests/cli/test_fuzz.py``.
"""

from __future__ import annotations

import json
import os
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtqa.config import Config
from mtqa.ingest.formats import read_documents
from mtqa.ingest.sources import InputError, Source
from mtqa.pipeline import Checker
from mtqa.types import Document

SCALE = int(os.environ.get("MTQA_FUZZ_EXAMPLES", 2100)) / 2100


def examples(n: int):
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def read_all(tmp_path, name: str, data: bytes, fmt: str = "auto") -> list[Document]:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        items = read_documents(Source(str(path), path), 200_000, fmt)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return []
    docs = []
    for item in items:
        if isinstance(item, InputError):
            assert "\n" not in str(item)
            continue
        assert isinstance(item, Document) and item.plain is not None
        plain = item.plain
        assert len(plain.text) == len(plain.starts) == len(plain.ends)
        assert all(0 <= a <= b <= len(item.text) for a, b in zip(plain.starts, plain.ends))
        assert not any("\ud800" <= ch <= "\udfff" for ch in plain.text)
        plain.text.encode("utf-8")
        docs.append(item)
    return docs


TEXT = st.text(st.characters(codec="utf-8"), max_size=60)
WORDS = st.text(st.sampled_from("abc XYZ.,&<>\"'\n\té€\u00a0"), max_size=40)


@examples(150)
@given(st.binary(max_size=400), st.sampled_from(["x.ninjs", "x.xml", "x.atom", "x.rss"]))
def test_fuzz_wire_readers_with_arbitrary_bytes(tmp_path_factory, data, name):
    tmp = tmp_path_factory.mktemp("bytes")
    read_all(tmp, name, data)
    read_all(tmp, "x.txt", b"<?xml version='1.0'?><rss>" + data, "rss")


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8)
NINJS = st.fixed_dictionaries({}, optional={
    "uri": st.one_of(TEXT, JSON_VALUE), "headline": st.one_of(TEXT, JSON_VALUE), "byline": TEXT,
    "located": TEXT, "body_text": st.one_of(TEXT, WORDS), "body_html": st.one_of(WORDS, TEXT, JSON_VALUE),
    "headlines": st.lists(st.fixed_dictionaries({"value": TEXT}, optional={"role": TEXT}), max_size=2),
    "bylines": st.lists(st.dictionaries(st.sampled_from(["byline", "name"]), TEXT), max_size=2),
    "bodies": st.lists(st.fixed_dictionaries({"value": st.one_of(WORDS, TEXT)},
                                             optional={"contenttype": st.sampled_from(["text/html", "text/plain"]),
                                                       "role": TEXT}), max_size=2),
})


@examples(150)
@given(st.one_of(NINJS, st.lists(NINJS, max_size=3), JSON_VALUE), st.booleans())
def test_fuzz_ninjs_with_arbitrary_json(tmp_path_factory, obj, ascii_only):
    data = json.dumps(obj, ensure_ascii=ascii_only).encode("utf-8")
    read_all(tmp_path_factory.mktemp("ninjs"), "x.ninjs", data)


TAGS = st.sampled_from(["p", "b", "br", "headline", "by", "dateline", "title", "description", "item", "entry",
                        "content", "div", "inlineXML", "inlineData", "contentMeta", "contentSet", "newsItem"])
PIECE = st.one_of(WORDS.map(escape), st.sampled_from(["&amp;", "&#233;", "&#x1F600;", "<![CDATA[a <b> & c]]>",
                                                      "<!-- c -->", "<?pi x?>", "\r\n", "&lt;p&gt;"]))


@st.composite
def xml_tree(draw, depth=0):
    tag = draw(TAGS)
    parts = draw(st.lists(PIECE if depth > 2 else st.one_of(PIECE, xml_tree(depth=depth + 1)), max_size=4))
    attrs = draw(st.sampled_from(["", ' guid="g1"', ' type="html"', ' type="xhtml"', ' contenttype="text/html"']))
    return f"<{tag}{attrs}>{''.join(parts)}</{tag}>"


ROOT = st.sampled_from([("<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'><itemSet>", "</itemSet></newsMessage>"),
                        ("<newsItem guid='n'>", "</newsItem>"), ("<rss><channel><item>", "</item></channel></rss>"),
                        ("<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "</entry></feed>")])
CHECKER = Checker(Config(signals=("rules",)))


@examples(120)
@given(ROOT, st.lists(xml_tree(), max_size=4), st.sampled_from(["utf-8", "utf-16", "iso-8859-1"]))
def test_fuzz_xml_wire_structures(tmp_path_factory, root, children, encoding):
    text = f"<?xml version='1.0' encoding='{encoding}'?>\n{root[0]}{''.join(children)}{root[1]}"
    data = text.encode(encoding, errors="xmlcharrefreplace")
    for doc in read_all(tmp_path_factory.mktemp("xml"), "x.xml", data):
        for s in CHECKER.sentences(doc):  # placed back in the received file
            assert 0 <= s.start <= s.end <= len(doc.text)
