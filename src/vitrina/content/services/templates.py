"""Writes of templates and text blocks, and the placeholders a template may hold."""

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vitrina.content.models import Post, Rubric, Template, TextBlock
from vitrina.core import timeplace
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Organisation, User


def _post_date(post: Post) -> str:
    if not post.scheduled_at:
        return ""
    zone = timeplace.zone_of(post.library or post.organisation)
    return timeplace.local(post.scheduled_at, zone).date().strftime("%d.%m.%Y")


# Each placeholder is written in Russian or in English; both are filled, and the interface
# names them in its own language.
PLACEHOLDERS = {
    ("{библиотека}", "{library}"): lambda post: (
        post.library.name if post.library else post.organisation.name
    ),
    ("{сайт}", "{website}"): lambda post: post.library.website_url if post.library else "",
    ("{каталог}", "{catalogue}"): lambda post: post.library.catalogue_url if post.library else "",
    ("{электронная библиотека}", "{digital library}"): lambda post: (
        post.library.elibrary_url if post.library else ""
    ),
    ("{рубрика}", "{rubric}"): lambda post: post.rubric.name if post.rubric else "",
    ("{проект}", "{project}"): lambda post: post.series.name if post.series else "",
    ("{дата}", "{date}"): _post_date,
}


def placeholder_names() -> list[str]:
    """The placeholders as the interface's language writes them."""
    english = (get_language() or "ru").startswith("en")
    return [names[1] if english else names[0] for names in PLACEHOLDERS]


def fill_placeholders(text: str, post: Post) -> str:
    """Replaces the template placeholders ({библиотека} or {library}, {дата}…) for this post."""
    for names, value in PLACEHOLDERS.items():
        for placeholder in names:
            if placeholder in text:
                text = text.replace(placeholder, value(post) or "")
    return text


@transaction.atomic
def template_save(
    *,
    organisation: Organisation,
    actor: User | None,
    template: Template | None = None,
    name: str,
    text: str,
    rubric: Rubric | None = None,
) -> Template:
    if not (name or "").strip():
        raise ServiceError(_("Enter the name."), field="name")
    if not (text or "").strip():
        raise ServiceError(_("Write the text."), field="text")
    if rubric is not None and rubric.organisation_id != organisation.pk:
        raise ServiceError(_("Choose a rubric of this organisation."), field="rubric")
    creating = template is None
    template = template or Template(organisation=organisation)
    template.name, template.text, template.rubric = name.strip(), text, rubric
    template.save()
    audit_record(
        action="template.created" if creating else "template.changed",
        organisation=organisation,
        actor=actor,
        obj=template,
    )
    return template


@transaction.atomic
def text_block_save(
    *,
    organisation: Organisation,
    actor: User | None,
    block: TextBlock | None = None,
    name: str,
    text: str,
) -> TextBlock:
    if not (name or "").strip():
        raise ServiceError(_("Enter the name."), field="name")
    if not (text or "").strip():
        raise ServiceError(_("Write the text."), field="text")
    creating = block is None
    block = block or TextBlock(organisation=organisation)
    block.name, block.text = name.strip(), text
    block.save()
    audit_record(
        action="text_block.created" if creating else "text_block.changed",
        organisation=organisation,
        actor=actor,
        obj=block,
    )
    return block


@transaction.atomic
def template_delete(*, obj: Template | TextBlock, actor: User | None) -> None:
    audit_record(
        action=f"{obj._meta.model_name}.deleted",
        organisation=obj.organisation,
        actor=actor,
        obj=obj,
    )
    obj.delete()
