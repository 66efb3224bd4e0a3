"""Reader services: library-system connections, readers linked to a network, consent,
the loans a reminder needs, reminders with their attempt log, renewal requests.

Vitrina keeps the minimum about a reader: the card number, the network identity and the
consent acts. Of loans only the current ones of linked readers are kept (due day, a short
title for the librarian's debtors list), and each is deleted once returned: no reading
history is copied.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vitrina.channels.models import Channel
from vitrina.core.models import Library, Organisation


class IlsKind(models.TextChoices):
    KOHA = "koha", _("Koha (REST API)")
    IRBIS = "irbis", _("IRBIS64")
    FILE = "file", _("File of loans (CSV or XLSX)")


class IlsConnection(models.Model):
    """How Vitrina reaches one library system. ``library`` empty: it serves every library
    of the organisation that has no connection of its own. The one secret (Koha's password
    or OAuth2 client secret, IRBIS64's password) is encrypted at rest (``core.crypto``)."""

    class Auth(models.TextChoices):
        BASIC = "basic", _("Login and password (HTTP Basic)")
        OAUTH2 = "oauth2", _("OAuth2 client credentials")

    class SecondFactor(models.TextChoices):
        SURNAME = "surname", _("Surname")
        BIRTH_YEAR = "birth_year", _("Year of birth")

    class State(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("Works")
        FAILED = "failed", _("Does not work")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ils_connections"
    )
    library = models.ForeignKey(
        Library,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ils_connections",
        verbose_name=_("library"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("library system"), max_length=10, choices=IlsKind.choices)
    # Koha: the server's address (``https://koha.example``); IRBIS64: host and port.
    base_url = models.CharField(_("address"), max_length=300, blank=True)
    host = models.CharField(_("server"), max_length=200, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    auth = models.CharField(
        _("authentication"), max_length=10, choices=Auth.choices, default=Auth.BASIC
    )
    username = models.CharField(_("login or client id"), max_length=200, blank=True)
    secret_ciphertext = models.TextField(blank=True)
    # IRBIS64: the readers' database (field 40 holds the loans) and the catalogue's.
    readers_database = models.CharField(_("readers' database"), max_length=20, default="RDR")
    catalogue_database = models.CharField(_("catalogue database"), max_length=20, default="IBIS")
    # What a reader of a system without passwords gives beside the card (IRBIS64, a file).
    second_factor = models.CharField(
        _("second factor"), max_length=12, choices=SecondFactor.choices, default="surname"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNCHECKED)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_problems = models.JSONField(default=list, blank=True)
    loans_synced_at = models.DateTimeField(null=True, blank=True)
    sync_problem = models.CharField(max_length=500, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("library system connection")
        verbose_name_plural = _("library system connections")

    def __str__(self) -> str:
        return self.name


class FileLoan(models.Model):
    """A current loan from the last uploaded file of a library without Koha or IRBIS64;
    each upload replaces the connection's rows, so a loan missing from it was returned."""

    connection = models.ForeignKey(
        IlsConnection, on_delete=models.CASCADE, related_name="file_loans"
    )
    card = models.CharField(max_length=40)
    surname = models.CharField(max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    loan_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    loaned_on = models.DateField(null=True, blank=True)
    due = models.DateField()
    renewals = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "loan_id"], name="one_file_loan")
        ]
        indexes = [models.Index(fields=["connection", "card"])]

    def __str__(self) -> str:
        return f"{self.card}: {self.loan_id}"


class Reader(models.Model):
    """A reader of one library system known to Vitrina: the card and the system's id."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    library = models.ForeignKey(
        Library, on_delete=models.CASCADE, related_name="readers", verbose_name=_("library")
    )
    connection = models.ForeignKey(IlsConnection, on_delete=models.PROTECT, related_name="readers")
    card = models.CharField(_("library card"), max_length=40)
    ils_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Loans read from the library system last (each reader's own re-read before a send).
    loans_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["card"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "card"], name="one_reader_per_card")
        ]
        indexes = [models.Index(fields=["organisation", "library"])]

    def __str__(self) -> str:
        return self.card


class ReaderLink(models.Model):
    """A reader's identity on one network: the dialog with one of the library's channels."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Linked")
        UNDELIVERABLE = "undeliverable", _("Messages cannot be delivered")
        STOPPED = "stopped", _("The reader stopped the dialog")

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="links")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="reader_links")
    network_user_id = models.CharField(max_length=100)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    state_reason = models.CharField(max_length=300, blank=True)
    linked_at = models.DateTimeField(default=timezone.now)
    # The reader's last message or press: some networks let a community answer freely
    # only for a while after it.
    last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "network_user_id"], name="one_reader_per_dialog"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.network_user_id}"


class LinkRequest(models.Model):
    """A one-time address sent into a dialog that opens the linking page: it ties the
    network identity of the dialog to the card the reader then proves on the page."""

    class Kind(models.TextChoices):
        LINK = "link", "Link a card"
        DATA = "data", "A reader's data"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    network_user_id = models.CharField(max_length=100)
    # A card to link, or the page where a linked reader sees, exports and deletes their data.
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.LINK)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.network_user_id}"


class Purpose(models.TextChoices):
    """What a reader consents to, each separately (152-ФЗ ст. 9 since 1 September 2025)."""

    REMINDERS = "reminders", _("Reminders about due dates and debts")
    RENEWALS = "renewals", _("Renewals of loans through the dialog")
    RECOMMENDATIONS = "recommendations", _("Book recommendations")


