"""Broken and unusual input: encodings, sizes, HTML pasted as text, line endings, paths.

Every case must end in a report or in one line on stderr with exit 2, never a traceback; every
position in a report must point into the file as it is on disk (after decoding).
"""

from __future__ import annotations

import codecs
import json
import os

import pytest

from mtqa.config import Config
from mtqa.ingest.html import looks_like_html, to_plain
from mtqa.ingest.sources import InputError, decode
from mtqa.pipeline import Checker
from mtqa.text.sentences.longsentences import MAX_CHARS, piece_spans
from mtqa.types import Document

STORY = "Ministers met in Berlin on Monday. They agreed on a plan for Düsseldorf.\n\nThe vote is due on Friday.\n"


def rules_checker() -> Checker:
    return Checker(Config(signals=("rules",)))


def json_report(cli, *args, input=None):
    result = cli("flags", *args, "--signals", "rules", "--format", "json", "--all", input=input)
    assert "Traceback" not in result.output + result.stderr
    return result, (json.loads(result.stdout) if result.exit_code == 0 else None)


def assert_spans_point_into(text: str, doc: dict) -> None:
    for s in doc["sentences"]:
        assert text[s["start"]:s["end"]] == s["text"]


# ---- encodings ------------------------------------------------------------------------------

@pytest.mark.parametrize("data, encoding", [
    (STORY.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + STORY.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"), "utf-16"),
    (STORY.replace("plan", "„plan“ – €5").encode("cp1252"), "cp1252"),
    (STORY.encode("latin-1").replace(b"plan", b"plan\x81"), "latin-1"),  # unassigned in Windows-1252
])
def test_encodings_are_detected_and_recorded(cli, tmp_path, data, encoding):
    path = tmp_path / "story.txt"
    path.write_bytes(data)
    result, docs = json_report(cli, path)
    assert result.exit_code == 0, result.stderr
    assert docs[0]["encoding"] == encoding
    text, _ = decode(data, str(path))
    assert "Düsseldorf" in text  # decoded, not mangled
    assert_spans_point_into(text, docs[0])
    assert [s["text"] for s in docs[0]["sentences"]][-1] == "The vote is due on Friday."


@pytest.mark.parametrize("data, needle", [
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "binary data"),
    (codecs.BOM_UTF8 + b"caf\xe9 \xff", "not valid UTF-8"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),  # a lone surrogate
    (bytes(range(1, 32)) * 10, "binary data"),
    (codecs.BOM_UTF8 + b"\x00\x00PNG", "binary data"),  # found by the fuzz suite
    (codecs.BOM_UTF16_LE + "text\x00more".encode("utf-16-le"), "binary data"),
])
def test_undecodable_input_is_one_line_and_exit_2(cli, tmp_path, data, needle):
    path = tmp_path / "broken.txt"
    path.write_bytes(data)
    result = cli("flags", path, "--signals", "rules")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr
    assert "Traceback" not in result.output


def test_a_broken_file_does_not_stop_the_batch_and_is_counted(cli, tmp_path):
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(STORY)
    bad.write_bytes(b"\x00\x01\x02PNG")
    result = cli("score", good, bad, tmp_path / "missing.txt", good, "--signals", "rules",
                 "--format", "jsonl")
    assert result.exit_code == 2
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["error"] is None for d in docs] == [True, False, False, True]
    assert "binary data" in docs[1]["error"] and "no such file" in docs[2]["error"]
    assert result.stderr.splitlines()[-1] == "mtqa: 2 checked, 2 could not be checked"


