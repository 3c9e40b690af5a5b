"""The applicant's rating of a delivered dossier (DOMAIN.md "Satisfaction"): one per dossier, never edited."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Rating(models.Model):
    dossier = models.OneToOneField(
        "procedures.Dossier", on_delete=models.CASCADE, related_name="rating", verbose_name=_("hồ sơ")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đánh giá")
    )
    overall = models.PositiveSmallIntegerField(_("đánh giá chung"), validators=SCORE_VALIDATORS)
    timeliness = models.PositiveSmallIntegerField(_("thời gian giải quyết"), validators=SCORE_VALIDATORS)
    attitude = models.PositiveSmallIntegerField(_("thái độ cán bộ"), validators=SCORE_VALIDATORS)
    convenience = models.PositiveSmallIntegerField(_("sự thuận tiện"), validators=SCORE_VALIDATORS)
    satisfied = models.BooleanField(_("hài lòng"))
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"rating_{name}_1_5"
                )
                for name in ("overall", "timeliness", "attitude", "convenience")
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.overall}/5"
