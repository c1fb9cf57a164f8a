"""scripts/k8s-cluster and deploy/k8s-local/build-binaries without starting a cluster (that is
tests/k8s, run by scripts/test-k8s): usage, the environment it exports, the host-state listing
the tests diff, and the go.mod that builds Kubernetes from its module."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "k8s-cluster"


def run(*args, env=None):
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env=env or dict(os.environ))


def test_unknown_command_prints_usage_and_exits_2():
    p = run("frobnicate")
    assert p.returncode == 2
    for cmd in ("start", "stop", "status", "env", "load-image", "expose", "host-state"):
        assert f"scripts/k8s-cluster {cmd}" in p.stdout


def test_env_exports_what_the_tests_and_kubectl_need(tmp_path):
    env = dict(os.environ, ARROWROOT_K8S_DIR=str(tmp_path / "k8s"))
    p = run("env", env=env)
    assert p.returncode == 0
    exports = dict(line.removeprefix("export ").split("=", 1) for line in p.stdout.splitlines())
    assert exports["KUBECONFIG"] == str(tmp_path / "k8s" / "admin.kubeconfig")
    assert exports["ARROWROOT_K8S_API"] == "https://10.244.0.1:6443"
    assert exports["ARROWROOT_K8S_CA"].endswith("/pki/ca.crt")
    assert exports["PATH"].endswith(":$PATH")


def test_status_of_a_cluster_that_never_started_is_3(tmp_path):
    p = run("status", env=dict(os.environ, ARROWROOT_K8S_DIR=str(tmp_path / "none")))
    assert p.returncode == 3 and p.stdout.strip() == "stopped"


@pytest.mark.skipif(os.geteuid() != 0, reason="reading iptables needs root")
def test_host_state_lists_sysctls_mounts_and_links(tmp_path):
    p = run("host-state", env=dict(os.environ, ARROWROOT_K8S_DIR=str(tmp_path / "none")))
    assert p.returncode == 0, p.stderr
    kinds = {line.split(" ", 1)[0] for line in p.stdout.splitlines()}
    assert {"sysctl", "mount", "link"} <= kinds
    assert "sysctl net.ipv4.ip_forward=" in p.stdout
    assert "process" not in kinds  # no cluster process runs for an unknown state directory


def test_build_binaries_replaces_every_staging_module_with_its_published_version():
    text = (REPO / "deploy" / "k8s-local" / "build-binaries").read_text()
    staging = re.search(r"staging=\(([^)]*)\)", text).group(1).split()
    # k8s.io/kubernetes v1.34's go.mod lists 31 staging modules under ./staging/src/k8s.io.
    assert len(staging) == 31 and len(set(staging)) == 31
    assert {"api", "apimachinery", "client-go", "kubelet", "cri-api"} <= set(staging)
    assert 'staging_version="v0.$minor"' in text
    for cmd in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet",
                "kube-proxy", "kubectl"):
        assert f"k8s.io/kubernetes/cmd/{cmd}" in text
    # The version stamped in, else the server says v0.0.0-master and clients refuse it.
    assert "k8s.io/component-base/version" in text and ".gitVersion=$K8S_VERSION" in text
