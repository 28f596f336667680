"""A task worker killed in the middle of a task (the machine lost power, the OOM killer, a
deploy that did not wait): the task's transaction never commits, and the sweep of the clock
(`run_sweeps`, the `orders_due` behind it) does the work exactly once afterwards.

Real processes on the test database: `manage.py db_worker` (the database queue of
django-tasks-db) and `manage.py rqworker` (RQ on Redis), each SIGKILLed while its task waits
on a row lock the test holds, then `manage.py run_sweeps --once`.
"""

from __future__ import annotations

import signal
import subprocess
from io import StringIO

import psycopg
import pytest
import redis
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from sokoni.core import rq_worker
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import order_ship
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import balance, paid_order
from sokoni.payments.codes import wallet_of
from sokoni.payments.models import JournalTransaction
from sokoni.payments.selectors import ledger_problems
from tests.faults.conftest import (
    ROOT,
    admin_connection,
    database_url,
    manage,
    own_redis_name,
    process_env,
    wait_until,
    waiting_on_a_lock,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RELEASED_TO_SELLER = 237_500  # 2 x 1,250.00 less 5 % commission (the factories' product)


@pytest.fixture(autouse=True)
def _postgresql(postgresql_only):
    pass


def _shipped_with_release_due(tasks, use_settings, queue_settings, then=None) -> Order:
    """A paid order shipped with its release date already come; the release task sits in
    the real queue (``queue_settings`` is put in place before shipping, so ``order_ship``
    enqueues there; ``then`` runs after them)."""
    order = paid_order(tasks)
    use_settings(ESCROW_UNDELIVERED_RELEASE_DAYS=0, **queue_settings)
    if then is not None:
        then()
    return order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-KILL-1")


def _lock_order(order: Order) -> psycopg.Connection:
    """Hold the order's row lock from a connection of our own, as a long transaction would."""
    holder = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    holder.execute(
        f"SELECT id FROM {Order._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
        [order.pk],
    )
    return holder


def _gone(admin: psycopg.Connection, pid: int) -> bool:
    return admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None


def _releases(order: Order) -> int:
    return JournalTransaction.objects.filter(idempotency_key=f"order:{order.pk}:release").count()


def _sweep() -> str:
    """The clock's sweeps once, in their own process, as `make serve-prod` runs them."""
    done = subprocess.run(  # noqa: S603 - our own command
        manage("run_sweeps", "--once"),
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout + done.stderr


def _kill_mid_task(worker, order: Order, holder: psycopg.Connection) -> None:
    """Wait for the worker's task to block on the order's lock, SIGKILL the worker, let the
    lock go and wait until the server has ended the dead worker's transaction."""
    with admin_connection() as admin:
        try:
            pid = waiting_on_a_lock(admin)
        except AssertionError as error:
            raise AssertionError(f"{error}; the worker said:\n{worker.output()}") from None
        worker.kill(signal.SIGKILL)
        holder.rollback()  # the lock goes: the dead worker's statement ends, nobody commits
        wait_until(lambda: _gone(admin, pid), what="the dead worker's connection to end")


def test_a_db_worker_killed_mid_release_leaves_nothing_and_the_sweep_releases_once(
    tasks, use_settings, processes
):
    """The escrow release task is killed inside its transaction: no money moved, the order
    is still shipped and its task stays claimed (no worker runs it again); the sweep releases
    the escrow once, and a second sweep changes nothing."""
    # given
    order = _shipped_with_release_due(
        tasks, use_settings, {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}}
    )
    queued = DBTaskResult.objects.get(task_path__endswith="order_auto_release_task")
    holder = _lock_order(order)
    try:
        worker = processes(
            "db_worker",
            manage("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"),
            process_env(),
        )
        # when
        _kill_mid_task(worker, order, holder)
    finally:
        holder.close()
    # then: the task's transaction never committed
    order.refresh_from_db()
    queued.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert _releases(order) == 0
    assert queued.status == "RUNNING"  # claimed by the dead worker: no other worker takes it
    assert ledger_problems() == []
    # when: a worker comes back and runs what is ready, then the clock sweeps
    subprocess.run(  # noqa: S603 - our own command
        manage("db_worker", "--batch", "--no-reload", "--no-startup-delay"),
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    said = _sweep()
    # then
    assert "orders_due" in said, said
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert _releases(order) == 1
    assert order.events.filter(to_status=OrderStatus.COMPLETED).count() == 1
    assert balance(wallet_of(order.shop.owner_id)) == RELEASED_TO_SELLER
    assert ledger_problems() == []
    # when: the sweep again (a second clock, a cron job)
    call_command("orders_due", stdout=StringIO())
    # then: nothing more
    assert _releases(order) == 1
    assert balance(wallet_of(order.shop.owner_id)) == RELEASED_TO_SELLER
    assert ledger_problems() == []


REDIS_URL = "redis://127.0.0.1:6379/15"
# As `manage.py run_worker` starts it: django-tasks-rq's job class (RQ's own cannot call a
# django-tasks Task) in our worker, which runs the job in its own process.
JOB_CLASS = ("--job-class", rq_worker.JOB_CLASS, "--worker-class", rq_worker.WORKER_CLASS)


@pytest.fixture
def rq_queue():
    """A queue of our own on Redis database 15 (name unique to this run), removed after."""
    with own_redis_name(REDIS_URL) as (client, name):
        yield name
        rq_forget(client, name)


def rq_forget(client: redis.Redis, queue: str) -> None:
    """Remove from Redis what RQ kept of ``queue``: its keys, its jobs and their results, and
    the workers that listened on it (a killed worker never signs off)."""
    for key in client.scan_iter(match=f"rq:*{queue}*"):
        client.delete(key)
    client.srem("rq:queues", f"rq:queue:{queue}")
    for key in client.scan_iter(match="rq:job:*"):
        if client.type(key) == b"hash" and client.hget(key, "origin") == queue.encode():
            job_id = key.decode().removeprefix("rq:job:")
            client.delete(key, f"rq:results:{job_id}")
    for worker in client.smembers("rq:workers"):
        if client.hget(worker, "queues") == queue.encode():
            client.srem("rq:workers", worker)
            client.delete(worker)


def test_an_rq_worker_killed_mid_release_leaves_nothing_and_the_sweep_releases_once(
    tasks, use_settings, processes, rq_queue, monkeypatch
):
    """The same with RQ: the killed job is left "started" (RQ later files it as abandoned, it
    does not run it again); nothing moved, and the sweep releases once."""
    # given: the release task goes to a queue of this test's own
    from sokoni.orders.services import lifecycle

    def own_queue():
        monkeypatch.setattr(
            lifecycle,
            "order_auto_release_task",
            lifecycle.order_auto_release_task.using(queue_name=rq_queue),
        )

    # The shipping's other tasks (the buyer's text) are not this test's: their queue is
    # unreachable, so they are logged and dropped rather than put in a shared Redis queue.
    rq_settings = {
        "RQ_QUEUES": {
            rq_queue: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300},
            "default": {"URL": "redis://127.0.0.1:1/0"},
        },
        "TASKS": {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [rq_queue, "default"]}
        },
    }
    order = _shipped_with_release_due(tasks, use_settings, rq_settings, then=own_queue)
    assert _rq_jobs(rq_queue) == 1  # enqueued once the shipping committed
    env = process_env(
        REDIS_URL=REDIS_URL,
        TASK_QUEUE="rq",
        FAULTS_RQ_QUEUE=rq_queue,
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
    )
    holder = _lock_order(order)
    try:
        worker = processes(
            "rqworker", manage("rqworker", rq_queue, "--with-scheduler", *JOB_CLASS), env
        )
        # when
        _kill_mid_task(worker, order, holder)
    finally:
        holder.close()
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert _releases(order) == 0
    assert ledger_problems() == []
    # when: a new worker runs what is queued, then the clock sweeps
    subprocess.run(  # noqa: S603 - our own command
        manage("rqworker", rq_queue, "--burst", *JOB_CLASS),
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    # (the sweep in this process: the clock as its own process is shown above)
    use_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
    call_command("orders_due", stdout=StringIO())
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert _releases(order) == 1
    assert balance(wallet_of(order.shop.owner_id)) == RELEASED_TO_SELLER
    assert ledger_problems() == []


def _rq_jobs(queue: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        # Due now: queued, or scheduled (run_after) for the worker's scheduler to move.
        return int(client.llen(f"rq:queue:{queue}")) + int(client.zcard(f"rq:scheduled:{queue}"))
    finally:
        client.close()
