"""A task for test_production's real RQ round trip: writes its argument's file."""

from pathlib import Path

from django_tasks import task


@task()
def probe(path: str, text: str) -> str:
    Path(path).write_text(text)
    return text
