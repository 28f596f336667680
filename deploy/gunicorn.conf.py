"""gunicorn for `make serve-prod`: sync workers, as many as the CPU suggests, logging JSON.

Every value can be changed from the environment (WEB_CONCURRENCY, BIND, GUNICORN_TIMEOUT).
Sync workers hold one request each: put a buffering reverse proxy (nginx, a cloud load
balancer) in front, so slow clients on 2G links are absorbed there, not by a worker.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "sync"
# gunicorn's own advice: two per core plus one; a 2-core machine runs 5.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a slow leak never grows without bound).
max_requests = 5000
max_requests_jitter = 500
# Imports the application once in the master: workers fork with it loaded (less memory).
preload_app = True
# Request limits (docs/security.md): gunicorn itself refuses, before Django sees it, a path
# and query over 8 KB (414), more than 50 headers or one over 8 KB, cookies included (431),
# each with one "Invalid request from ip=..." warning line. A worker that has not answered
# within `timeout` (a client trickling a request straight to gunicorn, a stuck request) is
# killed and replaced by the master.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
# gunicorn 23+ opens a control socket in ~/.gunicorn, shared by every instance of the user.
control_socket_disable = True
# Each request is logged by the application (LOG_REQUESTS, sokoni.request) as JSON.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}
    },
}


def post_fork(server, worker):  # gunicorn calls it with both
    """Database connections opened in the master must not be shared by the forked workers."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
