"""Writes on the directory."""

from maillage.directory.models import UnmetSearch
from maillage.directory.queries import SearchParams, SearchResults


def record_unmet_search(*, params: SearchParams, results: SearchResults, channel: str) -> None:
    """Keep an anonymous trace of a need the directory could not meet."""
    if not results.empty or (not params.themes and not params.text and not params.publics):
        return
    UnmetSearch.objects.create(
        themes=params.themes,
        publics=params.publics,
        commune=results.place,
        had_text=bool(params.text),
        channel=channel,
    )
