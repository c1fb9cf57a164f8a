"""`arrowroot doctor` against the real API server and pods: each test breaks the setup one way
a user does and asserts the doctor names it and says what to do."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from k8s_env import IMAGES_OUT, NAMESPACE, REPO, host_conf, put_s3_secret

pytestmark = pytest.mark.k8s


def doctor(conf: dict[str, str], s3_url: str | None = None) -> tuple[int, str, dict]:
    """The CLI as a user runs it (`python -m arrowroot doctor` == `arrowroot doctor`), on a
    configuration written with json.dump(k8s_conf(...)); returns exit status, text, checks."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(conf, f)
        f.flush()
        args = [sys.executable, "-m", "arrowroot.doctor", "--conf-file", f.name, "--no-jupyter",
                "--timeout", "90"] + (["--s3-url", s3_url] if s3_url else [])
        text = subprocess.run(args, capture_output=True, text=True, timeout=300)
        js = subprocess.run(args + ["--json"], capture_output=True, text=True, timeout=300)
    checks: dict[str, list[dict]] = {}
    for c in json.loads(js.stdout)["checks"]:
        checks.setdefault(c["name"], []).append(c)
    return text.returncode, text.stdout + text.stderr, checks


def statuses(checks: dict, name: str) -> set[str]:
    return {c["status"] for c in checks.get(name, [])}


def test_a_correct_setup_passes_every_cluster_check(cluster, s3, deployed, driver_token_file):
    conf = host_conf(cluster, s3, driver_token_file)
    rc, text, checks = doctor(conf, f"s3://{s3['bucket']}/")
    for name in ("kubernetes-api", "kubernetes-rbac", "executor-image", "pod-network",
                 "executor-versions", "executor-s3-endpoint", "executor-s3-credentials"):
        assert statuses(checks, name) == {"ok"}, (name, text)
    assert "system:serviceaccount:arrowroot:arrowroot-driver" in text
    assert len(checks["pod-network"]) == 2  # driver and block-manager ports
    assert s3["secret_key"] not in text


def test_a_service_account_missing_a_verb_is_named_with_the_fix(cluster, s3, deployed, tmp_path):
    # A Role like deploy/k8s's, but without delete/deletecollection on pods.
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "arrowroot-limited", "namespace": NAMESPACE},
            "rules": [{"apiGroups": [""], "resources": ["pods"],
                       "verbs": ["create", "get", "list", "watch"]},
                      {"apiGroups": [""],
                       "resources": ["services", "configmaps", "persistentvolumeclaims"],
                       "verbs": ["create", "get", "list", "watch", "delete", "deletecollection"]}]}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "arrowroot-limited", "namespace": NAMESPACE},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                           "name": "arrowroot-limited"},
               "subjects": [{"kind": "ServiceAccount", "name": "arrowroot-limited"}]}
    cluster.kubectl("create", "serviceaccount", "arrowroot-limited", "-n", NAMESPACE, check=False)
    for m in (role, binding):
        cluster.kubectl("apply", "-f", "-", input=json.dumps(m))
    token = tmp_path / "token"
    token.write_text(cluster.token("arrowroot-limited"))
    conf = host_conf(cluster, s3, str(token))
    rc, text, checks = doctor(conf)
    assert rc == 1
    (rbac,) = checks["kubernetes-rbac"]
    assert rbac["status"] == "fail"
    assert "delete pods" in rbac["detail"] and "deletecollection pods" in rbac["detail"]
    assert "create pods" not in rbac["detail"]
    assert "system:serviceaccount:arrowroot:arrowroot-limited" in rbac["detail"]
    assert "Role" in rbac["fix"] and "kubectl auth can-i" in rbac["fix"]
    # No probe pod: this identity could not delete it again.
    assert "executor-image" not in checks
    assert not cluster.pods("arrowroot/doctor-probe=true")


def test_a_missing_executor_image_is_explained(cluster, s3, deployed, driver_token_file):
    conf = host_conf(cluster, s3, driver_token_file,
                     image="docker.io/library/arrowroot-executor:0.1.0-not-loaded")
    rc, text, checks = doctor(conf)
    assert rc == 1
    (img,) = checks["executor-image"]
    assert img["status"] == "fail"
    assert "ErrImageNeverPull" in img["detail"]
    assert "arrowroot-executor:0.1.0-not-loaded" in img["detail"]
    assert "load it into the node" in img["detail"]
    assert not cluster.pods("arrowroot/doctor-probe=true")  # the probe pod is cleaned up


def test_a_driver_the_pods_cannot_reach_is_found_from_a_pod(cluster, s3, deployed,
                                                            driver_token_file):
    # The classic mistake: the driver listens on loopback only; the host check alone cannot
    # tell (the address is this machine's), a pod can.
    conf = host_conf(cluster, s3, driver_token_file, driver_bind_address="127.0.0.1")
    rc, text, checks = doctor(conf)
    assert rc == 1
    net = checks["pod-network"]
    assert {c["status"] for c in net} == {"fail"}
    assert any(f"{cluster.node_ip} on port 7078" in c["detail"] for c in net), text
    assert "bindAddress" in net[0]["fix"]


def test_a_wrong_s3_secret_for_the_executors_is_named(cluster, s3, deployed, driver_token_file):
    put_s3_secret(cluster, s3, secret_key="wrong-" + s3["secret_key"][:8],
                  name="arrowroot-s3-wrong")
    conf = host_conf(cluster, s3, driver_token_file, s3_secret="arrowroot-s3-wrong")
    rc, text, checks = doctor(conf, f"s3://{s3['bucket']}/")
    assert rc == 1
    (cred,) = checks["executor-s3-credentials"]
    assert cred["status"] == "fail"
    assert cred["detail"].startswith("in an executor pod:")
    assert "secretKeyRef" in cred["fix"]
    assert s3["secret_key"] not in text and s3["secret_key"][:8] not in text


def test_an_executor_image_of_another_arrowroot_is_named(cluster, s3, deployed, driver_token_file,
                                                         tmp_path):
    """An executor image built from an older lock: the same image with arrowroot 0.0.9 (one
    layer on top of the real one, loaded into the node)."""
    sys.path.insert(0, str(REPO / "deploy" / "k8s-local"))
    import oci

    ref = "docker.io/library/arrowroot-executor:0.0.9"
    archive = tmp_path / "older.oci.tar"
    oci.derive(IMAGES_OUT / "arrowroot-executor.oci.tar", archive, ref,
               {"/opt/venv/lib/python3.11/site-packages/arrowroot/_version.py":
                b'__version__ = "0.0.9"\n'}, thin=True)
    subprocess.run([str(REPO / "scripts" / "k8s-cluster"), "load-image", str(archive)], check=True)
    conf = host_conf(cluster, s3, driver_token_file, image=ref)
    rc, text, checks = doctor(conf)
    assert rc == 1
    assert statuses(checks, "executor-image") == {"ok"}, text
    (ver,) = checks["executor-versions"]
    assert ver["status"] == "fail"
    assert "arrowroot 0.0.9 (driver 0.1.0)" in ver["detail"], ver
    assert "versions.env" in ver["fix"]
    assert "not tagged for arrowroot 0.1.0" in text  # the tag says so before any pod runs
