from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("fairs/<slug:slug>/winners/", views.winners, name="winners"),
    path("awards/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
