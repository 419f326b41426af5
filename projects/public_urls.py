from django.urls import path

from projects import public_views

app_name = "catalogue"

urlpatterns = [
    path("fairs/", public_views.fair_list, name="fair_list"),
    path("fairs/<slug:slug>/", public_views.fair_detail, name="fair_detail"),
    path("fairs/<slug:slug>/projects/", public_views.project_list, name="project_list"),
    path("projects/<int:pk>/", public_views.project_detail, name="project_detail"),
    path("organisations/<int:pk>/", public_views.organisation_detail, name="organisation_detail"),
]
