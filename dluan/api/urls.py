"""The API's URLs: each app's resources, the schema and its documentation.

The apps' resources are included by dotted name (``<app>/api.py``), as
``dluan/urls.py`` includes their pages: nothing here imports an app.
"""

from django.urls import include, path

from dluan.api import units, views

app_name = "api"

urlpatterns = [
    *units.urlpatterns,
    path("", include("reports.api")),
    path("", include("summaries.api")),
    path("", include("surveys.api")),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
]
