from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import ChannelFactory, LibraryFactory, OrganisationFactory, SlotFactory
from tests.factories.content import MediaAssetFactory
from tests.images import image_bytes
from vitrina.content.models import MediaAsset, Post, Variant
from vitrina.content.services import approval as approval_services
from vitrina.content.services import media as media_services
from vitrina.content.services import posts as post_services
from vitrina.content.services import rubrics as rubric_services
from vitrina.content.services import scheduling as scheduling_services
from vitrina.content.services import variants as variant_services
from vitrina.content.states import VariantState
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import AuditEntry, Notification
from vitrina.core.roles import Role


def make_post(membership, channels, **fields):
    fields.setdefault("text", "Новые книги в библиотеке")
    fields.setdefault("scheduled_at", timezone.now() + timedelta(days=2))
    return post_services.post_create(
        organisation=membership.organisation, actor=membership.user, channels=channels, **fields
    )


def test_a_post_gets_one_variant_per_channel_as_a_copy(author, channel, telegram):
    post = make_post(author, [channel, telegram])
    variants = list(post.variants.order_by("channel__network"))
    assert [v.channel.network for v in variants] == ["telegram", "vk"]
    assert all(v.text == post.text and not v.customised for v in variants)
    assert all(v.state == VariantState.DRAFT for v in variants)
    assert AuditEntry.objects.filter(action="post.created", object_id=str(post.pk)).exists()


def test_variant_edited_separately_keeps_its_text(author, channel, telegram):
    post = make_post(author, [channel, telegram])
    variant = post.variants.get(channel=telegram)
    variant_services.variant_update(
        variant=variant, actor=author.user, text="Коротко для Телеграма"
    )
    post_services.post_update(post=post, actor=author.user, text="Новый общий текст")
    variant.refresh_from_db()
    assert variant.customised and variant.text == "Коротко для Телеграма"
    assert post.variants.get(channel=channel).text == "Новый общий текст"
    # Clearing the variant's text takes the post's text again.
    variant_services.variant_update(variant=variant, actor=author.user, text="")
    variant.refresh_from_db()
    assert not variant.customised and variant.text == "Новый общий текст"


def test_links_to_the_librarys_sites_get_utm_per_network(
    author, library, channel, telegram, rubric
):
    library.website_url = "https://medlib.ru"
    library.save()
    post = make_post(
        author,
        [channel, telegram],
        library=library,
        rubric=rubric,
        text="Подробнее: https://medlib.ru/news/1",
    )
    vk_text = post.variants.get(channel=channel).text
    assert "utm_source=vk&utm_medium=social&utm_campaign=new-arrivals" in vk_text
    assert "utm_source=telegram" in post.variants.get(channel=telegram).text


def test_author_submits_editor_approves(author, editor, channel):
    post = make_post(author, [channel])
    approval_services.post_submit(post=post, actor=author.user, membership=author)
    assert post.variants.get().state == VariantState.PENDING_APPROVAL
    note = Notification.objects.get(user=editor.user)
    assert str(post.pk) in note.url
    approval_services.post_approve(post=post, actor=editor.user, membership=editor)
    variant = post.variants.get()
    assert variant.state == VariantState.SCHEDULED
    assert variant.scheduled_at == Post.objects.get(pk=post.pk).scheduled_at
    assert Notification.objects.filter(user=author.user, text__contains=str(post)).exists()
    actions = list(
        AuditEntry.objects.filter(object_id=str(post.pk)).values_list("action", flat=True)
    )
    assert {"post.created", "post.submitted", "post.approved"} <= set(actions)


def test_author_may_not_approve(author, channel):
    post = make_post(author, [channel])
    approval_services.post_submit(post=post, actor=author.user, membership=author)
    with pytest.raises(ServiceError):
        approval_services.post_approve(post=post, actor=author.user, membership=author)


def test_editor_returns_with_a_comment(author, editor, channel):
    post = make_post(author, [channel])
    approval_services.post_submit(post=post, actor=author.user, membership=author)
    with pytest.raises(ServiceError):
        approval_services.post_return(post=post, actor=editor.user, membership=editor, comment=" ")
    approval_services.post_return(
        post=post, actor=editor.user, membership=editor, comment="Добавьте фото"
    )
    post.refresh_from_db()
    assert post.approval_comment == "Добавьте фото"
    assert post.variants.get().state == VariantState.DRAFT
    assert Notification.objects.filter(user=author.user, text__contains="Добавьте фото").exists()


