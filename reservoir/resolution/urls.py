"""Staff pages for data quality: duplicates, merges, imports and exports, completeness."""

from reservoir.resolution.views import completeness, duplicates, imports, merges

app_name = "resolution"

urlpatterns = [
    *duplicates.urlpatterns,
    *merges.urlpatterns,
    *imports.urlpatterns,
    *completeness.urlpatterns,
]
