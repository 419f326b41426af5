"""The jury's pages for an NGO, under /<lang>/ngo/ beside `projects.urls` (projects may not import jury)."""

from django.urls import path

from jury import views

app_name = "jury_ngo"

urlpatterns = [
    path("projects/<int:pk>/feedback/", views.ngo_feedback, name="feedback"),
]
