"""Contact center pages, mounted at /chat/."""

from django.urls import URLPattern, URLResolver, path

from reservoir.contact_center import views

app_name = "contact_center"

urlpatterns: list[URLPattern | URLResolver] = [
    path("widget.js", views.widget_js, name="widget_js"),
    path("api/sessions", views.session_create, name="session_create"),
    path("console/", views.console, name="console"),
    path("console/chats/<int:session_id>/context/", views.console_context, name="console_context"),
    path("canned/", views.canned_list, name="canned_list"),
    path("canned/<int:canned_id>/", views.canned_edit, name="canned_edit"),
    path("canned/<int:canned_id>/delete/", views.canned_delete, name="canned_delete"),
]
