"""Knowledge-base pages, mounted at /kb/."""

from django.urls import path

from reservoir.support.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("new/", views.article_edit, name="article_create"),
    path("suggest/", views.suggest, name="suggest"),
    path("report/", views.report, name="report"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:category_id>/", views.category_list, name="category_edit"),
    path("categories/<int:category_id>/delete/", views.category_delete, name="category_delete"),
    path("<int:article_id>/", views.article_detail, name="article_detail"),
    path("<int:article_id>/edit/", views.article_edit, name="article_edit"),
    path("<int:article_id>/status/", views.article_status, name="article_status"),
    path("<int:article_id>/history/", views.article_history, name="article_history"),
    path("<int:article_id>/restore/<int:number>/", views.article_restore, name="article_restore"),
    path("<int:article_id>/helpful/", views.helpful, name="helpful"),
]
