"""Model fetching, conversion and realistic-shape tests (a package, so its conftest does not shadow tests/conftest.py)."""
