"""Contact center pages, mounted at /chat/."""

from django.urls import URLPattern, URLResolver

app_name = "contact_center"

urlpatterns: list[URLPattern | URLResolver] = []
