"""Text messages (SMS), through a backend named by MAILLAGE_SMS_BACKEND, like Django's e-mail:

- `console` (the default, and the demo's): the message is written to the standard output with
  the number masked — the console is a log, and a log holds no personal data;
- `memory`: kept in `outbox` (the tests);
- `http`: a POST of `{"to", "text", "sender"}` in JSON to MAILLAGE_SMS_HTTP_URL with the bearer
  token MAILLAGE_SMS_HTTP_TOKEN — the shape of the HTTP APIs of French SMS providers, or of a
  small gateway in front of the one a platform has a contract with.

Numbers are French mobiles (06, 07, or +33 6/7; overseas, 0692… or +262 692…) kept in E.164
(`+33612345678`, `+262692123456`); `mobile_number` reads them as people write them.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

# A bound, not the wording's budget (emails.sheet_sms keeps its link whole under it): six
# parts of 67 characters, a text with accents travelling in UCS-2.
MAX_LENGTH = 402


class SmsError(Exception):
    """The provider refused or could not be reached: the job retries."""


@dataclass(frozen=True)
class Message:
    to: str  # E.164
    text: str


# The mobile prefixes of the overseas départements within the French plan (0 + 9 digits), and
# the country code each is dialled with: a Réunion mobile is +262 692…, not +33 692….
OVERSEAS = {
    "0639": "262",  # Mayotte
    "0692": "262",  # La Réunion
    "0693": "262",
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
}


def mobile_number(text: str) -> str | None:
    """A French mobile number in E.164, or None: « 06 12 34 56 78 », « +33 6 12… »,
    « +33 (0)6 12… », « 0033612… »; overseas, « 0692 12 34 56 » or « +262 692… »."""
    digits = re.sub(r"[\s.\-/]|\(0\)|[()]", "", text or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"\+33[0-9]{9}", digits):
        digits = "0" + digits[3:]
    for prefix, country in OVERSEAS.items():
        if re.fullmatch(rf"\+{country}[0-9]{{9}}", digits) and "0" + digits[4:7] == prefix:
            digits = "0" + digits[4:]
            break
    if not re.fullmatch(r"0[67][0-9]{8}", digits):
        return None
    country = OVERSEAS.get(digits[:4], "33")
    return f"+{country}{digits[1:]}"


def masked(number: str) -> str:
    """The number as a log or a confirmation may show it: « 06 •• •• •• 78 »."""
    national = "0" + number[-9:] if number.startswith("+") else number
    return f"{national[:2]} •• •• •• {national[-2:]}"


class ConsoleBackend:
    def send(self, message: Message) -> None:
        sys.stdout.write(f"[SMS à {masked(message.to)}]\n{message.text}\n")
        sys.stdout.flush()


outbox: list[Message] = []


class MemoryBackend:
    def send(self, message: Message) -> None:
        outbox.append(message)


class HttpBackend:
    def send(self, message: Message) -> None:
        body = json.dumps(
            {"to": message.to, "text": message.text, "sender": settings.SMS_SENDER}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SmsError(f"le fournisseur a répondu {response.status}")
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise SmsError(f"fournisseur injoignable ou en erreur : {error}") from None


BACKENDS = {
    "console": "maillage.core.sms.ConsoleBackend",
    "memory": "maillage.core.sms.MemoryBackend",
    "http": "maillage.core.sms.HttpBackend",
}


def send(to: str, text: str) -> None:
    """Send one message now (called from a job: the provider's delay never holds a page)."""
    name = settings.SMS_BACKEND
    backend = import_string(BACKENDS.get(name, name))()
    backend.send(Message(to=to, text=text[:MAX_LENGTH]))
