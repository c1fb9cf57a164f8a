"""Fixtures of the Kubernetes tests (see k8s_env.py for what they stand on)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess

import pytest

from k8s_env import (DRIVER_IMAGE, EXECUTOR_IMAGE, NAMESPACE, OVERLAY, REPO, Cluster, S3Info,
                     put_s3_secret, unavailable)


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    script = REPO / "scripts" / "k8s-cluster"
    if os.geteuid() != 0:
        unavailable("the local Kubernetes needs root")
    st = subprocess.run([str(script), "status"], capture_output=True, text=True)
    if st.returncode != 0:
        unavailable("no local Kubernetes is running (scripts/k8s-cluster start, or scripts/test-k8s)")
    out = subprocess.run([str(script), "env"], capture_output=True, text=True, check=True).stdout
    env = {}
    for line in out.splitlines():
        k, _, v = line.removeprefix("export ").partition("=")
        env[k] = v
    c = Cluster(env)
    images = subprocess.run(["ctr", "--address", env["ARROWROOT_K8S_CTRD_SOCK"], "-n", "k8s.io",
                             "images", "ls", "-q"], capture_output=True, text=True).stdout.split()
    for image in (EXECUTOR_IMAGE, DRIVER_IMAGE):
        if image not in images:
            unavailable(f"the image {image} is not in the node's containerd "
                         "(deploy/k8s-local/build-image, then scripts/k8s-cluster load-image)")
    return c


@pytest.fixture(scope="session")
def s3(cluster: Cluster) -> dict[str, str]:
    """The test RGW, relayed onto the node address so pods reach it."""
    need = ("ARROWROOT_TEST_S3_ENDPOINT", "ARROWROOT_TEST_S3_ACCESS_KEY",
            "ARROWROOT_TEST_S3_SECRET_KEY", "ARROWROOT_TEST_S3_BUCKET")
    if not all(os.environ.get(k) for k in need):
        unavailable("the test S3 server is not running (eval \"$(scripts/test-servers env)\")")
    target = os.environ["ARROWROOT_TEST_S3_ENDPOINT"].removeprefix("http://")
    relay = subprocess.run([str(REPO / "scripts" / "k8s-cluster"), "expose", "s3", target],
                           capture_output=True, text=True)
    assert relay.returncode == 0, relay.stderr
    return S3Info({
        "endpoint": "http://" + relay.stdout.strip(),
        "access_key": os.environ["ARROWROOT_TEST_S3_ACCESS_KEY"],
        "secret_key": os.environ["ARROWROOT_TEST_S3_SECRET_KEY"],
        "region": os.environ.get("ARROWROOT_TEST_S3_REGION", "us-east-1"),
        "bucket": os.environ["ARROWROOT_TEST_S3_BUCKET"],
    })



@pytest.fixture(scope="session")
def deployed(cluster: Cluster, s3: dict[str, str]) -> dict[str, str]:
    """deploy/k8s through the local overlay, with its two Secrets: what a user applies."""
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    put_s3_secret(cluster, s3)
    # The JupyterLab pod reads its token at start: keep the Secret of a running deployment.
    have = cluster.kubectl("get", "secret", "jupyter-token", "-n", NAMESPACE, "-o",
                           "jsonpath={.data.token}", check=False)
    if have.returncode == 0 and have.stdout:
        token = base64.b64decode(have.stdout).decode()
    else:
        token = secrets.token_hex(24)
        cluster.kubectl("apply", "-f", "-", input=json.dumps({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "jupyter-token", "namespace": NAMESPACE},
            "type": "Opaque", "stringData": {"token": token}}))
    cluster.kubectl("apply", "-k", str(OVERLAY))
    return {"jupyter_token": token}


@pytest.fixture(scope="session")
def driver_token_file(cluster: Cluster, deployed, tmp_path_factory) -> str:
    """A token of the ServiceAccount arrowroot-driver (what the notebook pod runs as), for a
    driver outside the cluster to act with exactly the Role deploy/k8s grants."""
    path = tmp_path_factory.mktemp("sa") / "token"
    path.write_text(cluster.token("arrowroot-driver"))
    path.chmod(0o600)
    return str(path)

