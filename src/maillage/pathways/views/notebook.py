"""The liaison notebook and its documents."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    found,
    refusals_on,
)
from maillage.pathways import access, actions, queries, reads
from maillage.pathways.forms import (
    MessageForm,
)
from maillage.pathways.views._common import (
    visible_pathway,
)


def notebook(request, public_id):
    """The liaison notebook: the circle's messages, and a form to write one."""
    pathway = visible_pathway(request, public_id)
    writable = access.can_contribute(request.user, pathway)
    form = MessageForm() if writable else None
    status = 200
    if request.method == "POST":
        if not writable:
            raise Denied("notebook.post", obj=pathway)
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.message_post(
                    actor=request.user,
                    pathway=pathway,
                    attachments=form.cleaned_data["attachments"],
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(request, _("Message envoyé au cercle de soins."))
                return redirect("pathways:notebook", public_id=public_id)
        status = 400
    notebook_messages = queries.notebook_of(pathway)
    reads.notebook_record_read(
        pathway=pathway, messages=notebook_messages, acting=audit.Actor.of(request)
    )
    return render(
        request,
        "pathways/notebook.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "notebook": notebook_messages,
            "form": form,
        },
        status=status,
    )


def notebook_attachment(request, public_id, attachment_id):
    pathway = visible_pathway(request, public_id)
    attachment = queries.message_attachment(pathway, attachment_id)
    attachment = found(
        attachment if attachment is not None and attachment.path.exists() else None,
        "notebook.attachment.read",
        "pathways.messageattachment",
        attachment_id,
    )
    reads.message_attachment_record_read(attachment=attachment, acting=audit.Actor.of(request))
    return FileResponse(
        open(attachment.path, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
