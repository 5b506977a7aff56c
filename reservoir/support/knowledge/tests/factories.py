"""Factories for knowledge-base rows; articles go through the service so they are indexed."""

from __future__ import annotations

import factory

from reservoir.support.knowledge import services
from reservoir.support.knowledge.models import Article, Category, Language, Visibility


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


def make_article(
    title: str = "An article",
    body: str = "<p>Some text.</p>",
    *,
    language: str = Language.EN,
    visibility: str = Visibility.PUBLIC,
    publish: bool = True,
    by=None,
    **kwargs,
) -> Article:
    """A (by default published, public, English) article created by the system actor."""
    return services.create_article(
        by=by,
        title=title,
        body_html=body,
        language=language,
        visibility=visibility,
        publish=publish,
        **kwargs,
    )
