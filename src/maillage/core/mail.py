"""The demo's and a development machine's e-mail: written to the console like Django's, but
with the recipients' addresses masked (« m***@exemple.fr »). The console is a log, and a log
holds no personal data; the body (an invitation's link, a sheet) is still there to read."""

import copy

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


def masked_address(address: str) -> str:
    name, at, domain = str(address).rpartition("@")
    if not at:
        return "***"
    return f"{name[:1]}***@{domain}"


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        shown = copy.copy(message)
        for field in ("to", "cc", "bcc", "reply_to"):
            setattr(shown, field, [masked_address(a) for a in getattr(message, field, [])])
        super().write_message(shown)