def test_editor_schedules_without_approval(editor, channel):
    post = make_post(editor, [channel])
    approval_services.post_submit(post=post, actor=editor.user, membership=editor)
    assert post.variants.get().state == VariantState.SCHEDULED


def test_a_post_no_network_accepts_cannot_be_submitted(editor, max_channel):
    post = make_post(
        editor, [max_channel], poll_question="Что почитать?", poll_answers=["Роман", "Повесть"]
    )
    with pytest.raises(ServiceError, match="опрос"):
        approval_services.post_submit(post=post, actor=editor.user, membership=editor)


@pytest.mark.parametrize(
    ("question", "answers"),
    [("Вопрос", ["Один"]), ("Вопрос", [str(n) for n in range(11)]), ("", ["a", "b"])],
)
def test_poll_needs_question_and_two_to_ten_answers(editor, channel, question, answers):
    with pytest.raises(ServiceError):
        make_post(editor, [channel], poll_question=question, poll_answers=answers)


def claim(variant):
    """What the publishing engine does: a conditional UPDATE scheduled → publishing."""
    return Variant.objects.filter(pk=variant.pk, state=VariantState.SCHEDULED).update(
        state=VariantState.PUBLISHING
    )


def test_a_claimed_post_cannot_be_changed(editor, channel):
    post = make_post(editor, [channel])
    approval_services.post_submit(post=post, actor=editor.user, membership=editor)
    variant = post.variants.get()
    assert claim(variant) == 1
    message = "Пост уже публикуется — изменить его нельзя"
    with pytest.raises(Conflict, match=message):
        post_services.post_update(post=post, actor=editor.user, text="Поздно")
    with pytest.raises(Conflict, match=message):
        variant_services.variant_update(variant=variant, actor=editor.user, text="Поздно")
    with pytest.raises(Conflict, match=message):
        scheduling_services.post_reschedule(
            post=post, actor=editor.user, scheduled_at=timezone.now() + timedelta(days=5)
        )
    with pytest.raises(Conflict, match=message):
        scheduling_services.post_cancel(post=post, actor=editor.user)
    with pytest.raises(Conflict):
        post_services.post_delete(post=post, actor=editor.user)
    assert post.variants.get().state == VariantState.PUBLISHING


def test_reschedule_and_cancel_before_the_claim(editor, channel):
    post = make_post(editor, [channel])
    approval_services.post_submit(post=post, actor=editor.user, membership=editor)
    later = timezone.now() + timedelta(days=7)
    scheduling_services.post_reschedule(post=post, actor=editor.user, scheduled_at=later)
    variant = post.variants.get()
    assert variant.scheduled_at == later and variant.state == VariantState.SCHEDULED
    scheduling_services.post_cancel(post=post, actor=editor.user)
    assert post.variants.get().state == VariantState.CANCELLED
    # The engine's claim no longer matches a cancelled variant.
    assert claim(variant) == 0


def test_a_published_post_is_not_deleted_here(editor, channel):
    post = make_post(editor, [channel])
    post.variants.update(state=VariantState.PUBLISHED)
    with pytest.raises(Conflict):
        post_services.post_delete(post=post, actor=editor.user)


def test_channels_added_and_removed(editor, channel, telegram):
    post = make_post(editor, [channel])
    post_services.post_update(post=post, actor=editor.user, channels=[telegram])
    assert [v.channel for v in post.variants.all()] == [telegram]


def test_next_free_slot_skips_taken_ones(editor, channel):
    zone = ZoneInfo(channel.timezone)
    SlotFactory(channel=channel, weekday=1, time=time(10, 0))
    SlotFactory(channel=channel, weekday=3, time=time(10, 0))
    now = timezone.now()
    first = scheduling_services.next_free_slot(channels=[channel], after=now)
    local = first.astimezone(zone)
    assert local.weekday() in {1, 3} and local.hour == 10 and first > now
    post = make_post(editor, [channel], scheduled_at=first)
    assert post.variants.get().scheduled_at == first
    second = scheduling_services.next_free_slot(channels=[channel], after=now)
    assert second > first


