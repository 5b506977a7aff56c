"""Automation staff pages, mounted at /automation/."""

from reservoir.automation.views import actions, rules, runs

app_name = "automation"

urlpatterns = [*rules.urlpatterns, *actions.urlpatterns, *runs.urlpatterns]
