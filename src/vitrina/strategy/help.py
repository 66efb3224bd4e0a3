"""What each step of the wizard asks and why, in plain words: a library writing its first
strategy should not need a course in marketing."""

from django.utils.translation import gettext_lazy as _

from vitrina.strategy.models import Step

QUESTIONS = {
    Step.GOALS: _("Why are we doing this?"),
    Step.AUDIENCE: _("For whom?"),
    Step.NETWORKS: _("Where?"),
    Step.CONTENT: _("What do we post?"),
    Step.COMMUNICATION: _("How do we talk with readers?"),
    Step.RESOURCES: _("Who does the work?"),
    Step.PAGES: _("Which kind of page?"),
}

HELP = {
    Step.GOALS: [
        _(
            "Start with why the library is in social networks at all. Usually it is one or "
            "more of four things: to be known and keep in touch with readers; to be a help "
            "desk that answers questions and deals with reviews and complaints; to send people "
            "to the site, the e-catalogue and the e-library; to bring them into the library "
            "for books, events and clubs."
        ),
        _(
            "Then write goals that can be checked: a figure Vitrina counts, where you are now, "
            "where you want to be and by when. «200 new subscribers in VK by December» is a "
            "goal; «be more popular» is not. A goal without a figure or a date is not saved."
        ),
    ],
    Step.AUDIENCE: [
        _(
            "Describe the people you write for: where they live (the town, the district, "
            "the whole region or the whole country for a specialised library), their ages "
            "and occupations, what they like and worry about."
        ),
        _(
            "The answer decides the rest: pensioners read Odnoklassniki more, students read "
            "VK and messengers; doctors want new guidelines, parents want what to read to "
            "children."
        ),
    ],
    Step.NETWORKS: [
        _(
            "Choose where your readers already are, not where it is fashionable. Write down "
            "why for each network: it keeps the choice honest when someone asks a year later."
        ),
        _(
            "State and municipal libraries must keep official pages in VK and Odnoklassniki "
            "(since 1 December 2022). Foreign messengers must not be used to talk with "
            "citizens: keep a Telegram channel for public news only."
        ),
    ],
    Step.CONTENT: [
        _(
            "Decide the topics (rubrics), how often each appears, when you post, in what "
            "voice and with what pictures. Rubrics you name here become the rubrics of the "
            "calendar, with their weekly targets."
        ),
        _(
            "Regularity matters more than volume: three posts every week beat ten in one week "
            "and silence for a month. Libraries that do well write in the first person, "
            "plainly, with a photo for every post, and show their events in photo reports."
        ),
    ],
    Step.COMMUNICATION: [
        _(
            "Readers write to the page as to the library itself. Set how soon every question "
            "is answered, who deals with complaints and how, and prepare answers to the "
            "questions that come again and again."
        ),
        _(
            "The answer target is the inbox's own: conversations waiting longer are "
            "highlighted there. Never delete criticism; answer it calmly and publicly, then "
            "continue in private messages."
        ),
    ],
    Step.RESOURCES: [
        _(
            "Name who writes, who photographs, who answers readers and who approves, and how "
            "many hours a week each can really give. A plan that needs more hours than people "
            "have will not be kept."
        ),
    ],
    Step.PAGES: [
        _(
            "A profile is a person's account: friends, not subscribers, and networks do not "
            "allow institutions to live in one. A group gathers people with shared interests "
            "and may be closed. A public page informs about the library; anyone may subscribe."
        ),
        _(
            "Each network names these differently; below is what each choice means on each "
            "of your networks. A library kept as a personal profile is flagged: move it to a "
            "community, so the page does not depend on one person's account."
        ),
    ],
}
