"""The reader services' pages of an organisation (``/o/<org>/readers/``); each area keeps
its own list of addresses."""

from vitrina.readers import (
    urls_connections,
    urls_debtors,
    urls_readers,
    urls_reminders,
    urls_renewals,
)

app_name = "readers"

urlpatterns = [
    *urls_readers.urlpatterns,
    *urls_connections.urlpatterns,
    *urls_reminders.urlpatterns,
    *urls_renewals.urlpatterns,
    *urls_debtors.urlpatterns,
]
