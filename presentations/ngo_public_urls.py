"""The NGO's page of its slot (under /<lang>/ngo/, beside `projects.urls`) and the fair's public
programme (under /<lang>/fairs/<slug>/, beside the catalogue)."""

from django.urls import path

from presentations import views

urlpatterns = [
    path("ngo/projects/<int:pk>/presentation/", views.ngo_slot, name="ngo_slot"),
    path("ngo/projects/<int:pk>/presentation.ics", views.ngo_slot_ics, name="ngo_slot_ics"),
    path("fairs/<slug:slug>/programme/", views.programme_page, name="programme"),
]
