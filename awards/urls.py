from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("fairs/<slug:slug>/winners/", views.winners, name="winners"),
    path("awards/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    # Printed on every certificate and typed from paper: kept as short as an address can be.
    path("c/", views.verify_start, name="verify"),
    path("c/<str:code>/", views.verify_certificate, name="verify_certificate"),
]
