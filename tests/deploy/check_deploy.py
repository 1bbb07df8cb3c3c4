#!/usr/bin/python3
"""Checks every deployment file under deploy/ against the real `worthit` binary.

Run by ctest (tests/deploy/CMakeLists.txt) with Debian's python3 + python3-yaml:

  check_deploy.py --binary build/debug/src/app/worthit --source-dir . [--pending-commands work,run]
                  [--pending-metrics name,...]

What it checks, and where the truth comes from:
  * every YAML file parses (multi-document too), every JSON file parses;
  * every configuration key a deployment sets for a worthit process (compose environment / env_file,
    Kubernetes ConfigMap / Secret / container env, systemd Environment=, Dockerfile ENV, the
    example env file) is a key of `worthit config keys` -- the one key table in config.cpp;
  * `worthit config check` accepts the values each of those files sets (types, ranges, URLs);
  * every command a deployment runs (compose command, Kubernetes args, Dockerfile CMD, systemd
    ExecStart, healthchecks) is listed by `worthit help`;
  * every HTTP probe / scrape path (Kubernetes probes, Prometheus metrics_path, healthchecks) is
    served: the test starts `worthit serve` on 127.0.0.1 and GETs each path (404 = failure);
  * the KEDA trigger names the Redis stream and consumer group the Redis queue really uses
    (read from src/queue/redis/redis_queue.cpp) with the REDIS_PREFIX the ConfigMap sets;
  * every worthit_* metric an alert or dashboard uses is exported somewhere in src/;
  * terminationGracePeriodSeconds / TimeoutStopSec / stop_grace_period exceed SHUTDOWN_GRACE_SECONDS;
  * the runtime image's apt packages exist in this Debian's package lists (when apt-cache has lists);
  * `kubectl kustomize deploy/k8s` renders (when kubectl is installed).

Pending lists name commands / metrics another branch is adding (the workers). A pending name that
already exists fails too, so the list is emptied when that branch lands.
Exit status 0 = all good; 1 = problems (each printed as `path: problem`).
"""
import argparse
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

# Containers / services that run the worthit binary are recognised by these image names.
WORTHIT_IMAGES = re.compile(r"(^|/)worthit(:|$)")
# Generous: a loaded 2-core machine (timing never decides the result, only bounds the wait).
START_TIMEOUT_S = 60


