"""A post Vitrina publishes enters the figures at once: its latest figures are a row with
nothing read yet ("ещё нет данных") until the first reading, which the next collection (or
"Собрать сейчас") makes, since a post never read is due at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from vitrina.analytics.models import PostLatest
from vitrina.analytics.rollup import post_days_refresh_published
from vitrina.analytics.schedule import hour_of
from vitrina.channels.providers.registry import networks_where
from vitrina.content.models import Variant
from vitrina.content.states import VariantState


def _with_post_figures() -> list[str]:
    return networks_where(lambda provider: provider.limits.post_stats)


@receiver(post_save, sender=Variant)
def _variant_saved(sender, instance: Variant, **kwargs) -> None:
    if (
        instance.state != VariantState.PUBLISHED
        or not instance.external_id
        or instance.published_at is None
    ):
        return
    if instance.channel.network not in _with_post_figures():
        return  # the network gives no post figures: nothing would ever be read
    if PostLatest.objects.filter(
        channel_id=instance.channel_id, external_id=instance.external_id
    ).exists():
        return
    PostLatest.objects.bulk_create(
        [
            PostLatest(
                channel_id=instance.channel_id,
                external_id=instance.external_id,
                variant=instance,
                published_at=instance.published_at,
                # Readings are taken at whole hours: the first one replaces this row.
                taken_at=hour_of(instance.published_at),
            )
        ],
        ignore_conflicts=True,  # a reading stored meanwhile wins
    )
    post_days_refresh_published([(instance.channel_id, instance.published_at)])
