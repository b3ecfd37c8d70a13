"""The knowledge base: troubleshooting articles and guides per product category and model,
their published versions, which requests they solved, and the customers they deflected."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import AppendOnlyModel


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class Kind(models.TextChoices):
    TROUBLESHOOTING = "troubleshooting", _("Troubleshooting")
    GUIDE = "guide", _("What to do when a problem arises")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="articles",
    )  # fmt: skip
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="articles",
    )  # fmt: skip
    fault_codes = models.ManyToManyField(
        "catalog.FaultCode", verbose_name=_("fault codes"), blank=True, related_name="articles"
    )
    symptom = models.TextField(_("symptom"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    steps = models.TextField(_("steps"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.TROUBLESHOOTING
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    # Words of title, symptom, cause, steps and fault codes, segmented by jieba, lower-cased.
    search_title = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    # Bumped on every save: an edit based on an older revision is refused (no lost update).
    revision = models.PositiveIntegerField(default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title


class ArticleVersion(AppendOnlyModel):
    """A snapshot of an article as it was published."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    symptom = models.TextField(_("symptom"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    steps = models.TextField(_("steps"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]


class ArticleUse(AppendOnlyModel):
    """An article solved a service request."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    request = models.ForeignKey(
        "service.ServiceRequest", on_delete=models.CASCADE, related_name="kb_uses"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "request"], name="kb_use_unique")]


class DeflectionSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    PORTAL = "portal", _("Customer portal")


class Deflection(AppendOnlyModel):
    """A customer read an article instead of sending the form: "this solved my problem"."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    source = models.CharField(max_length=10, choices=DeflectionSource.choices)
    session_key = models.CharField(max_length=64, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_key"], condition=~models.Q(session_key=""),
                name="kb_deflection_once_per_session",
            )
        ]  # fmt: skip
