"""The site's URLs plus one that fails, to see the 500 page as visitors get it."""

from django.urls import path

from fairportal.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