# ---- sizes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"   \n\t\n\r\n", "\u00a0\u2003\n".encode("utf-8")])
def test_empty_and_whitespace_files_say_no_article_text(cli, tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    result = cli("check", path, "--signals", "rules")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("empty article (no text)")


def test_max_bytes_is_refused_before_reading(cli, tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 20 MB + 1 on disk without writing it
        fh.truncate(20_000_001)
    result = cli("flags", path, "--signals", "rules")
    assert result.exit_code == 2
    assert "larger than --max-bytes (20000000 bytes)" in result.stderr
    small = tmp_path / "small.txt"
    small.write_text(STORY)
    result = cli("flags", small, "--signals", "rules", "--max-bytes", "10")
    assert result.exit_code == 2 and "raise --max-bytes" in result.stderr


def test_max_bytes_applies_to_stdin(cli):
    result = cli("flags", "-", "--signals", "rules", "--max-bytes", "20", input=STORY.encode())
    assert result.exit_code == 2 and "-: larger than --max-bytes" in result.stderr


def test_run_on_sentence_is_split_for_the_models_without_losing_text():
    words = [f"wort{i % 97}" for i in range(5000)]
    text = "Heading line\n\n" + " ".join(words) + "\n"
    sentences = rules_checker().sentences(Document("run-on", "run-on", text))
    long_pieces = [s for s in sentences if s.start >= text.index("wort0")]
    assert len(long_pieces) >= len(" ".join(words)) // MAX_CHARS
    assert all(len(s.text) <= MAX_CHARS for s in sentences)
    assert " ".join(s.text for s in long_pieces) == " ".join(words)
    for s in sentences:
        assert text[s.start:s.end] == s.text
        assert text.count("\n", 0, s.start) + 1 == s.line
    assert [s.index for s in sentences] == list(range(len(sentences)))


def test_splitting_prefers_clause_marks_and_never_cuts_words():
    clause = "the committee, which met in Berlin, discussed the plan at length"
    text = ", ".join([clause] * 20)
    spans = piece_spans(text, 200)
    assert all(text[e - 1] == "," or e == len(text) for _, e in spans)
    no_space = "x" * 1234
    assert piece_spans(no_space, 500) == [(0, 500), (500, 1000), (1000, 1234)]


def test_a_one_megabyte_line_is_checked(cli, tmp_path):
    line = ("Wirtschaft " * 95_000)[:1_000_000]
    path = tmp_path / "line.txt"
    path.write_text(line + "\nThe vote is due on Friday.\n")
    result = cli("score", path, "--signals", "rules", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["error"] is None


# ---- formats --------------------------------------------------------------------------------

HTML = ('<html><body><h1>Pl&auml;ne f&uuml;r Berlin</h1>\n<p class="lead">Procter &amp; Gamble said '
        '<b>on</b> Monday that it &#8220;agreed&#8221;.</p><script>var x = "<p>Not text.</p>";</script>'
        '<p>The vote is due on<br>Friday.</p></body></html>\n')


def test_html_pasted_as_text_is_checked_as_plain_text_with_original_offsets(cli, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML)
    result, docs = json_report(cli, path)
    assert result.exit_code == 0, result.stderr
    sentences = docs[0]["sentences"]
    texts = [s["text"] for s in sentences]
    assert "Pläne für Berlin" in texts
    assert "Procter & Gamble said on Monday that it \u201cagreed\u201d." in texts
    assert not any("Not text" in t or "<" in t for t in texts)
    for s in sentences:  # each span starts and ends where its text does in the file
        original = HTML[s["start"]:s["end"]]
        assert to_plain(original).text.strip() == s["text"] or s["text"] in to_plain(original).text
        assert HTML.count("\n", 0, s["start"]) + 1 == s["line"]
    lead = next(s for s in sentences if s["text"].startswith("Procter"))
    assert HTML[lead["start"]:lead["end"]].startswith("Procter &amp;")
    assert HTML[lead["start"]:lead["end"]].endswith("&#8221;.")


def test_prose_with_angle_brackets_is_not_html():
    assert not looks_like_html("Inflation was < 2 % and growth > 1 %.")
    assert not looks_like_html('He wrote "<script>" into the form.')  # quoted, shown as text
    assert looks_like_html("Procter &amp; Gamble")
    assert looks_like_html("First paragraph.<br>Second one.")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_keep_lines_and_offsets(newline):
    text = newline.join(["Berlin", "", "Ministers met on Monday.\tThey agreed.", "", "The vote is due."])
    sentences = rules_checker().sentences(Document("d", "d", text))
    assert [s.line for s in sentences][-1] == 5
    for s in sentences:
        assert text[s.start:s.end] == s.text and "\r" not in s.text and "\n" not in s.text


def test_nfd_text_keeps_its_own_offsets():
    import unicodedata

    nfc = "Die Bürger in Köln wählten am Sonntag. Das Ergebnis überraschte."
    nfd = unicodedata.normalize("NFD", nfc)
    for text in (nfc, nfd):
        sentences = rules_checker().sentences(Document("d", "d", text))
        assert len(sentences) == 2
        assert all(text[s.start:s.end] == s.text for s in sentences)


def test_invisible_controls_survive_segmentation_for_the_detectors():
    text = "Ministers met\u200b on Monday. The \u202evote\u202c is due."
    sentences = rules_checker().sentences(Document("d", "d", text))
    assert "".join(s.text for s in sentences).count("\u200b") == 1
    assert any("\u202e" in s.text for s in sentences)


# ---- paths ----------------------------------------------------------------------------------

def one_line_exit_2(result, needle):
    assert result.exit_code == 2, result.output
    assert [line for line in result.stderr.splitlines() if line] == [result.stderr.strip()]
    assert needle in result.stderr and "Traceback" not in result.output


def test_directory_without_articles(cli, tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    one_line_exit_2(cli("flags", tmp_path, "--signals", "rules"), "directory has no article files")


def test_symlink_loop(cli, tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    one_line_exit_2(cli("flags", tmp_path / "a.txt", "--signals", "rules"), "symbolic link loop")


def test_directory_with_a_link_to_itself_is_walked_once(cli, tmp_path):
    (tmp_path / "story.txt").write_text(STORY)
    (tmp_path / "loop").symlink_to(tmp_path)
    result = cli("score", tmp_path, "--signals", "rules", "--format", "jsonl")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1


def test_glob_matching_only_directories(cli, tmp_path):
    (tmp_path / "sub.txt").mkdir()
    one_line_exit_2(cli("flags", str(tmp_path / "*.txt"), "--signals", "rules"), "no file matches")


def test_stdin(cli):
    result, docs = json_report(cli, "-", input=STORY.encode("utf-16"))
    assert result.exit_code == 0 and docs[0]["path"] == "-" and docs[0]["encoding"] == "utf-16"


def test_unreadable_file(cli, tmp_path, monkeypatch):
    """Permissions: as root chmod 000 stops nothing, so the refusal the OS would give is simulated."""
    path = tmp_path / "secret.txt"
    path.write_text(STORY)
    if os.geteuid() != 0:
        path.chmod(0)
    else:
        import pathlib

        real_open = pathlib.Path.open

        def deny(self, *args, **kwargs):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "open", deny)
    one_line_exit_2(cli("flags", path, "--signals", "rules"), "permission denied")


def test_feed_with_a_broken_line_keeps_the_rest(cli, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Ministers met.\\u2028They agreed."}\n{broken\n'
                    '{"id": "c", "text": "The vote is due."}\n', encoding="utf-8")
    result = cli("score", feed, "--feed", "--signals", "rules", "--format", "jsonl")
    assert result.exit_code == 2
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in docs] == ["a", f"{feed}:2", "c"]  # each broken line has its own id
    assert ":2: not valid JSON" in docs[1]["error"]


def test_decode_refuses_rather_than_guesses():
    with pytest.raises(InputError, match="binary"):
        decode(b"abc\x00def", "x")


def test_feed_refuses_empty_articles_and_duplicate_ids_in_place(cli, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Ministers met."}\n{"id": "b", "text": "   "}\n'
                    '{"id": "a", "text": "A second story with the same id."}\n{"id": "c", "text": "The vote is due."}\n',
                    encoding="utf-8")
    result = cli("score", feed, "--feed", "--signals", "rules", "--format", "jsonl")
    assert result.exit_code == 2
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["error"] is None for d in docs] == [True, False, False, True]
    assert ":2: empty article" in docs[1]["error"] and ":3: duplicate id 'a'" in docs[2]["error"]


def test_an_empty_feed_is_one_line_and_exit_2(cli, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n\n")
    result = cli("score", feed, "--feed", "--signals", "rules")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "empty feed" in result.stderr
