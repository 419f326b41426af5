"""The presentation round's pages: the NGO's slot and the public programme (`ngo_public_urls`),
the juror's programme and scoring (`jury_urls`). Mounted under the language prefix."""

from django.urls import include, path

app_name = "presentations"

urlpatterns = [
    path("", include("presentations.ngo_public_urls")),
    path("jury/", include("presentations.jury_urls")),
]
