"""Logging filters: request lines never carry personal data or secrets into the logs.

Django logs the path of a refused or failed request ("Not Found: /annuaire/reponse/…/") and
its development server every request line. The path of a single-use answer link holds the
link's token, and a search's query string holds what was typed (which may be a person's
name). Both are masked before any handler sees the record."""

import logging
import re

# What follows one of these prefixes is a secret: a link's token (and, for a new password,
# the account's encoded id with it).
_SECRET_SEGMENT = re.compile(
    r"(/(?:annuaire/reponse|compte/invitation|compte/mot-de-passe/nouveau)/)[^\s\"?]+"
)
_QUERY = re.compile(r"\?[^\s\"]*")


def redact(text: str) -> str:
    return _QUERY.sub("?…", _SECRET_SEGMENT.sub(r"\1…", text))


class RedactRequestLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
