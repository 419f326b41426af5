"""Public pages of the reports app (under the language prefix)."""

app_name = "reports"

urlpatterns: list = []
