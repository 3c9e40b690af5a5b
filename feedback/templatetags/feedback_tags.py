"""`{% dossier_messages dossier %}`: the message thread of a dossier with a form to write, for the applicant's and the
officer's dossier pages (one query, whatever the number of messages)."""

from django import template

from feedback.models import DossierMessage

register = template.Library()


@register.inclusion_tag("feedback/_messages.html", takes_context=True)
def dossier_messages(context, dossier):
    request = context["request"]
    thread = list(DossierMessage.objects.filter(dossier=dossier).select_related("author"))
    viewer_is_applicant = request.user.pk == dossier.applicant_id
    for message in thread:
        # The applicant sees the agency, never an officer's name; officers see who wrote.
        if message.from_applicant:
            message.sender = message.author.get_full_name() or message.author.email
        else:
            message.sender = dossier.agency.name if viewer_is_applicant else message.author.get_full_name()
    return {"dossier": dossier, "thread": thread, "csrf_token": context.get("csrf_token"), "request": request}
