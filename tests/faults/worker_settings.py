"""Settings of the RQ worker the fault tests start: production settings with the task queue
on a queue of the test's own (FAULTS_RQ_QUEUE), so that it never takes another run's jobs
from the shared Redis. Tasks declared on "default" must find it configured; it points at a
closed port, so nothing this worker enqueues there lands in a queue shared with others."""

import os

from sokoni.settings import *  # noqa: F403

_QUEUE = os.environ["FAULTS_RQ_QUEUE"]
RQ_QUEUES = {
    _QUEUE: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300},  # noqa: F405
    "default": {"URL": "redis://127.0.0.1:1/0"},
}
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [_QUEUE, "default"]}}
