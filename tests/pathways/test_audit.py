"""Audit completeness: every read a scripted session makes of a person's record — pages,
documents, calendar file, exports, API — is in the audit trail, under the coordinator's
name, naming the record read."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.pathways import actions, inputs
from tests.factories import opened_pathway

PDF = b"%PDF-1.4\n%%EOF\n"


def test_every_read_of_a_scripted_session_is_in_the_audit_trail(client, cast, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path
    pathway = opened_pathway(cast)
    plan = actions.plan_ensure(pathway=pathway)
    message = actions.message_post(
        actor=cast.professional,
        pathway=pathway,
        attachments=[SimpleUploadedFile("cr.pdf", PDF)],
        data=inputs.MessageIn(body="Compte rendu joint"),
    )
    attachment = message.attachments.get()
    meeting = actions.meeting_schedule(
        actor=cast.professional,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() + dt.timedelta(days=2)),
    )
    actions.stay_admit(
        actor=cast.professional,
        pathway=pathway,
        data=inputs.StayIn(facility="CHD", admitted_on=timezone.localdate()),
    )
    ids = {"pathway": pathway.public_id, "plan": plan.public_id, "meeting": meeting.public_id}

    def page(name, **kwargs):
        return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id, **kwargs})

    api = f"/api/v1/pathways/{pathway.public_id}"
    script = [
        (page("pathway"), "pathway.read", "pathway"),
        (page("plan"), "plan.read", "plan"),
        (page("plan_print"), "plan.read", "plan"),
        (page("assessments"), "assessment.read", "pathway"),
        (page("notebook"), "notebook.read", "pathway"),
        (
            page("notebook_attachment", attachment_id=attachment.public_id),
            "notebook.attachment.read",
            None,
        ),
        (page("meetings"), "meeting.list", "pathway"),
        (page("meeting", meeting_id=meeting.public_id), "meeting.read", "meeting"),
        (page("meeting_ics", meeting_id=meeting.public_id), "meeting.read", "meeting"),
        (page("stays"), "stay.read", "pathway"),
        (page("record_accesses"), "record.accesses.read", "pathway"),
        (f"{api}", "pathway.read", "pathway"),
        (f"{api}/plan", "plan.read", "plan"),
        (f"{api}/messages", "notebook.read", "pathway"),
        (f"{api}/meetings", "meeting.list", "pathway"),
        (f"{api}/meetings/{meeting.public_id}", "meeting.read", "meeting"),
        (f"{api}/stays", "stay.read", "pathway"),
        (f"{api}/fhir", "pathway.export_fhir", "pathway"),
    ]
    client.force_login(cast.coordinator)
    missing = []
    for url, action, record in script:
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        response = client.get(url)
        assert response.status_code == 200, url
        rows = AuditEvent.objects.filter(
            id__gt=before, action=action, actor_id=cast.coordinator.public_id, outcome="allowed"
        )
        if record is not None:
            rows = rows.filter(object_id=str(ids[record]))
        if not rows.exists():
            missing.append((url, action))
    assert missing == []
