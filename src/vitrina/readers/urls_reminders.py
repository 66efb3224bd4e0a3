from django.urls import path

from vitrina.readers.views import reminders

urlpatterns = [
    path("reminders/", reminders.reminder_settings, name="reminder-settings"),
]
