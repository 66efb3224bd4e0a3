from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    name = "vitrina.readers"
    label = "readers"
    verbose_name = _("Reader services")

    def ready(self):
        import vitrina.readers.exports  # noqa: F401  (the debtors list, its part of the report)
        from vitrina.core import periodic
        from vitrina.inbox import dialog_hooks
        from vitrina.readers import dialog, renewal_words
        from vitrina.readers.services import renewals

        dialog_hooks.register(dialog.handle)
        dialog.on_button(dialog.RENEW, renewals.renewal_pressed)
        dialog.on_words(renewal_words.WORD, renewals.renewal_words_seen)
        # Requests the library system did not answer, tried again for a day.
        periodic.register(
            periodic.PeriodicJob(
                name="readers.renewals_retry",
                interval=periodic.minutes("READERS_RENEWAL_RETRY_MINUTES"),
                run="vitrina.readers.services.renewal_queue.renewals_retry",
                once_per_deployment=True,
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="readers.debts_returned",
                interval=periodic.minutes("READERS_RETURNS_MARK_MINUTES"),
                run="vitrina.readers.services.debts.debts_returned_mark",
                once_per_deployment=True,
            )
        )
