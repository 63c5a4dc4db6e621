from django.urls import path, register_converter

from maillage.observatory import views

app_name = "observatory"


class TableFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class Year:
    """The years a report can be about: 2000 to 2100 (anything else is not found)."""

    regex = "20[0-9]{2}|2100"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(TableFormat, "tableformat")
register_converter(Year, "year")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tableaux/<slug:slug>.<tableformat:fmt>", views.table_download, name="table"),
    path("donnees-ouvertes/", views.open_statistics, name="open_statistics"),
    path("donnees-ouvertes/<slug:slug>.<tableformat:fmt>", views.open_data, name="open_data"),
    path("rapport/", views.report_index, name="reports"),
    path("rapport/<year:year>/", views.annual_report, name="report"),
    path("rapport/<year:year>/pdf/", views.annual_report_pdf, name="report_pdf"),
    path("rapport/<year:year>/commentaire/", views.report_commentary, name="report_commentary"),
    path("rapport/<year:year>/publier/", views.report_publish, name="report_publish"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("accessibilite/calcul/", views.accessibility_compute, name="accessibility_compute"),
]
