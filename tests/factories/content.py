from datetime import time

import factory

from tests.factories.channels import ChannelFactory
from tests.factories.core import OrganisationFactory
from vitrina.content.models import MediaAsset, Post, PostingSlot, PostMedia, Rubric, Series, Variant


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Рубрика {n}")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Проект {n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organisation = factory.SubFactory(OrganisationFactory)
    text = factory.Sequence(lambda n: f"Текст публикации {n}")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    post = factory.SubFactory(PostFactory)
    channel = factory.SubFactory(
        ChannelFactory, library__organisation=factory.SelfAttribute("...post.organisation")
    )
    text = factory.SelfAttribute("post.text")
    scheduled_at = factory.SelfAttribute("post.scheduled_at")


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostingSlot

    channel = factory.SubFactory(ChannelFactory)
    weekday = 1
    time = time(10, 0)


class MediaAssetFactory(factory.django.DjangoModelFactory):
    """A one-pixel picture as it is stored (``media_upload`` converts real ones)."""

    class Meta:
        model = MediaAsset

    organisation = factory.SubFactory(OrganisationFactory)
    file = factory.django.ImageField(width=1, height=1, format="PNG", color="#1f5f8b")
    original_name = factory.Sequence(lambda n: f"picture{n}.png")
    content_type = "image/png"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    width = 1
    height = 1


class PostMediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostMedia

    post = factory.SubFactory(PostFactory)
    asset = factory.SubFactory(
        MediaAssetFactory, organisation=factory.SelfAttribute("..post.organisation")
    )
