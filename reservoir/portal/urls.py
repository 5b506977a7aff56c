"""Customer portal pages, mounted at /portal/."""

from django.urls import URLPattern, URLResolver, path

from reservoir.portal.views import account, auth, cases, pages, survey

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", pages.home, name="home"),
    path("login/", auth.login, name="login"),
    path("login/code/", auth.login_code, name="login_code"),
    path("login/link/", auth.magic_request, name="magic_request"),
    path("link/<str:token>/", auth.magic_link, name="magic_link"),
    path("logout/", auth.logout, name="logout"),
    path("invite/<int:party_id>/", auth.invite, name="invite"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/suggest/", cases.suggest, name="case_suggest"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("files/<int:attachment_id>/", cases.attachment_download, name="attachment_download"),
    path("orders/", pages.order_list, name="order_list"),
    path("orders/<int:order_id>/", pages.order_detail, name="order_detail"),
    path("help/", pages.kb_search, name="kb_search"),
    path("help/<slug:slug>/", pages.kb_article, name="kb_article"),
    path("account/", account.profile, name="profile"),
    path(
        "account/contacts/<int:contact_point_id>/remove/",
        account.contact_remove,
        name="contact_remove",
    ),
    path("account/preferences/", account.preferences, name="preferences"),
    path("account/security/", account.security, name="security"),
    path("survey/<str:token>/", survey.survey, name="survey"),
]
