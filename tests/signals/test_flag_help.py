"""Every flag code mtqa can emit has help text for reports (SARIF rule help, HTML tooltips).

The codes are read from the source itself: every ``Finding(...)`` and ``Flag(...)`` built anywhere
in the package, every detector the rules catalogue declares, plus the metric rules the signals and
the built-in profile declare. A flag whose code has no help fails here, not silently in a report
(a detector cannot even be declared without help: tests/signals/test_catalogue.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import mtqa
from mtqa.report.common import RULE_HELP, rule_help
from mtqa.scoring.profile import Profile
from mtqa.signals.registry import default_metrics, flag_help
from mtqa.signals.rules.catalogue import CATALOGUE

PACKAGE = Path(mtqa.__file__).resolve().parent
# Where a flag is built from a code chosen elsewhere: a Finding turned into a Flag, a detector's
# hit given its declared code (the catalogue, enumerated below), a metric rule's code (likewise).
PASS_THROUGH = {"self.code", "d.code", "rule.code"}


def _code_argument(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == "code":
            return kw.value
    return call.args[0] if call.args else None


def emitted_codes() -> tuple[set[str], list[str]]:
    """(literal codes, places where the code is an expression not covered by PASS_THROUGH)."""
    codes: set[str] = set()
    unknown: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("Finding", "Flag")):
                continue
            arg = _code_argument(node)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.add(arg.value)
            elif arg is not None and ast.unparse(arg) not in PASS_THROUGH:
                unknown.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(arg)}")
    codes |= {rule.code for rule in (*default_metrics(), *Profile().metrics)} | set(CATALOGUE.codes())
    return codes, unknown


def test_the_source_scan_finds_the_detectors():
    codes, _ = emitted_codes()
    # a sanity floor, so a broken scan cannot pass by finding nothing
    assert {"untranslated", "no-parse", "low-score", "disfluent", "pronoun-person"} <= codes
    assert len(codes) >= 30


def test_every_emitted_code_has_help():
    codes, unknown = emitted_codes()
    assert not unknown, f"flag codes built from expressions the scan cannot follow: {unknown}"
    known = {**flag_help(), **RULE_HELP}
    missing = sorted(codes - set(known))
    assert not missing, f"flag codes without help (add them to the signal's flag_help): {missing}"


def test_help_is_written_text_not_the_fallback():
    for code, (title, text) in {**flag_help(), **RULE_HELP}.items():
        assert title and text and title != text, code
        assert rule_help(code) == (title, text)
        assert len(text) > len(title)
