"""The demo's and a development machine's e-mail: written to the console like Django's, but
with the recipients' addresses masked (« m***@exemple.fr »). The console is a log, and a log
holds no personal data; the body (an invitation's link, a sheet) is still there to read."""

import copy
import re

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def masked_address(address: str) -> str:
    name, at, domain = str(address).rpartition("@")
    if not at:
        return "***"
    return f"{name[:1]}***@{domain}"


def _masked_text(content):
    if isinstance(content, bytes):
        try:
            content = content.decode()
        except UnicodeDecodeError:
            return content  # a binary file (a PDF): not printed as addresses
    if isinstance(content, str):
        return ADDRESS.sub(lambda m: masked_address(m.group(0)), content)
    return content


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        shown = copy.copy(message)
        for field in ("to", "cc", "bcc", "reply_to"):
            setattr(shown, field, [masked_address(a) for a in getattr(message, field, [])])
        # A calendar file names its attendees (mailto:…): masked in the console too.
        shown.attachments = [
            (a[0], _masked_text(a[1]), a[2]) if isinstance(a, tuple) else a
            for a in getattr(message, "attachments", [])
        ]
        super().write_message(shown)
