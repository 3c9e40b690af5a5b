"""`{% sector_panels %}` on the IOC: the viewer's pinned dataset indicators (two queries, whatever their number)."""

from django import template

from datasets.selectors import panel_figures

register = template.Library()


@register.inclusion_tag("datasets/_panels.html", takes_context=True)
def sector_panels(context):
    user = context["request"].user
    return {"figures": panel_figures(user=user) if user.is_authenticated else []}
