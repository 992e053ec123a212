"""Recording notifiers and a queue that runs tasks at once, for tests of the background jobs."""

from __future__ import annotations

from collections.abc import Callable

from leadsmanager.application.job_types import QueueUnavailable
from leadsmanager.application.notification_types import EmailMessage, PermanentDeliveryError, RetryableDeliveryError
from leadsmanager.application.ports import ChatNotifier, EmailSender, TaskQueue


class RecordingEmail(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.failures: list[Exception] = []  # raised, in order, before anything is sent

    def send(self, message: EmailMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)

    def retryable(self) -> None:
        self.failures.append(RetryableDeliveryError("the mail server is busy", service="test"))

    def permanent(self) -> None:
        self.failures.append(PermanentDeliveryError("recipient refused", service="test"))


class RecordingChat(ChatNotifier):
    def __init__(self) -> None:
        self.posts: list[str] = []
        self.keys: list[str | None] = []

    def post(self, text: str, *, key: str | None = None) -> None:
        self.posts.append(text)
        self.keys.append(key)


class ListQueue(TaskQueue):
    """Keeps tasks in order; `run_all` hands them to handlers. `down` makes it refuse like a dead broker."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, dict[str, int | str]]] = []
        self.down = False

    def enqueue(self, task: str, **args: int | str) -> None:
        if self.down:
            raise QueueUnavailable("the broker is down")
        self.tasks.append((task, args))

    def run_all(self, handlers: dict[str, Callable[..., object]]) -> list[BaseException]:
        errors: list[BaseException] = []
        while self.tasks:
            task, args = self.tasks.pop(0)
            try:
                handlers[task](**args)
            except Exception as e:
                errors.append(e)
        return errors
