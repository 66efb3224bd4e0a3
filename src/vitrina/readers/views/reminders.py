"""The reminder settings of each library of the organisation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.selectors import library_list
from vitrina.core.views.decorators import apply_service_error, require
from vitrina.readers.forms_reminders import ReminderSettingsForm, network_rows
from vitrina.readers.models import Reminder
from vitrina.readers.selectors.reminders import reminder_summary
from vitrina.readers.services.reminders import (
    allowed_networks,
    reminder_settings_save,
    settings_for,
)


def _may_see(membership) -> bool:
    return rules.can_serve_readers(membership) or rules.can_manage_libraries(membership)


@require(_may_see)
def reminder_settings(request):
    libraries = list(library_list(membership=request.membership))
    if not libraries:
        raise Http404
    wanted = request.POST.get("library") or request.GET.get("library")
    library = libraries[0]
    if wanted:
        library = next((lib for lib in libraries if str(lib.pk) == str(wanted)), None)
        if library is None:
            raise Http404
    settings = settings_for(library)
    may_change = rules.can_manage_libraries(request.membership)
    status = 200
    if request.method == "POST":
        if not may_change:
            messages.error(request, _("Only those who manage libraries change these settings."))
            return redirect(f"{request.path}?library={library.pk}", permanent=False)
        form = ReminderSettingsForm(request.POST, instance=settings)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            values["networks"] = list(values["networks"] or [])
            try:
                reminder_settings_save(library=library, actor=request.user, **values)
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Reminder settings saved."))
                return redirect(f"{request.path}?library={library.pk}")
        status = 400
    else:
        form = ReminderSettingsForm(instance=settings)
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "readers/reminder_settings.html",
        {
            "form": form,
            "library": library,
            "libraries": libraries,
            "networks": network_rows(),
            "in_use": allowed_networks(settings),
            "may_change": may_change,
            "summary": reminder_summary(library=library),
            "states": Reminder.State.choices,
        },
        status=status,
    )
