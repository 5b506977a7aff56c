"""Contact rules staff pages, mounted at /rules/."""

from reservoir.decisions.views import editing, log, simulator, tables

app_name = "decisions"

urlpatterns = [*tables.urlpatterns, *editing.urlpatterns, *simulator.urlpatterns, *log.urlpatterns]
