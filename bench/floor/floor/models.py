from django.db import models


class Item(models.Model):
    """One JSON document per row."""

    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"item {self.pk}"
