"""The notification app's Celery tasks: delivery (the outbox), reminders and digests (beat).

Deliberately empty: notifications.services imports notifications.tasks.delivery to publish after commit, and the
reminder modules import the services, so importing them all here would close a circle. The worker loads each module
through CELERY_IMPORTS (portal/settings.py).
"""
