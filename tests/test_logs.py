"""The log a running production server writes: one JSON line per request, with the caller's
request id, the route template and the status, and none when the filter leaves info out.

The line is written by `telemetry::log_request` straight into the JSON writer (the generated
unit test holds it to the subscriber's line byte for byte); this runs the real binary, on one
SQLite variant per framework: the line is the same code in every database and auth variant.

Slow: compiles the variants. Deselect with `-m "not cargo"`.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from copier_rust_api import checks, matrix
from copier_rust_api.matrix import Variant
from running import build_binary, database, serve

pytestmark = pytest.mark.cargo

LOGGED = [
    v
    for v in matrix.compile_variants()
    if v.answers["database"] == "sqlite"
    and v.answers["db_library"] == "sqlx"
    and v.answers["auth"] == "jwt"
    and v.answers["metrics"]
]
JSON_INFO = {"APP__TELEMETRY__FORMAT": "json", "APP__TELEMETRY__FILTER": "info", "RUST_LOG": "info"}


@pytest.fixture(scope="module")
def binaries(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    scratch = tmp_path_factory.mktemp("binaries")
    built = {}
    for variant in LOGGED:
        project = checks.render_for_compiling(
            checks.projects_dir() / variant.slug, variant.answers, template=template_root
        )
        crate = re.search(
            r"^crate_name: (\S+)$", (project / ".copier-answers.yml").read_text(), re.M
        )
        assert crate, f"no crate_name in {project}"
        built[variant.slug] = build_binary(project, crate[1], scratch / variant.slug)
    return built


def get(url: str, request_id: str) -> int:
    request = urllib.request.Request(url, headers={"x-request-id": request_id})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def request_lines(
    binary: Path, variant: Variant, scratch: Path, settings: dict[str, str]
) -> dict[str, Any]:
    """The request lines the server logs for two requests (`/health/live` and an unknown
    path), by request id, once it has stopped (the buffered lines are written at exit)."""
    scratch.mkdir(parents=True)
    project = checks.projects_dir() / variant.slug
    with (
        database(variant.answers["database"], scratch) as url,
        serve(binary, project, url, scratch, settings) as server,
    ):
        assert get(f"{server.url}/health/live", "log-live-1") == 200
        assert get(f"{server.url}/no/such/route", "log-unknown-2") == 404
    lines = [
        json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")
    ]
    return {
        line.get("request_id"): line
        for line in lines
        if line["fields"].get("message") == "request completed"
    }


@pytest.mark.parametrize("variant", LOGGED, ids=[v.slug for v in LOGGED])
def test_a_production_server_logs_each_request_as_one_json_line(
    binaries: dict[str, Path], variant: Variant, tmp_path: Path
) -> None:
    logged = request_lines(binaries[variant.slug], variant, tmp_path / "json", JSON_INFO)
    live, unknown = logged.pop("log-live-1"), logged.pop("log-unknown-2")
    assert live["level"] == "INFO"
    assert live["target"].endswith("::telemetry")
    assert live["timestamp"].endswith("Z")
    latency = live["fields"].pop("latency_ms")
    assert isinstance(latency, float)
    assert 0 <= latency < 10_000
    assert live["fields"] == {
        "message": "request completed",
        "method": "GET",
        "route": "/health/live",
        "status": 200,
    }
    assert (unknown["fields"]["route"], unknown["fields"]["status"]) == ("unmatched", 404)
    # The readiness probes `serve` waited on are logged too, each under an id of its own.
    assert {line["fields"]["route"] for line in logged.values()} <= {"/health/ready"}


@pytest.mark.parametrize("variant", LOGGED, ids=[v.slug for v in LOGGED])
def test_the_filter_still_decides_whether_requests_are_logged(
    binaries: dict[str, Path], variant: Variant, tmp_path: Path
) -> None:
    quiet = {**JSON_INFO, "APP__TELEMETRY__FILTER": "warn", "RUST_LOG": "warn"}
    assert request_lines(binaries[variant.slug], variant, tmp_path / "warn", quiet) == {}
