"""The CI gate: does an article pass? Shared by ``mtqa check`` and the report writers."""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.types import DocumentReport

FAIL_ON = ("major", "minor", "never")


@dataclass(frozen=True)
class Gate:
    max_flagged: int | None = None  # more flagged sentences than this fails
    min_score: float | None = None  # an article score below this fails
    fail_on: str = "major"  # any flag of this severity or worse fails
    fail_on_junk: bool = False  # junk left in the article (credits, sign-offs...) fails

    def failing_severities(self) -> tuple[str, ...]:
        """Flag severities that fail an article under ``--fail-on``."""
        return {"major": ("major",), "minor": ("major", "minor"), "never": ()}[self.fail_on]

    def failures(self, report: DocumentReport) -> list[str]:
        """Why the article fails, in words; empty when it passes."""
        if report.error:
            return [report.error]
        reasons: list[str] = []
        levels = self.failing_severities()
        hits = [s for s in report.sentences if s.severity in levels and s.flagged]
        if hits:
            worst = "major" if any(s.severity == "major" for s in hits) else "minor"
            reasons.append(f"{len(hits)} sentence(s) flagged {worst if self.fail_on == 'major' else 'major or minor'}")
        if self.max_flagged is not None and report.flagged > self.max_flagged:
            reasons.append(f"{report.flagged} flagged sentences > --max-flagged {self.max_flagged}")
        if self.min_score is not None and report.score is not None and report.score < self.min_score:
            reasons.append(f"article score {report.score:.1f} < --min-score {self.min_score:g}")
        if self.fail_on_junk and report.junk:
            reasons.append(f"{len(report.junk)} junk segment(s) left in the article")
        return reasons

    def passes(self, report: DocumentReport) -> bool:
        return not self.failures(report)