def test_recurring_posts_until_the_end_date(editor, channel, organisation):
    today = timezone.localdate()
    recurrence = scheduling_services.recurrence_create(
        organisation=organisation,
        actor=editor.user,
        membership=editor,
        channels=[channel],
        library=None,
        title="Новинки недели",
        text="Новые поступления этой недели",
        rubric=None,
        weekday=4,
        at=time(12, 0),
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=29),
    )
    posts = list(recurrence.posts.all())
    assert 4 <= len(posts) <= 5
    zone = ZoneInfo(organisation.timezone)
    assert all(p.scheduled_at.astimezone(zone).weekday() == 4 for p in posts)
    assert all(p.variants.get().state == VariantState.SCHEDULED for p in posts)
    with pytest.raises(ServiceError):
        scheduling_services.recurrence_create(
            organisation=organisation,
            actor=editor.user,
            membership=editor,
            channels=[channel],
            library=None,
            title="x",
            text="x",
            rubric=None,
            weekday=4,
            at=time(12, 0),
            starts_on=date(2030, 1, 1),
            ends_on=date(2029, 1, 1),
        )


def test_rubric_names_are_unique_and_colours_checked(organisation, admin):
    rubric_services.rubric_save(organisation=organisation, actor=admin, name="Мероприятия")
    with pytest.raises(Conflict):
        rubric_services.rubric_save(organisation=organisation, actor=admin, name="мероприятия")
    with pytest.raises(ServiceError):
        rubric_services.rubric_save(
            organisation=organisation, actor=admin, name="Другое", colour="red"
        )


def test_an_author_changing_an_approved_post_sends_it_back(author, editor, channel):
    post = make_post(author, [channel])
    approval_services.post_submit(post=post, actor=author.user, membership=author)
    approval_services.post_approve(post=post, actor=editor.user, membership=editor)
    Notification.objects.all().delete()
    post_services.post_update(post=post, actor=author.user, membership=author, text="Другой текст")
    assert post.variants.get().state == VariantState.PENDING_APPROVAL
    assert Notification.objects.filter(user=editor.user).exists()
    approval_services.post_approve(post=post, actor=editor.user, membership=editor)
    variant = post.variants.get()
    variant_services.variant_update(
        variant=variant, actor=author.user, text="Ещё", membership=author
    )
    assert post.variants.get().state == VariantState.PENDING_APPROVAL
    # An editor's change keeps the schedule.
    approval_services.post_approve(post=post, actor=editor.user, membership=editor)
    post_services.post_update(post=post, actor=editor.user, membership=editor, text="Правка")
    assert post.variants.get().state == VariantState.SCHEDULED


def test_a_scheduled_post_stays_within_the_networks_limits(editor, channel, telegram):
    post = make_post(editor, [channel, telegram])
    approval_services.post_submit(post=post, actor=editor.user, membership=editor)
    with pytest.raises(ServiceError, match="4096"):
        post_services.post_update(post=post, actor=editor.user, text="а" * 5000)
    assert Post.objects.get(pk=post.pk).text == "Новые книги в библиотеке"
    with pytest.raises(ServiceError):
        variant_services.variant_update(
            variant=post.variants.get(channel=telegram), actor=editor.user, text="б" * 5000
        )
    # A draft may be anything while it is written.
    draft = make_post(editor, [telegram], text="в" * 5000)
    post_services.post_update(post=draft, actor=editor.user, text="г" * 6000)


# ---------------------------------------------------------------- the composer's one save


def _picture(membership, colour, alt_text=""):
    return media_services.media_upload(
        organisation=membership.organisation,
        actor=membership.user,
        data=image_bytes(colour=colour),
        name=f"{colour[0]}.png",
        alt_text=alt_text,
    )


def _what_is_stored(post):
    post.refresh_from_db()
    return {
        "post": (post.title, post.text, post.scheduled_at),
        "variants": sorted(post.variants.values_list("channel_id", "text", "state")),
        "media": list(post.media_items.order_by("position").values_list("asset_id", flat=True)),
        "tags": sorted(post.tags.values_list("name", flat=True)),
        "assets": sorted(MediaAsset.objects.values_list("pk", "alt_text")),
        "audit": AuditEntry.objects.count(),
    }


