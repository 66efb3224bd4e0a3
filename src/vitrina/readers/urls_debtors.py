from django.urls import path

from vitrina.readers.views import debtors

urlpatterns = [
    path("debtors/", debtors.debtor_list, name="debtors"),
    path("debtors/export/", debtors.debtor_export, name="debtors-export"),
]
