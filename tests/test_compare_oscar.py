"""The pure parts of bench/compare_oscar/run.py: wrk's figures, their summary, the CSS and JS a
page loads and how they are weighed (the run itself builds Oscar and is not part of the suite)."""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN = Path(__file__).resolve().parent.parent / "bench" / "compare_oscar" / "run.py"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_oscar_run", RUN)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_wrk_figures_count_status_and_socket_errors_apart(run: ModuleType) -> None:
    output = (
        "Running 20s test\n"
        'WRKJSON {"requests":1000,"duration_us":20000000,"connect":0,"read":2,"write":0,'
        '"status":10,"timeout":1,"p50_us":12500,"p99_us":80000,"mean_us":15000.0}\n'
    )
    figures = run.parse_wrk(output)
    assert figures["requests"] == 1000
    assert figures["ok"] == 990
    assert figures["errors"] == 13
    assert figures["rps"] == pytest.approx(50.0)
    assert figures["ok_rps"] == pytest.approx(49.5)
    assert figures["p50_ms"] == pytest.approx(12.5)
    assert figures["p99_ms"] == pytest.approx(80.0)


def test_wrk_output_without_figures_is_refused(run: ModuleType) -> None:
    with pytest.raises(ValueError, match="no WRKJSON line"):
        run.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_rounds_are_summarised_by_their_median(run: ModuleType) -> None:
    rounds = [
        {"rps": r, "ok_rps": r, "p50_ms": r / 10, "p99_ms": r, "requests": 5, "ok": 4, "errors": 1}
        for r in (30.0, 10.0, 20.0)
    ]
    summary = run.summarise(rounds)
    assert summary["ok_rps"] == 20.0
    assert summary["p50_ms"] == 2.0
    assert summary["errors"] == 3
    assert summary["requests"] == 15


def test_assets_counts_stylesheets_and_scripts_once_with_cdn_fallbacks(run: ModuleType) -> None:
    html = """<link rel="stylesheet" href="/static/a.1.css"><link rel="icon" href="/f.ico">
    <script src="https://cdn.example/jquery.min.js"></script>
    <script>window.jQuery || document.write('<script src="/static/jquery.min.2c87.js"><\\/script>')
    </script><script src="/static/ui.5.js"></script><script src="/static/ui.5.js"></script>
    <script src="https://cdn.example/other.js"></script><script>inline()</script>"""
    urls = run.asset_urls(html)
    assert urls == [
        "/static/a.1.css",
        "https://cdn.example/jquery.min.js",
        "/static/jquery.min.2c87.js",
        "/static/ui.5.js",
        "https://cdn.example/other.js",
    ]
    local, unmatched = run.external_as_local(urls)
    assert local == ["/static/a.1.css", "/static/jquery.min.2c87.js", "/static/ui.5.js"]
    assert unmatched == ["https://cdn.example/other.js"]


def test_weight_of_a_body_sent_gzipped_or_not(run: ModuleType) -> None:
    body = b"<p>hello</p>" * 100
    sent = gzip.compress(body)
    assert run.weigh(sent, "gzip") == {"raw": 1200, "gzip": len(sent), "sent_gzipped": True}
    plain = run.weigh(body, "")
    assert plain["raw"] == 1200
    assert not plain["sent_gzipped"]
    assert plain["gzip"] == len(gzip.compress(body, 6))
