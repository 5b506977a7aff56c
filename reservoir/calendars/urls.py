"""Business calendar pages, mounted at /calendars/."""

from django.urls import path

from reservoir.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.calendar_list, name="calendar_list"),
    path("<int:calendar_id>/", views.calendar_detail, name="calendar_detail"),
    path("<int:calendar_id>/days/", views.day_set, name="day_set"),
    path("<int:calendar_id>/days/<str:date>/remove/", views.day_remove, name="day_remove"),
]
