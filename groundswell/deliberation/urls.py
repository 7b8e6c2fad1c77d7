from django.urls import path

from groundswell.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/vote/<id:pk>/", views.vote_cast, name="vote_cast"),
    path("<slug:slug>/statements/", views.statements, name="statements"),
    path("<slug:slug>/statements/new/", views.statement_add, name="statement_add"),
    path("<slug:slug>/statements/seed/", views.statements_seed, name="statements_seed"),
    path(
        "<slug:slug>/statements/rejected/",
        views.statements_rejected,
        name="statements_rejected",
    ),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/ideas/new/", views.idea_add, name="idea_add"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/coordination/", views.coordination, name="coordination"),
    path("<slug:slug>/export/polis.zip", views.export_polis, name="export_polis"),
    path("<slug:slug>/import/polis/", views.polis_import, name="polis_import"),
    path("<slug:slug>/deliberation/settings/", views.settings_edit, name="settings"),
]
