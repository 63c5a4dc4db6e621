"""Template hygiene a browser would show: a `{# … #}` comment ends on its own line in Django
(spread over lines, it is printed as text, and in <head> it breaks the page's head)."""

from pathlib import Path

import maillage

ROOT = Path(maillage.__file__).parent


def test_no_template_comment_spans_lines():
    spread = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert spread == [], f"use {{% comment %}} for these: {spread}"
