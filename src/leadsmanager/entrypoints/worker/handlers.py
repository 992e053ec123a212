"""The task handlers: what a worker runs for each task name, the same in a Redis worker and in `serve`."""

from __future__ import annotations

import logging
from collections.abc import Callable

from leadsmanager.adapters.dramatiq_tasks import Handler
from leadsmanager.application.consistency import CheckConsistency
from leadsmanager.application.job_types import Notice, TaskName
from leadsmanager.application.jobs import QueueFollowUps
from leadsmanager.application.notices import SendNotice

log = logging.getLogger("leadsmanager.jobs")


def task_handlers(
    send_notice: Callable[[], SendNotice],
    sync_forms: Callable[[], object],
    queue_follow_ups: Callable[[], QueueFollowUps],
    check_consistency: Callable[[], CheckConsistency],
) -> dict[str, Handler]:
    """Each use case is looked up when its task runs: a notifier set up wrongly fails its task, no other."""

    def send(lead_id: int, notice: str) -> None:
        send_notice()(int(lead_id), Notice(notice))

    def sync() -> None:
        sync_forms()

    def follow_ups() -> None:
        queue_follow_ups()()

    def consistency() -> None:
        report = check_consistency()(fix=False)
        for finding in report.findings:
            log.warning("consistency: lead %s: %s: %s", finding.lead_id, finding.kind, finding.detail)

    return {
        TaskName.SEND_NOTICE: send,
        TaskName.SYNC_FORMS: sync,
        TaskName.QUEUE_FOLLOW_UPS: follow_ups,
        TaskName.CHECK_CONSISTENCY: consistency,
    }
