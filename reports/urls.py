"""Public pages of the reports app (under the language prefix)."""

from django.urls import path

from reports import opendata_views

app_name = "reports"

urlpatterns = [
    path("open-data/", opendata_views.index, name="open_data"),
    path("open-data/catalogue.json", opendata_views.catalogue_json, name="open_data_catalogue"),
    path("open-data/<slug:slug>/<slug:name>.csv", opendata_views.download_csv, name="open_data_csv"),
    path("open-data/<slug:slug>/<slug:name>.json", opendata_views.download_json, name="open_data_json"),
]
