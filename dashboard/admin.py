from django import forms
from django.contrib import admin

from dashboard.indicators import RULES
from dashboard.models import IndicatorOverride


class IndicatorOverrideForm(forms.ModelForm):
    code = forms.ChoiceField(choices=[(rule.code, f"{rule.code} · {rule.name}") for rule in RULES])

    class Meta:
        model = IndicatorOverride
        fields = ("code", "points", "threshold_percent", "note")


@admin.register(IndicatorOverride)
class IndicatorOverrideAdmin(admin.ModelAdmin):
    """A province corrects a Decision 766 rule here; the score page and the API read it on the next request."""

    form = IndicatorOverrideForm
    list_display = ("code", "points", "threshold_percent", "updated_at")
