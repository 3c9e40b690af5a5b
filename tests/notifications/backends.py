"""E-mail backends that misbehave on cue, for the delivery tests (set with settings.EMAIL_BACKEND)."""

from __future__ import annotations

import threading
import time

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class ScriptedBackend(BaseEmailBackend):
    """Raises the scripted errors one per send, in order, then behaves like the locmem backend.

    `script` entries are exceptions to raise (None: succeed); `forever` raises on every send once the script ends.
    `delay` slows every send, so concurrent claims really overlap; `sent` counts what reached the "server", `opened`
    the connections opened."""

    script: list[BaseException | None] = []
    forever: BaseException | None = None
    delay: float = 0.0
    sent = 0
    opened = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls, script=(), *, forever=None, delay=0.0) -> None:
        cls.script = list(script)
        cls.forever = forever
        cls.delay = delay
        cls.sent = 0
        cls.opened = 0

    def open(self):
        with ScriptedBackend._lock:
            ScriptedBackend.opened += 1
        return True

    def send_messages(self, messages):
        with ScriptedBackend._lock:
            error = ScriptedBackend.script.pop(0) if ScriptedBackend.script else ScriptedBackend.forever
        if error is not None:
            raise error
        if ScriptedBackend.delay:
            time.sleep(ScriptedBackend.delay)
        with ScriptedBackend._lock:
            ScriptedBackend.sent += len(messages)
            mail.outbox.extend(messages)
        return len(messages)