class Checker:
    def __init__(self, args):
        self.binary = args.binary
        self.root = pathlib.Path(args.source_dir).resolve()
        self.deploy = self.root / "deploy"
        self.pending_commands = set(filter(None, args.pending_commands.split(",")))
        self.pending_metrics = set(filter(None, args.pending_metrics.split(",")))
        self.problems = []
        self.keys = set(self.run_binary(["config", "keys"]).split())
        self.commands = set(re.findall(r"^  (\S+)\s", self.run_binary(["help"]), re.M))
        self.probe_paths = {}  # path -> first file that uses it
        self.grace_checks = []  # (file, what, seconds)
        self.configured = {}  # key -> value, from the ConfigMap / env example (for cross-checks)
        if not self.keys or not self.commands:
            self.fail("worthit", "could not read `config keys` / `help` from the binary")

    # -- helpers -----------------------------------------------------------------------------
    def run_binary(self, args):
        out = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=60, check=False)
        if out.returncode != 0:
            self.fail("worthit " + " ".join(args), f"exit {out.returncode}: {out.stderr.strip()}")
        return out.stdout

    def rel(self, path):
        return str(pathlib.Path(path).relative_to(self.root))

    def fail(self, where, what):
        self.problems.append(f"{where}: {what}")

    def check_key(self, where, key):
        if key not in self.keys:
            self.fail(where, f"sets {key}, which is not a worthit configuration key (`worthit config keys`)")

    def check_command(self, where, argv):
        if not argv:
            self.fail(where, "runs worthit without a command")
            return
        cmd = argv[0]
        if cmd in self.pending_commands:
            if cmd in self.commands:
                self.fail(where, f"`{cmd}` is listed as pending but exists now: drop it from --pending-commands")
            return
        if cmd not in self.commands:
            self.fail(where, f"runs `worthit {cmd}`, which `worthit help` does not list")
        if cmd == "probe" and len(argv) > 1:
            m = re.match(r"https?://[^/]+(/[^?]*)", argv[1])
            if m:
                self.probe_paths.setdefault(m.group(1), where)

    def check_env_map(self, where, env):
        for key, value in env.items():
            self.check_key(where, key)
            if key == "SHUTDOWN_GRACE_SECONDS":
                self.configured[key] = int(value)
        self.check_values(where, env)

    def check_values(self, where, env):
        """The binary validates the values too (types, ranges, enums, URLs): `worthit config check`
        with exactly these variables must succeed."""
        known = {k: str(v) for k, v in env.items() if k in self.keys}
        if not known:
            return
        out = subprocess.run([self.binary, "config", "check"], env={"PATH": os.environ.get("PATH", "/usr/bin"), **known},
                             capture_output=True, text=True, timeout=60, check=False)
        if out.returncode != 0:
            self.fail(where, "`worthit config check` rejects a value: " + (out.stderr or out.stdout).strip()[-500:])

    # -- file kinds ----------------------------------------------------------------------------
    def load_yaml(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                return [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as e:
            self.fail(self.rel(path), f"YAML does not parse: {e}")
            return []

    def env_file(self, path):
        env = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                self.fail(f"{self.rel(path)}:{n}", "not KEY=VALUE")
                continue
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
        return env

    def compose(self, path, docs):
        where = self.rel(path)
        for doc in docs:
            for name, svc in (doc.get("services") or {}).items():
                build = svc.get("build") or {}
                dockerfile = build.get("dockerfile", "") if isinstance(build, dict) else ""
                is_worthit = WORTHIT_IMAGES.search(str(svc.get("image", ""))) or dockerfile.endswith("deploy/Dockerfile")
                if not is_worthit:
                    continue
                w = f"{where} service {name}"
                env = svc.get("environment") or {}
                if isinstance(env, list):
                    env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
                self.check_env_map(w, env)
                for ef in ([svc["env_file"]] if isinstance(svc.get("env_file"), str) else svc.get("env_file") or []):
                    example = path.parent / (ef + ".example")
                    target = path.parent / ef
                    src = target if target.exists() else example
                    if not src.exists():
                        self.fail(w, f"env_file {ef} has neither the file nor {ef}.example")
                    # The example's keys are checked when the .example file itself is visited.
                command = svc.get("command")
                if isinstance(command, str):
                    command = shlex.split(command)
                self.check_command(w, command or ["serve"])
                hc = (svc.get("healthcheck") or {}).get("test")
                if isinstance(hc, list) and len(hc) > 1 and hc[0] in ("CMD", "CMD-SHELL"):
                    argv = hc[1:] if hc[0] == "CMD" else shlex.split(hc[1])
                    if argv and argv[0].endswith("worthit"):
                        self.check_command(w + " healthcheck", argv[1:])
                grace = svc.get("stop_grace_period")
                if grace:
                    self.grace_checks.append((w, "stop_grace_period", parse_duration(grace)))

    def kubernetes(self, path, docs):
        where = self.rel(path)
        for doc in docs:
            kind = doc.get("kind")
            name = (doc.get("metadata") or {}).get("name", "?")
            w = f"{where} {kind}/{name}"
            if kind == "ConfigMap" and str(name).startswith("worthit"):
                self.check_env_map(w, doc.get("data") or {})
                for k, v in (doc.get("data") or {}).items():
                    self.configured.setdefault(k, v)
            elif kind == "Secret" and str(name).startswith("worthit"):
                for k in list((doc.get("stringData") or {}).keys()) + list((doc.get("data") or {}).keys()):
                    self.check_key(w, k)
            elif kind in ("Deployment", "StatefulSet", "DaemonSet", "Job") or (
                    kind == "Service" and str(doc.get("apiVersion", "")).startswith("serving.knative.dev/")):
                spec = doc["spec"]["template"]["spec"]
                for c in spec.get("containers", []):
                    if not WORTHIT_IMAGES.search(str(c.get("image", ""))):
                        continue
                    cw = f"{w} container {c.get('name')}"
                    plain = {}
                    for e in c.get("env") or []:
                        self.check_key(cw, e["name"])
                        if "value" in e:
                            plain[e["name"]] = e["value"]
                    self.check_values(cw, plain)
                    self.check_command(cw, c.get("args") or c.get("command") or ["serve"])
                    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                        http = (c.get(probe) or {}).get("httpGet")
                        if http:
                            self.probe_paths.setdefault(http["path"], f"{cw} {probe}")
                    if spec.get("terminationGracePeriodSeconds") is not None:
                        self.grace_checks.append((w, "terminationGracePeriodSeconds",
                                                  int(spec["terminationGracePeriodSeconds"])))
                    ann = (doc["spec"]["template"].get("metadata") or {}).get("annotations") or {}
                    if "prometheus.io/path" in ann:
                        self.probe_paths.setdefault(ann["prometheus.io/path"], f"{w} annotation")
            elif kind == "ScaledObject":
                self.keda(w, doc)

    def keda(self, where, doc):
        src = (self.root / "src/queue/redis/redis_queue.cpp").read_text(encoding="utf-8")
        group = re.search(r'kGroup\s*=\s*"([^"]+)"', src)
        stream_suffix = re.search(r'stream_\(base_ \+ "([^"]+)"\)', src)
        # QueueKeyBase: return Concat({"{", p, "}:queue"});
        base = re.search(r'return Concat\(\{"\{", p, "\}(:[a-z]+)"\}\);', src)
        if not (group and stream_suffix and base):
            self.fail(where, "cannot find the stream/group naming in src/queue/redis/redis_queue.cpp (update this test)")
            return
        prefix = self.configured.get("REDIS_PREFIX", "worthit")
        want_stream = "{" + prefix + "}" + base.group(1) + stream_suffix.group(1)
        for t in doc["spec"].get("triggers", []):
            if t.get("type") != "redis-streams":
                continue
            md = t.get("metadata") or {}
            if md.get("stream") != want_stream:
                self.fail(where, f"KEDA stream {md.get('stream')!r}, but the queue writes {want_stream!r}")
            if "consumerGroup" in md and md["consumerGroup"] != group.group(1):
                self.fail(where, f"KEDA consumerGroup {md.get('consumerGroup')!r}, but the queue uses {group.group(1)!r}")

    def prometheus(self, path, docs):
        for doc in docs:
            for job in doc.get("scrape_configs") or []:
                if str(job.get("job_name", "")).startswith("worthit"):
                    self.probe_paths.setdefault(job.get("metrics_path", "/metrics"), f"{self.rel(path)} {job['job_name']}")

    def metric_names(self, path, text):
        src_names = set()
        for f in (self.root / "src").rglob("*"):
            if f.suffix in (".cpp", ".h"):
                src_names.update(re.findall(r'"(worthit_[a-z0-9_]+)"', f.read_text(encoding="utf-8", errors="replace")))
        used = set(re.findall(r"\b(worthit_[a-z0-9_]+)", text))
        for name in sorted(used):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            if base in self.pending_metrics:
                if base in src_names:
                    self.fail(self.rel(path), f"{base} is listed as pending but src/ exports it now: drop it from --pending-metrics")
                continue
            if base not in src_names and name not in src_names:
                self.fail(self.rel(path), f"uses metric {name}, which nothing in src/ exports")

    def dockerfile(self, path):
        where = self.rel(path)
        text = path.read_text(encoding="utf-8").replace("\\\n", " ")
        stages = re.split(r"^FROM\s+", text, flags=re.M)[1:]
        runtime = stages[-1] if stages else ""
        for m in re.finditer(r"^ENV\s+(.+)$", runtime, re.M):
            for k in re.findall(r"([A-Z_][A-Z0-9_]*)=", m.group(1)):
                if k != "DEBIAN_FRONTEND":
                    self.check_key(where + " ENV", k)
        cmd = re.search(r"^CMD\s+(\[.*\])", runtime, re.M)
        ep = re.search(r"^ENTRYPOINT\s+(\[.*\])", runtime, re.M)
        if not ep or not json.loads(ep.group(1))[0].endswith("worthit"):
            self.fail(where, "ENTRYPOINT is not the worthit binary")
        self.check_command(where + " CMD", json.loads(cmd.group(1)) if cmd else [])
        if not re.search(r"^USER\s+(?!0\b|root\b)\S+", runtime, re.M):
            self.fail(where, "the runtime stage does not switch to a non-root USER")
        if not os.path.isdir("/var/lib/apt/lists") or not any(pathlib.Path("/var/lib/apt/lists").glob("*bookworm*Packages*")):
            print(f"{where}: no Debian 12 package lists here; runtime package names not checked")
            return
        install = re.search(r"apt-get install\s+(.+?)(?:&&|$)", runtime, re.M)
        for pkg in (install.group(1).split() if install else []):
            if pkg.startswith("-"):
                continue
            out = subprocess.run(["apt-cache", "policy", pkg], capture_output=True, text=True, check=False).stdout
            cand = re.search(r"Candidate:\s*(\S+)", out)
            if not cand or cand.group(1) == "(none)":
                self.fail(where, f"runtime package {pkg} does not exist in Debian 12")

    def systemd(self, path):
        where = self.rel(path)
        env = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("Environment="):
                for assignment in shlex.split(line[len("Environment="):]):
                    key, _, value = assignment.partition("=")
                    self.check_key(f"{where}:{n}", key)
                    env[key] = value.replace("%i", "1")  # instance 1 of a template
            elif line.startswith("ExecStart="):
                argv = shlex.split(line[len("ExecStart="):])
                if argv[0].endswith("worthit"):
                    self.check_command(f"{where}:{n}", argv[1:])
            elif line.startswith("TimeoutStopSec="):
                self.grace_checks.append((where, "TimeoutStopSec", parse_duration(line.split("=", 1)[1])))
        self.check_values(where, env)

    # -- live probe check ------------------------------------------------------------------------
    def check_probe_paths(self):
        if not self.probe_paths:
            self.fail("deploy/", "no probe or scrape path found (did the manifests move?)")
            return
        with tempfile.TemporaryDirectory() as tmp:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "TELEGRAM_TOKEN": "1:deploy-test",
                # Nothing listens on port 9 of loopback: setMyCommands fails fast and is only logged.
                "TELEGRAM_API_URL": "http://127.0.0.1:9",
                "BOT_USERNAME": "DeployTestBot",
                "WEBHOOK_SECRET": "deploy-test-secret",
                "LISTEN_ADDR": "127.0.0.1",
                "PORT": str(port),
                "DATA_DIR": tmp,
                "SHUTDOWN_GRACE_SECONDS": "1",
            }
            log = open(os.path.join(tmp, "serve.log"), "w+")
            proc = subprocess.Popen([self.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + START_TIMEOUT_S
                while time.monotonic() < deadline and proc.poll() is None:
                    if http_status(port, "/healthz") == 200:
                        break
                    time.sleep(0.1)
                else:
                    log.seek(0)
                    self.fail("worthit serve", "did not start for the probe check: " + log.read()[-2000:])
                    return
                for path, where in sorted(self.probe_paths.items()):
                    status = http_status(port, path)
                    if status not in (200, 503):
                        self.fail(where, f"probes GET {path}, which `worthit serve` answers with {status}")
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                log.close()

    def check_kustomize(self):
        """`kubectl kustomize deploy/k8s` must render (every resource listed exists and is valid
        for kustomize). Skipped, with a note, where kubectl is not installed."""
        kubectl = shutil.which("kubectl")
        if not kubectl or not (self.deploy / "k8s" / "kustomization.yaml").exists():
            print("deploy/k8s: kubectl not found; kustomize rendering not checked")
            return
        out = subprocess.run([kubectl, "kustomize", str(self.deploy / "k8s")], capture_output=True, text=True,
                             timeout=120, check=False)
        if out.returncode != 0:
            self.fail("deploy/k8s/kustomization.yaml", "kubectl kustomize fails: " + out.stderr.strip()[-1000:])
            return
        kinds = [d.get("kind") for d in yaml.safe_load_all(out.stdout) if d]
        for want in ("Deployment", "Service", "HorizontalPodAutoscaler", "ScaledObject", "PodDisruptionBudget",
                     "ConfigMap", "Secret"):
            if want not in kinds:
                self.fail("deploy/k8s/kustomization.yaml", f"renders no {want}")

    def check_grace(self):
        grace = int(self.configured.get("SHUTDOWN_GRACE_SECONDS", 25))
        for where, what, seconds in self.grace_checks:
            if seconds <= grace:
                self.fail(where, f"{what} {seconds}s is not above SHUTDOWN_GRACE_SECONDS ({grace}s): drains get killed")

    # -- driver ------------------------------------------------------------------------------------
    def run(self):
        files = sorted(p for p in self.deploy.rglob("*") if p.is_file())
        if not files:
            self.fail("deploy/", "no deployment files")
        # ConfigMaps first, so REDIS_PREFIX / SHUTDOWN_GRACE_SECONDS are known for the cross-checks.
        files.sort(key=lambda p: 0 if p.name.startswith("configmap") or p.name.endswith(".env.example") else 1)
        for path in files:
            name = path.name
            if name.endswith((".yml", ".yaml")):
                docs = self.load_yaml(path)
                if not all(isinstance(d, dict) for d in docs):
                    self.fail(self.rel(path), "a YAML document is not a mapping")
                    continue
                if any("services" in d for d in docs):
                    self.compose(path, docs)
                elif any("apiVersion" in d and "kind" in d for d in docs):
                    self.kubernetes(path, docs)
                elif any("scrape_configs" in d for d in docs):
                    self.prometheus(path, docs)
                if any("groups" in d for d in docs) or any("scrape_configs" in d for d in docs):
                    self.metric_names(path, path.read_text(encoding="utf-8"))
            elif name.endswith(".json"):
                try:
                    json.loads(path.read_text(encoding="utf-8"))
                except json.JSONDecodeError as e:
                    self.fail(self.rel(path), f"JSON does not parse: {e}")
                    continue
                self.metric_names(path, path.read_text(encoding="utf-8"))
            elif name.endswith(".env.example") or name.endswith(".env"):
                env = self.env_file(path)
                for k, v in env.items():
                    self.check_key(self.rel(path), k)
                    if k == "SHUTDOWN_GRACE_SECONDS":
                        self.configured.setdefault(k, v)
                self.check_values(self.rel(path), env)
            elif name == "Dockerfile":
                self.dockerfile(path)
            elif name.endswith(".service"):
                self.systemd(path)
        root_ignore = self.root / ".dockerignore"
        if not root_ignore.exists():
            self.fail(".dockerignore", "missing (the image build context is the repository root)")
        self.check_kustomize()
        self.check_grace()
        self.check_probe_paths()
        for p in self.problems:
            print(p)
        print(f"check_deploy: {len(files)} files, {len(self.keys)} known keys, {len(self.commands)} commands, "
              f"paths {sorted(self.probe_paths)}: {len(self.problems)} problem(s)")
        return 1 if self.problems else 0


def parse_duration(value):
    """'35s', '1m30s', 40 → seconds."""
    if isinstance(value, (int, float)):
        return int(value)
    total, matched = 0, False
    for n, unit in re.findall(r"(\d+)\s*(ms|s|m|h|min)?", str(value)):
        matched = True
        total += int(n) * {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "ms": 0}[unit]
    return total if matched else 0


def http_status(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--pending-commands", default="")
    ap.add_argument("--pending-metrics", default="")
    return Checker(ap.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
