"""A commission's minutes as PDF: its decisions with their reasons, printed like the
platform's other documents."""

from django.template.loader import render_to_string
from django.utils import timezone

from maillage.core.pdf import to_pdf


def minutes_html(session, agenda) -> str:
    return render_to_string(
        "regulation/minutes_print.html",
        {"session": session, "agenda": agenda, "printed_at": timezone.localtime()},
    )


def minutes_pdf(session, agenda) -> bytes:
    return to_pdf(minutes_html(session, agenda))
