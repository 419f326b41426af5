"""The site's URLs plus ones that fail, to see the error pages as visitors get them."""

from django.db import connection, transaction
from django.urls import path

from fairportal.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def slow(request):
    """A query slower than the statement timeout, made short here so the test is quick."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '50ms'")
        cursor.execute("SELECT pg_sleep(5)")


urlpatterns = [path("boom/", boom), path("slow/", slow), *site_urlpatterns]
