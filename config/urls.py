"""Top-level URL map: staff UI, API, admin, language switch."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("reservoir.iam.urls")),
    path("data/", include("reservoir.resolution.urls")),
    path("rules/", include("reservoir.decisions.urls")),
    path("automation/", include("reservoir.automation.urls")),
    path("tasks/", include("reservoir.todos.urls")),
    path("calendars/", include("reservoir.calendars.urls")),
    path("service/", include("reservoir.support.urls")),
    path("kb/", include("reservoir.support.knowledge.urls")),
    path("chat/", include("reservoir.contact_center.urls")),
    path("portal/", include("reservoir.portal.urls")),
    path("reports/", include("reservoir.analytics.urls")),
    path("consent/", include("reservoir.consent.urls")),
    path("", include("reservoir.workspace.urls")),
]