class Consent(models.Model):
    """One act of consent to one purpose, with the text version the reader saw; withdrawn
    once and for good (a new consent is a new row)."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    text_version = models.CharField(max_length=20)
    text_hash = models.CharField(max_length=64)
    given_at = models.DateTimeField(default=timezone.now)
    network = models.CharField(max_length=16)
    given_via = models.CharField(max_length=20, default="web")  # web page, dialog button
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_via = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["reader", "purpose", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.reader_id}: {self.purpose}"


class Loan(models.Model):
    """A current loan of a linked reader who consented to reminders or renewals: what a
    reminder needs. Deleted when the library system no longer lists it."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="loans")
    loan_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    due = models.DateField()
    renewals = models.PositiveSmallIntegerField(default=0)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["reader", "loan_id"], name="one_loan_per_reader")
        ]
        indexes = [models.Index(fields=["due"])]

    def __str__(self) -> str:
        return f"{self.reader_id}: {self.loan_id} до {self.due}"


class ReminderSettings(models.Model):
    """When and how a library reminds its readers; the defaults serve a library without."""

    library = models.OneToOneField(
        Library, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    enabled = models.BooleanField(_("send reminders"), default=True)
    due_soon_days = models.PositiveSmallIntegerField(_("days before the due date"), default=3)
    due_today = models.BooleanField(_("on the due date"), default=True)
    overdue_first_days = models.PositiveSmallIntegerField(
        _("first debt reminder, days after"), default=1
    )
    overdue_repeat_days = models.PositiveSmallIntegerField(
        _("repeat, days after the first"), default=7
    )
    overdue_final_days = models.PositiveSmallIntegerField(
        _("final reminder, days after the due date"), default=30
    )
    # Sent only between these hours of the library's own clock.
    send_from = models.TimeField(_("send from"), default="10:00")
    send_until = models.TimeField(_("send until"), default="20:00")
    daily_cap = models.PositiveSmallIntegerField(_("at most a day per reader"), default=3)
    # Networks reminders go through; empty means the networks' defaults (no foreign one).
    networks = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.library_id}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE_FIRST = "overdue_first", _("Overdue")
    OVERDUE_REPEAT = "overdue_repeat", _("Overdue, repeated")
    OVERDUE_FINAL = "overdue_final", _("Overdue, final")


class Reminder(models.Model):
    """One reminder about one loan's due day through one dialog. Unique by (loan, due day,
    kind, dialog): a renewal moves the due day and so arms the reminders again, and the
    same reminder is never sent twice."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not needed")
        FAILED = "failed", _("Not delivered")
        UNKNOWN = "unknown", _("Outcome unknown, checking")

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="reminders")
    link = models.ForeignKey(ReaderLink, on_delete=models.CASCADE, related_name="reminders")
    loan_id = models.CharField(max_length=100)
    due = models.DateField()
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    # Not before this moment (the library's sending hours, the daily cap, a retry).
    not_before = models.DateTimeField()
    # Given up after this moment: a reminder late past its use is not sent.
    expires_at = models.DateTimeField()
    claim = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    external_id = models.CharField(max_length=100, blank=True)
    # The idempotency key of the message this reminder went, or may have gone, in (several
    # loans due the same day travel in one): set before the network is called, so a lost
    # answer is looked up under the same key before anything is sent again.
    message_key = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)
    # The loan came back or was renewed after a reminder: counted for the report.
    returned_after = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "loan_id", "due", "kind"], name="one_reminder_per_loan_due_kind"
            )
        ]
        indexes = [
            models.Index(fields=["state", "not_before"]),
            models.Index(fields=["reader", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.loan_id} {self.due}"


class ReminderAttempt(models.Model):
    """Every try to send a reminder, as publishing keeps for posts."""

    class Outcome(models.TextChoices):
        STARTED = "started", _("Started")
        SENT = "sent", _("Sent")
        FOUND = "found", _("Found already sent")
        SKIPPED = "skipped", _("Not needed")
        RETRY = "retry", _("Will retry")
        UNDELIVERABLE = "undeliverable", _("Cannot be delivered")
        UNKNOWN = "unknown", _("Outcome unknown")
        FAILED = "failed", _("Failed")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default="started")
    code = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.reminder_id}: {self.outcome}"


class RenewalRequest(models.Model):
    """A reader's request to renew a loan: renewed at once where the system renews by
    itself, otherwise waiting for a librarian's one click; the reader is told the result."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a librarian")
        RENEWED = "renewed", _("Renewed")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("The library system did not answer")

    class Source(models.TextChoices):
        BUTTON = "button", _("Button in the dialog")
        INBOX = "inbox", _("Message in the inbox")
        API = "api", _("API")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="renewals")
    link = models.ForeignKey(
        ReaderLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    loan_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    due = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_due = models.DateField(null=True, blank=True)
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_text = models.CharField(max_length=500, blank=True)
    # The inbox message the request was recognised in, where it came as free text.
    inbox_message_id = models.BigIntegerField(null=True, blank=True)
    reader_told_at = models.DateTimeField(null=True, blank=True)
    # Taken by whoever is asking the library system now (a press, the retry job, a
    # librarian's confirmation): one at a time, so a loan is never renewed twice.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Tries that found the library system down; retried for a day, then a librarian's.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # One open request per loan and due day: pressing «Продлить» twice asks once.
            models.UniqueConstraint(
                fields=["reader", "loan_id", "due"],
                condition=models.Q(state="pending"),
                name="one_pending_renewal_per_loan",
            )
        ]
        indexes = [models.Index(fields=["organisation", "state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.state}"


class DialogEvent(models.Model):
    """A dialog event already acted on (networks deliver some twice): its key only."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="one_dialog_event")
        ]

    def __str__(self) -> str:
        return self.external_id
