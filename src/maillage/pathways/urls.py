from django.urls import path

from maillage.pathways import views

app_name = "pathways"

urlpatterns = [
    path("", views.pathway_list, name="pathway_list"),
    path("mon-espace/", views.portal, name="portal"),
    path("mon-espace/<uuid:public_id>/", views.portal_pathway, name="portal_pathway"),
    path(
        "mon-espace/propositions/<uuid:access_id>/accepter/",
        views.portal_accept,
        name="portal_accept",
    ),
    path("mon-espace/<uuid:public_id>/acces/", views.portal_accesses, name="portal_accesses"),
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/", views.request_new, name="request_new"),
    path("demandes/<uuid:public_id>/", views.request_detail, name="request"),
    path("demandes/<uuid:public_id>/tri/", views.request_triage, name="request_triage"),
    path("demandes/<uuid:public_id>/retrait/", views.request_withdraw, name="request_withdraw"),
    path("demandes/<uuid:public_id>/a-trier/", views.request_reopen, name="request_reopen"),
    path("demandes/<uuid:public_id>/orienter/", views.request_orient, name="request_orient"),
    path(
        "demandes/<uuid:public_id>/personne-informee/",
        views.request_person_informed,
        name="request_person_informed",
    ),
    path("<uuid:public_id>/", views.pathway_detail, name="pathway"),
    path("<uuid:public_id>/cercle/", views.circle_add, name="circle_add"),
    path("<uuid:public_id>/referent/", views.pathway_handover, name="pathway_handover"),
    path("<uuid:public_id>/evaluations/", views.assessments, name="assessments"),
    path("<uuid:public_id>/plan/", views.plan, name="plan"),
    path("<uuid:public_id>/plan/imprimer/", views.plan_print, name="plan_print"),
    path("<uuid:public_id>/plan/objectifs/", views.plan_objective_add, name="plan_objective_add"),
    path("<uuid:public_id>/plan/actions/", views.plan_action_add, name="plan_action_add"),
    path(
        "<uuid:public_id>/plan/actions/<uuid:action_id>/etat/",
        views.plan_action_status,
        name="plan_action_status",
    ),
    path("<uuid:public_id>/plan/validation/", views.plan_validate, name="plan_validate"),
    path("<uuid:public_id>/evaluations/nouvelle/", views.assessment_new, name="assessment_new"),
    path(
        "<uuid:public_id>/cercle/<uuid:member_id>/accepter/",
        views.circle_approve,
        name="circle_approve",
    ),
    path(
        "<uuid:public_id>/cercle/<uuid:member_id>/retirer/",
        views.circle_remove,
        name="circle_remove",
    ),
    path("<uuid:public_id>/cahier/", views.notebook, name="notebook"),
    path(
        "<uuid:public_id>/cahier/documents/<uuid:attachment_id>/",
        views.notebook_attachment,
        name="notebook_attachment",
    ),
    path("<uuid:public_id>/hospitalisations/", views.stays, name="stays"),
    path(
        "<uuid:public_id>/hospitalisations/<uuid:stay_id>/liste/",
        views.stay_check,
        name="stay_check",
    ),
    path(
        "<uuid:public_id>/hospitalisations/<uuid:stay_id>/sortie/",
        views.stay_discharge,
        name="stay_discharge",
    ),
    path("<uuid:public_id>/reunions/", views.meetings, name="meetings"),
    path("<uuid:public_id>/reunions/nouvelle/", views.meeting_new, name="meeting_new"),
    path("<uuid:public_id>/reunions/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path(
        "<uuid:public_id>/reunions/<uuid:meeting_id>/agenda.ics",
        views.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "<uuid:public_id>/reunions/<uuid:meeting_id>/modifier/",
        views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "<uuid:public_id>/reunions/<uuid:meeting_id>/annuler/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "<uuid:public_id>/reunions/<uuid:meeting_id>/compte-rendu/",
        views.meeting_minutes,
        name="meeting_minutes",
    ),
    path(
        "<uuid:public_id>/reunions/<uuid:meeting_id>/decisions/",
        views.meeting_decision,
        name="meeting_decision",
    ),
    path("<uuid:public_id>/cloture/", views.pathway_close, name="pathway_close"),
    path("<uuid:public_id>/aidants/", views.caregiver_add, name="caregiver_add"),
    path("<uuid:public_id>/espace/", views.portal_invite, name="portal_invite"),
    path(
        "<uuid:public_id>/espace/<uuid:access_id>/fermer/",
        views.portal_revoke,
        name="portal_revoke",
    ),
    path("<uuid:public_id>/acces/", views.record_accesses, name="record_accesses"),
    path("<uuid:public_id>/reouverture/", views.pathway_reopen, name="pathway_reopen"),
]
