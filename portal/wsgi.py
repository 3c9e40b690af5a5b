import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from portal.bodylimit import BodySizeLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = BodySizeLimit(get_wsgi_application(), limit=settings.MAX_REQUEST_BYTES)
