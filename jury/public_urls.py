"""The jury's pages for everyone, under the fair's address (included at the site's root)."""

from django.urls import path

from jury import views

app_name = "jury_public"

urlpatterns = [
    path("jury-scoring/", views.scoring_method, name="scoring_method"),
    path("fairs/<slug:slug>/commission-protocol.pdf", views.commission_protocol, name="commission_protocol"),
]
