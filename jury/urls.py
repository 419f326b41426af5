from django.urls import path

from jury import views

app_name = "jury"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
    path("<slug:fair_slug>/projects/<int:pk>/", views.project_review, name="project"),
    path("<slug:fair_slug>/projects/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("<slug:fair_slug>/finalise/", views.finalise, name="finalise"),
]
