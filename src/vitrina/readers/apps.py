from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    name = "vitrina.readers"
    label = "readers"
    verbose_name = _("Reader services")

    def ready(self):
        # These modules read models, which exist only once the apps are loaded.
        import vitrina.readers.exports  # noqa: F401  (the debtors list, its part of the report)
        from vitrina.core import navigation, periodic
        from vitrina.inbox import dialog_hooks
        from vitrina.readers import dialog, renewal_words, rules
        from vitrina.readers.services import consent, linking, my_books, renewals

        dialog_hooks.register(dialog.handle)
        dialog.on_button(dialog.BOOKS, my_books.books_button)
        dialog.on_words(my_books.WORDS, my_books.books_words)
        dialog.on_button(dialog.RENEW, renewals.renewal_pressed)
        dialog.on_words(renewal_words.WORD, renewals.renewal_words_seen)
        # Linking, withdrawal and a reader's data answer their buttons, words and events.
        linking.register()
        consent.register()
        navigation.register(
            navigation.NavItem(
                key="readers",
                label=_("Readers"),
                url_name="readers:list",
                order=160,
                visible=rules.can_see_readers_menu,
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="readers.loans_sync",
                interval=periodic.minutes("READERS_LOANS_SYNC_MINUTES"),
                run="vitrina.readers.services.loans.loans_sync_round",
                once_per_deployment=True,
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="readers.reminders_plan",
                interval=periodic.minutes("READERS_REMINDERS_PLAN_MINUTES"),
                run="vitrina.readers.services.reminders.reminders_plan_round",
                once_per_deployment=True,
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="readers.reminders_send",
                interval=periodic.seconds("READERS_REMINDERS_SEND_SECONDS"),
                run="vitrina.readers.services.reminder_sending.reminders_send_round",
            )
        )
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
