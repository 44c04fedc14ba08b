"""`mtqa strip`: the article without junk, paragraphs kept; kind selection, output file, mojibake."""

from __future__ import annotations

import pytest
from conftest import one_line_error

from mtqa.text.encoding import fix_encoding
from mtqa.text.strip import KindError, kinds_to_drop, parse_kinds

ARTICLE = (
    "Harbour reopens after storm\n"
    "\n"
    "Harbour reopens after storm\n"
    "\n"
    "The harbour reopened on Friday. Ferries are running again.\n"
    "\n"
    "Photo: Jane Roe/picture alliance\n"
    "A ferry leaves the port\n"
    "\n"
    "Clean-up continues\n"
    "\n"
    "Workers cleared the piers over the weekend. The damage is being assessed.\n"
    "\n"
    "ab/cd (dpa, AFP)\n"
    "Video: Storm hits the coast\n"
    "\n"
    "\n"
    "Please enter your comment!\n"
)


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_strip_removes_all_junk_and_keeps_paragraphs(cli, article):
    result = cli("strip", article)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Harbour reopens after storm\n"
        "\n"
        "The harbour reopened on Friday. Ferries are running again.\n"
        "\n"
        "Clean-up continues\n"
        "\n"
        "Workers cleared the piers over the weekend. The damage is being assessed.\n"
    )


def test_keep_leaves_chosen_kinds_in(cli, article):
    out = cli("strip", article, "--keep", "credit,caption").stdout
    assert "Photo: Jane Roe/picture alliance\nA ferry leaves the port\n" in out
    assert "ab/cd" not in out and "Please enter" not in out


def test_drop_removes_only_chosen_kinds(cli, article):
    out = cli("strip", article, "--drop", "boilerplate,heading").stdout
    assert "Please enter" not in out and "Clean-up continues" not in out
    assert "Video: Storm hits the coast" in out and out.count("Harbour reopens after storm") == 2


def test_output_file_and_explain(cli, article, tmp_path):
    target = tmp_path / "clean.txt"
    result = cli("strip", article, "-o", target, "--explain")
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("Harbour reopens after storm\n\nThe harbour")
    explained = result.stderr.splitlines()
    assert f"{article}:14:1: signoff: agency sign-off: ab/cd (dpa, AFP)" in explained
    assert len(explained) == 6


def test_crlf_line_endings_are_kept(cli, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Port closes\r\n\r\nThe port closed today.\r\n\r\n(dpa)\r\n")
    result = cli("strip", path)
    assert result.stdout_bytes == b"Port closes\r\n\r\nThe port closed today.\r\n"


def test_signoff_glued_to_paragraph_is_cut_from_the_line(cli, tmp_path):
    path = tmp_path / "glued.txt"
    path.write_text("Port closes\n\nThe port closed today. Ships wait outside. (AFP)\n", encoding="utf-8")
    assert cli("strip", path).stdout == "Port closes\n\nThe port closed today. Ships wait outside.\n"


def test_stdin(cli):
    result = cli("strip", "-", input="Port closes\n\nThe port closed today.\n\nShare this article\n")
    assert result.stdout == "Port closes\n\nThe port closed today.\n"


def test_fix_encoding_repairs_windows_and_dos_mojibake(cli, tmp_path):
    path = tmp_path / "mojibake.txt"
    path.write_text("Court rules\n\nThe court didnâ€™t agree with the K├Âlner Stadt-Anzeiger.\n", encoding="utf-8")
    fixed = cli("strip", path, "--fix-encoding").stdout
    assert "didn’t" in fixed and "Kölner" in fixed
    assert "â€" in cli("strip", path).stdout  # only on request


@pytest.mark.parametrize("broken, repaired", [
    ("donâ€™t", "don’t"),
    ("Osnabr├╝cker Zeitung", "Osnabrücker Zeitung"),
    ("Stra├ƒe", "Straße"),
    ("MÃ¼nchen", "München"),
    ("naïve café “quoted”", "naïve café “quoted”"),
    ("Box ├── drawing", "Box ├── drawing"),
])
def test_fix_encoding(broken, repaired):
    assert fix_encoding(broken) == repaired


def test_kind_options():
    assert kinds_to_drop() == {"duplicate", "credit", "caption", "byline", "signoff", "teaser", "boilerplate"}
    assert kinds_to_drop(keep=parse_kinds("credit, caption")) == {"duplicate", "byline", "signoff", "teaser", "boilerplate"}
    assert kinds_to_drop(drop=parse_kinds("title")) == {"title"}
    with pytest.raises(KindError, match="unknown kind 'photo'"):
        parse_kinds("credit,photo")


def test_unknown_kind_is_a_usage_error(cli, article):
    one_line_error(cli("strip", article, "--drop", "credits"), "unknown kind 'credits'")


def test_missing_file_is_a_usage_error(cli, tmp_path):
    one_line_error(cli("strip", tmp_path / "nope.txt"), "no such file")


def test_empty_file_is_a_usage_error(cli, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n")
    one_line_error(cli("strip", path), "empty article")


def test_directory_of_many_files_is_a_usage_error(cli, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Text.\n")
    one_line_error(cli("strip", tmp_path), "strip takes one article")
