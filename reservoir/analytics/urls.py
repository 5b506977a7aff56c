"""Analytics pages, mounted at /reports/.

The fixed reports' paths match their known slugs only, so other pages under /reports/
(e.g. the customer-value models page) can be added beside them in any order.
"""

from django.urls import URLPattern, URLResolver, path, re_path

from reservoir.analytics.views import explorer, models_page, reports
from reservoir.analytics.views.catalog import REPORTS

app_name = "analytics"

_SLUGS = "|".join(r.slug for r in REPORTS)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", reports.report_home, name="home"),
    path("refresh/", reports.refresh, name="refresh"),
    path("refresh/status/", reports.refresh_status, name="refresh_status"),
    path("explorer/", explorer.explorer, name="explorer"),
    *models_page.urlpatterns,
    re_path(
        r"^explorer/export\.(?P<fmt>csv|xlsx)$", explorer.explorer_export, name="explorer_export"
    ),
    re_path(rf"^(?P<slug>{_SLUGS})/$", reports.report, name="report"),
    re_path(
        rf"^(?P<slug>{_SLUGS})/export\.(?P<fmt>csv|xlsx)$",
        reports.report_export,
        name="report_export",
    ),
]
