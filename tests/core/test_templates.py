"""Template hygiene a browser would show: a `{# … #}` comment ends on its own line in Django
(spread over lines, it is printed as text, and in <head> it breaks the page's head)."""

import re
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


# What cannot be undone: each of these buttons sits in a `<details class="confirm">` whose
# summary says what it does, so that one click never does it (issue 18).
IRREVERSIBLE = (
    "territories:delete",
    "accounts:api_token_revoke",
    "accounts:membership_revoke",
    "pathways:meeting_cancel",
    "pathways:circle_remove",
    "pathways:portal_revoke",
    "cooperation:alert_move",
    "cooperation:campaign_close",
    "cooperation:document_remove",
)


def test_what_cannot_be_undone_asks_for_a_confirmation_first():
    bare, found = [], set()
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"""action="\{% url '([a-z_]+:[a-z_]+)'""", text):
            name = match.group(1)
            if name not in IRREVERSIBLE:
                continue
            found.add(name)
            before = text[: match.start()]
            if before.rfind('<details class="confirm') <= before.rfind("</details>"):
                bare.append(f"{path.relative_to(ROOT)}: {name}")
    assert bare == [], bare
    assert found == set(IRREVERSIBLE)  # every name is a real button somewhere
