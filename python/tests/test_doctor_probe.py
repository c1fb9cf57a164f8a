"""The doctor's probe pod and pod explanations, without a cluster: the pod spec a
configuration makes (what an executor would get) and the one-line reasons with fixes.
tests/k8s/test_k8s_doctor.py runs the probe on a real cluster."""

from __future__ import annotations

from arrowroot._doctor_k8s import _stuck, probe_pod_spec
from arrowroot._k8s_api import describe_pod

CONF = {
    "spark.master": "k8s://https://10.0.0.1:6443",
    "spark.kubernetes.namespace": "physics",
    "spark.kubernetes.container.image": "reg.example/arrowroot-executor:0.1.0",
    "spark.kubernetes.container.image.pullPolicy": "Never",
    "spark.kubernetes.authenticate.executor.serviceAccountName": "arrowroot-executor",
    "spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID": "arrowroot-s3:access_key",
    "spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY": "arrowroot-s3:secret_key",
    "spark.executorEnv.AWS_ENDPOINT_URL": "https://s3.example.org",
    "spark.driver.host": "10.1.2.3",
    "spark.driver.port": "7078",
    "spark.driver.blockManager.port": "7079",
    "spark.pyspark.python": "/opt/venv/bin/python",
}


def test_the_probe_is_what_an_executor_would_be():
    spec = probe_pod_spec(CONF, "arrowroot-doctor-probe-abc", "s3://bucket/data/")
    pod = spec["spec"]
    (c,) = pod["containers"]
    assert c["image"] == "reg.example/arrowroot-executor:0.1.0"
    assert c["imagePullPolicy"] == "Never"
    assert pod["serviceAccountName"] == "arrowroot-executor"
    assert pod["restartPolicy"] == "Never" and pod["automountServiceAccountToken"] is False
    env = {e["name"]: e for e in c["env"]}
    assert env["AWS_SECRET_ACCESS_KEY"]["valueFrom"] == {
        "secretKeyRef": {"name": "arrowroot-s3", "key": "secret_key"}}
    assert env["AWS_ENDPOINT_URL"]["value"] == "https://s3.example.org"
    assert c["command"][0] == "/opt/venv/bin/python"
    assert c["command"][3:] == ["10.1.2.3", "7078,7079", "s3://bucket/data/"]
    assert spec["metadata"]["labels"]["arrowroot/doctor-probe"] == "true"


def test_an_executor_image_override_is_probed():
    spec = probe_pod_spec(CONF | {"spark.kubernetes.executor.container.image": "other:0.1.0"},
                          "p", None)
    assert spec["spec"]["containers"][0]["image"] == "other:0.1.0"
    assert spec["spec"]["containers"][0]["command"][-1] == ""


def _pod(waiting=None, conditions=(), terminated=None, phase="Pending"):
    state = {"waiting": waiting} if waiting else ({"terminated": terminated} if terminated else {})
    return {"metadata": {"name": "x-exec-1"},
            "status": {"phase": phase, "conditions": list(conditions),
                       "containerStatuses": [{"state": state}]}}


def test_a_pod_that_will_never_get_its_image_is_explained_and_not_waited_for():
    pod = _pod(waiting={"reason": "ErrImageNeverPull", "message": 'image "a:1" is not present'},
               conditions=[{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}])
    line = describe_pod(pod)
    assert line.startswith("x-exec-1: Pending, ErrImageNeverPull: image \"a:1\" is not present")
    assert "ContainersNotReady" not in line  # the Ready condition only repeats it
    assert "load it into the node" in line
    assert _stuck(pod)


def test_an_unschedulable_pod_says_why_and_what_to_do():
    pod = _pod(conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                            "message": "0/1 nodes are available: 1 Insufficient cpu."}])
    line = describe_pod(pod)
    assert "Unschedulable: 0/1 nodes are available: 1 Insufficient cpu." in line
    assert "no node can fit the pod" in line
    assert not _stuck(pod)  # capacity may free up


def test_a_crashed_container_gives_its_exit_code():
    line = describe_pod(_pod(terminated={"exitCode": 127, "reason": "Error"}, phase="Failed"))
    assert line == "x-exec-1: Failed, exited 127 (Error)"