def test_compose_stores_the_post_its_pictures_and_channel_texts_at_once(author, channel, telegram):
    first, second = _picture(author, (10, 0, 0)), _picture(author, (20, 0, 0))
    post = post_services.post_compose(
        membership=author,
        actor=author.user,
        channels=[channel, telegram],
        media=[second, first],
        uploads=[("new.png", image_bytes(colour=(30, 0, 0)))],
        alt_texts={first.pk: "Обложка", second.pk: second.alt_text},
        texts={telegram.pk: "Коротко для Телеграма"},
        tags=["выставка"],
        title="Парад книг",
        text="Выставка «Парад военных книг»",
    )
    [uploaded] = MediaAsset.objects.exclude(pk__in=[first.pk, second.pk])
    assert [item.asset_id for item in post.media_items.order_by("position")] == [
        second.pk,
        first.pk,
        uploaded.pk,
    ]
    first.refresh_from_db()
    assert first.alt_text == "Обложка"
    assert post.source == Post.Source.EDITOR and post.author == author.user
    assert [tag.name for tag in post.tags.all()] == ["выставка"]
    own = post.variants.get(channel=telegram)
    assert own.customised and own.text == "Коротко для Телеграма"
    assert post.variants.get(channel=channel).text == "Выставка «Парад военных книг»"


def test_compose_changes_an_existing_post_and_keeps_what_it_is_not_given(author, channel):
    picture = _picture(author, (10, 0, 0))
    post = make_post(author, [channel], media=[picture], tags=["книги"])
    post_services.post_compose(membership=author, actor=author.user, post=post, title="Другое")
    post.refresh_from_db()
    assert post.title == "Другое"
    assert [item.asset_id for item in post.media_items.all()] == [picture.pk]
    assert [tag.name for tag in post.tags.all()] == ["книги"]
    assert post.variants.get().channel == channel


@pytest.mark.parametrize("wrong", ["foreign_picture", "foreign_channel", "text_of_no_channel"])
def test_a_refused_compose_leaves_nothing_half_saved(author, channel, telegram, wrong):
    """Valid fields, pictures to upload and describe, then one wrong thing: nothing changes."""
    picture = _picture(author, (10, 0, 0), alt_text="Было")
    post = make_post(author, [channel], media=[picture], tags=["книги"])
    other = OrganisationFactory(slug="other")
    media, channels, texts = [picture], [channel, telegram], {}
    if wrong == "foreign_picture":
        foreign = MediaAssetFactory(organisation=other, original_name="x.png")
        media = [picture, foreign]
    elif wrong == "foreign_channel":
        channels = [channel, ChannelFactory(library=LibraryFactory(organisation=other))]
    else:
        # Refused only after the post itself is saved: the transaction undoes that too.
        texts = {ChannelFactory(library=channel.library).pk: "Текст канала, которого нет"}
    before = _what_is_stored(post)
    with pytest.raises(ServiceError):
        post_services.post_compose(
            membership=author,
            actor=author.user,
            post=post,
            channels=channels,
            media=media,
            uploads=[("new.png", image_bytes(colour=(40, 0, 0)))],
            alt_texts={picture.pk: "Стало"},
            texts=texts,
            tags=["новое"],
            title="Новый заголовок",
            text="Новый текст",
        )
    assert _what_is_stored(post) == before


def test_a_refused_new_post_stores_no_post_and_no_picture(author, channel):
    foreign = ChannelFactory(library=LibraryFactory(organisation=OrganisationFactory(slug="x")))
    with pytest.raises(ServiceError):
        post_services.post_compose(
            membership=author,
            actor=author.user,
            channels=[channel, foreign],
            uploads=[("new.png", image_bytes())],
            text="Текст",
        )
    assert not Post.objects.exists() and not MediaAsset.objects.exists()


def test_compose_refuses_a_post_being_published_with_409(author, channel):
    picture = _picture(author, (10, 0, 0), alt_text="Было")
    post = make_post(author, [channel], media=[picture])
    post.variants.update(state=VariantState.PUBLISHING)
    with pytest.raises(Conflict) as refused:
        post_services.post_compose(
            membership=author,
            actor=author.user,
            post=post,
            media=[picture],
            uploads=[("new.png", image_bytes(colour=(50, 0, 0)))],
            alt_texts={picture.pk: "Стало"},
            text="Новый текст",
        )
    assert refused.value.status == 409
    assert list(MediaAsset.objects.values_list("alt_text", flat=True)) == ["Было"]


def test_compose_needs_a_role_that_writes(member_factory, channel):
    analyst = member_factory(role=Role.ANALYST)
    with pytest.raises(ServiceError) as refused:
        post_services.post_compose(
            membership=analyst, actor=analyst.user, channels=[channel], text="Текст"
        )
    assert refused.value.code == "forbidden"
    assert not Post.objects.exists()
