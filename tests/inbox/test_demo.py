import pytest

from vitrina.demo.build import build_demo
from vitrina.inbox.models import Message, ReferenceInquiry, Thread, ThreadStatus

pytestmark = pytest.mark.django_db


def test_demo_fills_both_inboxes(settings):
    settings.DEMO_MODE = True
    build_demo()
    knmb = Thread.objects.filter(organisation__slug="knmb")
    mednogorsk = Thread.objects.filter(organisation__slug="mednogorsk")
    assert knmb.count() == 3 and mednogorsk.count() == 3
    assert knmb.filter(status=ThreadStatus.IN_PROGRESS, assignee__isnull=False).exists()
    comments = Message.objects.filter(thread__organisation__slug="knmb", kind="comment")
    assert comments.count() == 2
    assert ReferenceInquiry.objects.filter(organisation__slug="knmb", kind="thematic").exists()
    # The complaints of the demo are flagged for a senior librarian.
    assert knmb.filter(flagged=True).count() == 1
    assert mednogorsk.filter(flagged=True).count() == 1
    assert build_demo(reset=True) is not None
    assert Thread.objects.count() == 6
