"""The juror's presentation pages, under `/<lang>/jury/` in namespace `presentations`."""

from django.urls import path

from presentations import jury_views

urlpatterns = [
    path("presentations/<slug:fair_slug>/", jury_views.programme, name="jury_programme"),
    path("presentations/<slug:fair_slug>/<int:slot_id>/", jury_views.slot_score, name="jury_slot"),
    path("presentations/<slug:fair_slug>/<int:slot_id>/recuse/", jury_views.slot_recuse, name="jury_recuse"),
]
