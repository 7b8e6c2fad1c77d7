"""E-mail is queued as a task once the write commits, never for a write that rolls back."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_muted: ContextVar[bool] = ContextVar("groundswell_mail_muted", default=False)


@contextmanager
def mail_muted() -> Iterator[None]:
    """Queue no e-mail within: for the demo, whose members' addresses belong to nobody.

    Overriding EMAIL_BACKEND is not enough: the task worker sends the mail later, in another
    process, with the site's real backend.
    """
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def mail_after_commit(task, **kwargs) -> None:
    """Queue the e-mail `task` with `kwargs` once the current transaction commits."""
    if _muted.get():
        return
    transaction.on_commit(lambda: task.enqueue(**kwargs))
