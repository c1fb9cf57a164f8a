#!/bin/bash
# Entry point of the arrowroot images.
#   executor     what Spark's Kubernetes scheduler starts in an executor pod: the executor JVM,
#                configured from the SPARK_* variables the driver puts in the pod spec
#                (driver URL, executor id, cores, memory, pod IP and name, JVM options).
#   jupyterlab   JupyterLab on 0.0.0.0:8888, only with a token (JUPYTER_TOKEN, from a Secret)
#   anything else is run as given.
set -euo pipefail

# An arbitrary UID (OpenShift-style) still needs a passwd entry for the JVM and Python.
if ! getent passwd "$(id -u)" >/dev/null 2>&1 && [ -w /etc/passwd ]; then
  echo "$(id -u):x:$(id -u):$(id -g):spark:/opt/spark-work:/bin/false" >>/etc/passwd
fi

case "${1:-}" in
  executor)
    shift
    : "${SPARK_DRIVER_URL:?the driver sets SPARK_DRIVER_URL in executor pods}"
    # JVM options come numbered SPARK_JAVA_OPT_0, _1, ... and keep their order.
    mapfile -t java_opts < <(env | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n | cut -d= -f2-)
    classpath="${SPARK_HOME}/jars/*"
    [ -n "${SPARK_EXTRA_CLASSPATH:-}" ] && classpath="$classpath:$SPARK_EXTRA_CLASSPATH"
    [ -n "${HADOOP_CONF_DIR:-}" ] && classpath="$HADOOP_CONF_DIR:$classpath"
    exec /usr/bin/tini -s -- "${JAVA_HOME}/bin/java" "${java_opts[@]}" \
      "-Xms${SPARK_EXECUTOR_MEMORY}" "-Xmx${SPARK_EXECUTOR_MEMORY}" \
      -cp "$classpath" org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" \
      --cores "$SPARK_EXECUTOR_CORES" --app-id "$SPARK_APPLICATION_ID" \
      --hostname "$SPARK_EXECUTOR_POD_IP" --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" \
      --podName "$SPARK_EXECUTOR_POD_NAME"
    ;;
  jupyterlab)
    shift
    if [ -z "${JUPYTER_TOKEN:-}" ]; then
      echo "entrypoint: refusing to start JupyterLab without a token: set JUPYTER_TOKEN" \
           "(deploy/k8s takes it from the Secret jupyter-token)" >&2
      exit 64
    fi
    exec /usr/bin/tini -s -- jupyter lab --ip=0.0.0.0 --port=8888 --no-browser \
      --ServerApp.root_dir=/opt/spark-work "$@"
    ;;
  *)
    exec /usr/bin/tini -s -- "$@"
    ;;
esac
