"""Service pages, mounted at /service/."""

from django.urls import URLPattern, URLResolver

app_name = "support"

urlpatterns: list[URLPattern | URLResolver] = []
