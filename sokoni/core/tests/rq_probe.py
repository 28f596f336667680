"""A task for test_production's real RQ round trip: writes its argument's file."""

from pathlib import Path

from django_tasks import task


@task()
def probe(path: str, text: str) -> str:
    Path(path).write_text(text)
    return text


@task()
def probe_process(path: str) -> None:
    """Append the process id the job runs in, and whether a database connection is open."""
    import os

    from django.db import connection

    with Path(path).open("a") as out:
        out.write(f"{os.getpid()} {connection.connection is not None}\n")
    connection.ensure_connection()
