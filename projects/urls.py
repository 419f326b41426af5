from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_update, name="organisation_update"),
    path("organisations/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("organisations/<int:organisation_pk>/projects/new/", views.project_create, name="project_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_update, name="project_update"),
    path("projects/<int:pk>/images/", views.project_images, name="project_images"),
    path("projects/<int:pk>/images/<int:image_pk>/", views.project_image_update, name="project_image_update"),
    path(
        "projects/<int:pk>/images/<int:image_pk>/delete/",
        views.project_image_delete,
        name="project_image_delete",
    ),
    path("projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:pk>/withdraw/", views.project_withdraw, name="project_withdraw"),
]
