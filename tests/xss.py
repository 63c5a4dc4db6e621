"""The XSS sweep's payload and planter, shared by the page sweep and the browser sweep.

The payload closes an attribute, opens elements that carry a `data-xss` marker and would run
script, and tries the contexts a page can put text in (a tag, an attribute, a script, a
URL). Escaped, it shows as text; a page that lets it through grows a `[data-xss]` element,
which both sweeps look for — whether or not the Content-Security-Policy would stop the
script, so that escaping is proven on its own.
"""

from html.parser import HTMLParser

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction

PAYLOAD = (
    'Xss "\'><b data-xss=1>gras</b><img src=x data-xss=2 onerror="window.__xss=1">'
    '</script><svg data-xss=3 onload="window.__xss=1"></svg>{{7*7}}'
)
URL_PAYLOAD = "javascript:window.__xss=1//" + PAYLOAD
# Columns that are not free text although stored as text: identifiers the URLs and the
# authentication are built from, and hashes.
SKIPPED = {"password", "token_hash", "slug", "key", "session_key", "account_key"}
URL_WORDS = ("url", "link", "website", "site_web", "lien")


def text_columns():
    """(model, field) for every free-text column of Maillage's tables: CharField and
    TextField (URL and e-mail fields included) without choices."""
    for model in apps.get_models():
        if not model.__module__.startswith("maillage.") or model._meta.proxy:
            continue
        if model._meta.label == "core.AuditEvent":  # append-only: refuses any UPDATE
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or field.primary_key or field.name in SKIPPED:
                continue
            if isinstance(field, models.SlugField):
                continue
            yield model, field


def plant(payload: str = PAYLOAD) -> tuple[int, list[str]]:
    """Write the payload (with the row's id, for unique columns) into every free-text column
    of every row: the number of columns planted, and those a constraint refused."""
    planted, refused = 0, []
    with connection.cursor() as cursor:
        for model, field in text_columns():
            value = URL_PAYLOAD if any(w in field.name for w in URL_WORDS) else payload
            # The row's id keeps each value apart (columns unique alone or with others),
            # within the column's length.
            pk = f'"{model._meta.pk.column}"::text'
            size = field.max_length
            expression = (
                f"CASE WHEN length({pk}) >= {size} THEN right({pk}, {size}) "
                f"ELSE left(%s, {size} - length({pk})) || {pk} END"
                if size
                else f"%s || {pk}"
            )
            try:
                with transaction.atomic():
                    cursor.execute(
                        f'UPDATE "{model._meta.db_table}" SET "{field.column}" = {expression}',  # noqa: S608
                        [value],
                    )
            except DatabaseError:
                refused.append(f"{model._meta.label}.{field.name}")
                continue
            planted += 1
    return planted, refused


class _Markers(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if "data-xss" in names:
            self.found.append(f"<{tag} data-xss>")
        for name in ("href", "src", "action", "formaction", "hx-get", "hx-post"):
            if (names.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")


def markers(html: str) -> list[str]:
    """The elements a page grew from the payload (none when everything was escaped)."""
    parser = _Markers()
    parser.feed(html)
    return parser.found
