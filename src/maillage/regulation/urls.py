from django.urls import path

from maillage.regulation import views

app_name = "regulation"

urlpatterns = [
    path("", views.home, name="home"),
    path("mes-demandes/", views.portal, name="portal"),
    path("dispositifs/", views.programmes, name="programmes"),
    path("dispositifs/<uuid:public_id>/", views.programme, name="programme"),
    path("dispositifs/<uuid:public_id>/places/", views.unit_add, name="unit_add"),
    path("dispositifs/<uuid:public_id>/criteres/", views.requirement_add, name="requirement_add"),
    path(
        "dispositifs/<uuid:public_id>/criteres/<uuid:requirement_id>/retrait/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path("dispositifs/<uuid:public_id>/vacances/", views.vacancy_declare, name="vacancy_declare"),
    path(
        "dispositifs/<uuid:public_id>/vacances/<uuid:vacancy_id>/retrait/",
        views.vacancy_withdraw,
        name="vacancy_withdraw",
    ),
    path("ce-soir/", views.tonight, name="tonight"),
    path("115/", views.emergency, name="emergency"),
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/", views.request_new, name="request_new"),
    path("demandes/<uuid:public_id>/", views.request_detail, name="request"),
    path("demandes/<uuid:public_id>/modifier/", views.request_edit, name="request_edit"),
    path("demandes/<uuid:public_id>/etat/", views.request_move, name="request_move"),
    path(
        "demandes/<uuid:public_id>/pourquoi-pas/<uuid:vacancy_id>/",
        views.why_not,
        name="why_not",
    ),
    path("demandes/<uuid:public_id>/documents/", views.documents_add, name="documents_add"),
    path(
        "demandes/<uuid:public_id>/documents/<uuid:document_id>/",
        views.document,
        name="document",
    ),
    path("demandes/<uuid:public_id>/volet-medical/", views.medical, name="medical"),
    path("demandes/<uuid:public_id>/medecin/", views.physician_name, name="physician_name"),
    path("demandes/<uuid:public_id>/signature/", views.request_sign, name="request_sign"),
    path(
        "demandes/<uuid:public_id>/candidatures/",
        views.applications_send,
        name="applications_send",
    ),
    path("demandes/<uuid:public_id>/nuit/", views.emergency_night, name="emergency_night"),
    path("candidatures/<uuid:public_id>/", views.application, name="application"),
    path("classement/", views.ranking, name="ranking"),
    path("politiques/", views.policies, name="policies"),
    path("politiques/<uuid:public_id>/", views.policy, name="policy"),
    path("politiques/<uuid:public_id>/publier/", views.policy_publish, name="policy_publish"),
    path("politiques/<uuid:public_id>/simulation/", views.policy_simulate, name="policy_simulate"),
    path("calculs/", views.runs, name="runs"),
    path("calculs/<uuid:public_id>/", views.run, name="run"),
    path("propositions/<uuid:public_id>/", views.proposal, name="proposal"),
    path(
        "propositions/<uuid:public_id>/structure/",
        views.proposal_structure,
        name="proposal_structure",
    ),
    path("propositions/<uuid:public_id>/personne/", views.proposal_person, name="proposal_person"),
    path("commissions/", views.sessions, name="sessions"),
    path("commissions/<uuid:public_id>/", views.session, name="session"),
    path("commissions/<uuid:public_id>/decision/", views.session_decide, name="session_decide"),
    path("commissions/<uuid:public_id>/cloture/", views.session_close, name="session_close"),
    path(
        "commissions/<uuid:public_id>/compte-rendu.pdf",
        views.session_minutes,
        name="session_minutes",
    ),
]
