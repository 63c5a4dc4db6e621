"""The pathways one follows, a pathway's page, and who accessed its record."""

from django.shortcuts import render

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
)
from maillage.pathways import access, queries, reads
from maillage.pathways.views._common import (
    pathway_page,
    visible_pathway,
)


def pathway_list(request):
    """The pathways one follows: as referent, circle member or platform coordinator; found
    by the person's name (sent by POST: a name never goes into an address); narrowed to
    what waits (`a_faire`) and widened to her team (`vue=equipe`), as the dashboard's
    tiles open them."""
    name = request.POST.get("nom", "").strip()[:100] if request.method == "POST" else ""
    todo = request.GET.get("a_faire", "")
    todo = todo if todo in queries.PATHWAY_TODO else ""
    team = request.GET.get("vue") == "equipe" and access.can_triage(request.user)
    pathways = reads.pathways_listed(
        acting=audit.Actor.of(request), name=name, team=team, todo=todo
    )
    return render(
        request,
        "pathways/pathway_list.html",
        {
            "pathways": pathways,
            "name": name,
            "team": team,
            "todo": todo,
            "todo_title": queries.PATHWAY_TODO_TITLES.get((todo, team), ""),
            "todos": queries.PATHWAY_TODO.items(),
            "has_team": access.can_triage(request.user),
        },
    )


def pathway_detail(request, public_id):
    return pathway_page(request, visible_pathway(request, public_id))


def record_accesses(request, public_id):
    """Who accessed the record: for the referent and the platform's coordinators."""
    pathway = visible_pathway(request, public_id)
    if not access.can_manage_circle(request.user, pathway):
        raise Denied("record.accesses.read", obj=pathway)
    accesses = queries.record_accesses(pathway)
    reads.portal_record_read(
        pathway=pathway, acting=audit.Actor.of(request), what="record.accesses.read"
    )
    return render(
        request,
        "pathways/accesses.html",
        {"pathway": pathway, "person": pathway.person, "accesses": accesses, "portal": False},
    )
