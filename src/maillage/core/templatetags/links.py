"""`{% load links %}`: web addresses from imported or edited data, made safe to link to."""

import re

from django import template

register = template.Library()

_WEB = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


@register.filter
def web_url(value) -> str:
    """The address if it is an http(s) one, else "": a `javascript:` or `data:` address
    from a source must never become a link a professional clicks."""
    value = str(value or "").strip()
    return value if _WEB.match(value) else ""


_SITE = re.compile(r"^/(?![/\\])[^\s]*$")


@register.filter
def site_path(value) -> str:
    """A link within Maillage ("/parcours/…"), else "": links stored by the application
    (notifications) point to its own pages only, whatever a row was made to hold."""
    value = str(value or "").strip()
    return value if _SITE.match(value) else ""
