"""Gunicorn: the request limits of issue 8 (hardening). See docs/security.md.

The lead's full server configuration (`make serve-prod`) merges these settings; until then
this file is complete on its own: `gunicorn -c deploy/gunicorn.conf.py sokoni.wsgi`.

Gunicorn refuses what breaks these limits itself, before Django sees it, and logs one
"Invalid request from ip=..." warning line on its error log (and the request in its access
log): a request line (method, path and query) over `limit_request_line` bytes is a 414, more
than `limit_request_fields` headers or one over `limit_request_field_size` bytes is a 431.

Slow clients: sync workers each serve one request at a time, so they belong behind a reverse
proxy that buffers requests and responses (nginx does by default), which absorbs clients on
slow links; a worker that has not answered within `timeout` seconds (a client that trickles a
request straight to gunicorn, a stuck request) is killed and replaced by the master.
"""

import os

# Sync workers (DESIGN.md section 3); the timeout bounds how long one request may hold one.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Keep-alive behind a proxy on the same machine or network: a few seconds.
keepalive = 5

# A path and query up to 8 KB (long search and filter links), at most 50 headers of up to
# 8 KB each (cookies included).
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
