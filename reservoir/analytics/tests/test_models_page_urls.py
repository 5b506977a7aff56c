"""URLs for the models-page tests: the project's, with the models page under /reports/ even
before `reservoir/analytics/urls.py` includes it (no tests here)."""

from django.urls import URLPattern, URLResolver, include, path

from config import urls as project
from reservoir.analytics import urls as analytics
from reservoir.analytics.views import models_page

_names = {p.name for p in analytics.urlpatterns if isinstance(p, URLPattern)}
_extra = [p for p in models_page.urlpatterns if p.name not in _names]

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", include(([*_extra, *analytics.urlpatterns], "analytics"))),
    *(
        p
        for p in project.urlpatterns
        if not (isinstance(p, URLResolver) and getattr(p, "app_name", None) == "analytics")
    ),
]
