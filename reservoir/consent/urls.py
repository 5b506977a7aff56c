"""Consent pages, mounted at /consent/."""

from django.urls import URLPattern, URLResolver

app_name = "consent"

urlpatterns: list[URLPattern | URLResolver] = []
