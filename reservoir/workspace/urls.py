"""Staff workspace URLs, mounted at /."""

from django.urls import path

from reservoir.workspace.views import create, customers, dashboard, party, timeline

app_name = "workspace"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/new/", create.person_new, name="person_new"),
    path("customers/new/matches/", create.party_new_matches, name="party_new_matches"),
    path("customers/new/employers/", create.employer_options, name="employer_options"),
    path("organizations/new/", create.organization_new, name="organization_new"),
    path("organizations/", customers.organization_list, name="organization_list"),
    path("organizations/<int:party_id>/", party.organization_detail, name="organization_detail"),
    path("search/", customers.search, name="search"),
    path("parties/<int:party_id>/", party.party_detail, name="party_detail"),
    path("parties/<int:party_id>/edit/", party.party_edit, name="party_edit"),
    path(
        "parties/<int:party_id>/contact-points/",
        party.contact_point_add,
        name="contact_point_add",
    ),
    path(
        "parties/<int:party_id>/traits/<path:key>/history/",
        party.trait_history,
        name="trait_history",
    ),
    path("parties/<int:party_id>/timeline/", timeline.party_timeline, name="party_timeline"),
    path("parties/<int:party_id>/log/", timeline.log_interaction, name="log_interaction"),
]
