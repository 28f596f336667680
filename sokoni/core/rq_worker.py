"""The RQ worker `manage.py run_worker` starts: each job runs in the worker's own process.

RQ's default worker forks a "work horse" for every job. Under the load test (bench/load.py)
that fork, and the new PostgreSQL connection every horse must open, cost about 27 ms of CPU
a job, more than most of our tasks take: sending a text, delivering a sandbox callback,
expiring a checkout. Our tasks are short, idempotent and bounded by their timeout (RQ's
SIGALRM death penalty works in the worker's main thread), so they run in the worker itself,
keeping its database connection between jobs as a gunicorn worker keeps it between requests.

Like a web request, a job starts and ends with ``close_old_connections()``: a connection that
broke (PostgreSQL restarted, tests/faults/test_database_cut.py) or outlived CONN_MAX_AGE is
dropped, and the job opens a fresh one. A worker killed mid-job leaves the job "started", as a
killed work horse did; RQ files it as abandoned and the sweeps finish what it was doing
(tests/faults/test_worker_killed.py).
"""

from __future__ import annotations

from django.db import close_old_connections
from rq.job import Job
from rq.queue import Queue
from rq.worker import SimpleWorker

# What `run_worker` hands rqworker, and the fault tests that start rqworker themselves.
WORKER_CLASS = "sokoni.core.rq_worker.Worker"
# django-tasks-rq's Job runs a django-tasks Task (RQ's own calls a plain function).
JOB_CLASS = "django_tasks_rq.backend.Job"


class Worker(SimpleWorker):
    """RQ's non-forking worker, with Django's connection care around every job."""

    def execute_job(self, job: Job, queue: Queue) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()
