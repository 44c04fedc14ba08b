"""Seed labels are matched to sentences by line and first words; what is missing says so."""

from __future__ import annotations

from mtqa.evaluation.drivers import SeedLabel, align
from mtqa.text.sentences.segment import segment
from mtqa.types import Document, SentenceScore


def test_align_by_line_and_first_words_reports_not_found():
    doc = Document("d", "d", "Title here\n\nFirst sentence is fine. Second one, less so.\n")
    scored = [SentenceScore(s, 100.0, None, (), {}) for s in segment(doc)]
    labels = [SeedLabel(3, "ok", "First sentence"), SeedLabel(3, "garbled", "Second one"),
              SeedLabel(1, "title", "Title"), SeedLabel(3, "ok", "Title"), SeedLabel(5, "ok", "Gone")]
    found = [(label.starts_with, s.sentence.text if s else None) for label, s in align(labels, scored)]
    assert found == [("First sentence", "First sentence is fine."), ("Second one", "Second one, less so."),
                     ("Title", "Title here"), ("Title", None), ("Gone", None)]
