from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.channels.forms import LibrarySelect
from vitrina.channels.models import Channel
from vitrina.channels.networks import Network
from vitrina.core.models import Library, Membership
from vitrina.inbox.models import CannedAnswer, InquiryKind, ReceiveMode, Tag, ThreadStatus


class ChannelSelect(forms.ModelChoiceField):
    def label_from_instance(self, obj: Channel) -> str:
        return f"{obj.get_network_display()}: {obj.name}"


class MemberSelect(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.get_full_name() or obj.user.username


class ThreadFilterForm(forms.Form):
    network = forms.ChoiceField(
        label=_("Network"), required=False, choices=[("", _("All networks")), *Network.choices]
    )
    library = LibrarySelect(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("All libraries"),
    )
    channel = ChannelSelect(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("All channels"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ThreadStatus.choices],
    )
    assignee = MemberSelect(
        label=_("Assignee"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    tag = forms.ChoiceField(
        label=_("Tag"), required=False, choices=[("", _("Any tag")), *Tag.choices]
    )
    unread = forms.BooleanField(label=_("Unread only"), required=False)
    flagged = forms.BooleanField(label=_("Complaints"), required=False)
    overdue = forms.BooleanField(label=_("Waiting too long"), required=False)

    def __init__(self, *args, libraries, channels, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["channel"].queryset = channels
        self.fields["assignee"].queryset = members


class ReplyForm(forms.Form):
    canned = forms.ModelChoiceField(
        label=_("Canned answer"),
        queryset=CannedAnswer.objects.none(),
        required=False,
        empty_label=_("Write my own"),
        help_text=_("Chosen with an empty text, the canned answer is sent as it is."),
    )
    reply_to = forms.TypedChoiceField(
        label=_("In reply to"),
        coerce=int,
        required=False,
        help_text=_("Whose comment the answer goes under."),
    )
    text = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, canned=None, comments=None, **kwargs):
        """``comments``: the readers' comments of a comment thread, oldest first; the
        latest is answered unless another is chosen."""
        super().__init__(*args, **kwargs)
        if canned is None:
            del self.fields["canned"]
        else:
            self.fields["canned"].queryset = canned
        if not comments:
            del self.fields["reply_to"]
        else:
            self.comments = {message.pk: message for message in comments}
            self.fields["reply_to"].choices = [
                (message.pk, f"{message.author_label}: {message.text[:60]}")
                for message in reversed(comments)
            ]
            self.fields["reply_to"].initial = comments[-1].pk

    def clean_reply_to(self):
        value = self.cleaned_data.get("reply_to")
        return self.comments.get(value) if value else None

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("canned"):
            self.add_error("text", _("Write the answer first."))
        return data


class ThreadForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ThreadStatus.choices)
    assignee = MemberSelect(
        label=_("Assignee"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    flagged = forms.BooleanField(
        label=_("Complaint or hostile: for a senior librarian"),
        required=False,
        help_text=_("Only administrators and editors clear this mark."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for colleagues"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the note first.")},
        help_text=_("The reader does not see it."),
    )


class CannedForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give the answer a title.")},
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the answer's text.")},
        help_text=_(
            "{reader} is replaced with the reader's name, {library} with the library, "
            "{channel} with the channel, {librarian} with your name."
        ),
    )


class InquiryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=InquiryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of the inquiry.")},
    )
    topic = forms.CharField(
        label=_("Topic"),
        max_length=300,
        error_messages={"required": _("Write the topic of the inquiry.")},
    )

    def clean_topic(self):
        topic = self.cleaned_data["topic"]
        if not any(character.isalnum() for character in topic):
            raise forms.ValidationError(self.fields["topic"].error_messages["required"])
        return topic


class InquiryAnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=InquiryKind.choices, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the answer first.")},
    )
    sources = forms.CharField(
        label=_("Sources"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line; they are sent to the reader after the answer."),
    )


class ReceivingForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How messages arrive"),
        choices=[
            (ReceiveMode.POLL, _("Polling: Vitrina asks the network for new messages")),
            (ReceiveMode.WEBHOOK, _("Webhook: the network sends each message at once")),
        ],
        widget=forms.RadioSelect,
    )
    confirmation_code = forms.CharField(
        label=_("VK confirmation code"),
        required=False,
        max_length=64,
        help_text=_(
            "Only if you add the server in the community's settings yourself: the code VK "
            "shows under Work with API → Callback API. Leave empty and Vitrina sets up "
            "VK itself with the community token."
        ),
    )


class PeriodForm(forms.Form):
    """The days whose conversations the response-time figures cover (both ends included)."""

    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    error_messages = {
        "invalid": _("Enter a date as DD.MM.YYYY."),
        "required": _("Enter a date."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
            field.error_messages.update(self.error_messages)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        if start and end and (end - start).days > 366 * 5:
            self.add_error("date_from", _("Choose a period of at most five years."))
        return data
