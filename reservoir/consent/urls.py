"""Consent pages, mounted at /consent/."""

from django.urls import URLPattern, URLResolver, path

from reservoir.consent import views

app_name = "consent"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:party_id>/", views.party_consent, name="party_consent"),
]
