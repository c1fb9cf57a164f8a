"""The `cp` section of the harness: `arrowroot cp` against independent clients doing the same
copies, in the same run, against the same servers (issue 9).

Clients, each at its defaults (what a user types; their settings are printed with the results):
  arrowroot  build/arrowroot cp -r
  rclone     Debian's rclone (installed by scripts/setup): `rclone copy`; S3 and HDFS (Hadoop RPC)
  aws        the AWS CLI from PyPI in its own venv (bench/run: build/bench-awscli-venv):
             `aws s3 cp --recursive`; it has no HDFS support

Copies, of the run's five generated ROOT files (args.events events each):
  local -> S3    all three clients
  HDFS -> S3     arrowroot (WebHDFS, following the redirects to the DataNode) and rclone (RPC);
                 the files are put into the bench's own MiniDFSCluster with curl
  S3 -> local    all three; the source objects are put with curl

Each copy: best of N wall times, with the client's CPU seconds and peak RSS (wait4). Every run
is checked: the target's listing must have every file with its size; the last run of each
client is also read back with curl (an independent client) and compared by MD5.
Secrets reach the clients through the environment only, never through arguments or logs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

from _common import machine_cpu_seconds
from s3curl import S3, file_md5

MB = 1_000_000
CLIENT_TIMEOUT = 900  # seconds per copy; a hung client is killed and the run recorded as failed
INCLUDE = "*.root"

SETTINGS = {
    "arrowroot": "4 jobs, 8 MiB parts, single PUT below 8 MiB; MD5 per part (Content-MD5: RGW 16 "
                 "has no CRC checksums) and ETag checked (--verify checksum), SHA-256 signed body "
                 "over HTTP; local targets written to a temporary name, fsync'd, checked, renamed",
    "rclone": "4 transfers x 4 parts each, 5 MiB chunks, single PUT below 200 MiB; MD5 checked "
              "where both sides have one (not from HDFS); no fsync",
    "aws": "10 requests, 8 MiB parts, single PUT below 8 MiB; a CRC32 checksum per request "
           "(botocore's default since 1.36, cheaper than MD5), SHA-256 signed body over HTTP; no fsync",
}


def _hwm_bytes(pid: int) -> int:
    """The process's peak RSS so far (VmHWM), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _run_client(argv: list[str], env: dict, log_path: Path) -> dict:
    """Runs one copy: wall seconds; CPU seconds of the client (wait4) and of the whole machine
    (/proc/stat: the client plus the servers it talks to, which share this machine's cores);
    the client's peak RSS. That is VmHWM sampled every 20 ms until exit: wait4's ru_maxrss would
    include the harness's own RSS, which Linux carries into a forked child across exec."""
    with open(log_path, "ab") as logf:
        logf.write(("$ " + " ".join(argv) + "\n").encode())
        logf.flush()
        cpu0 = machine_cpu_seconds()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=logf, stderr=logf, env=env, start_new_session=True)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _hwm_bytes(p.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(CLIENT_TIMEOUT, lambda: os.killpg(p.pid, 9))
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
            done.set()
            sampler.join()
        seconds = time.perf_counter() - t0
        machine = machine_cpu_seconds() - cpu0
        p.returncode = os.waitstatus_to_exitcode(status)
    r = {"seconds": seconds, "cpu_seconds": ru.ru_utime + ru.ru_stime, "machine_cpu_seconds": machine,
         "max_rss_bytes": peak[0], "exit": p.returncode}
    if p.returncode != 0:
        tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
        r["error"] = (f"killed after {CLIENT_TIMEOUT} s" if p.returncode == -9
                      else f"exit {p.returncode}: " + " | ".join(tail))[-600:]
    return r


def cp_section(args, files: dict, results: dict, start_servers, stop_servers, log) -> None:
    repo = Path(__file__).resolve().parents[2]
    src_dir = Path(next(iter(files.values()))["path"]).parent
    # The copy takes every INCLUDE file of the directory: the TTree files and the RNTuple the
    # rntuple section writes beside them.
    dataset = {p.name: p for p in sorted(src_dir.glob(INCLUDE)) if p.is_file()}
    sizes = {n: p.stat().st_size for n, p in dataset.items()}
    total = sum(sizes.values())
    md5s = {n: file_md5(p) for n, p in dataset.items()}
    res: dict = {"dataset": {"dir": str(src_dir), "files": len(dataset), "bytes": total},
                 "clients": {}, "runs": [], "copies": []}
    results["cp"] = res
    log(f"\ncp: {len(dataset)} files, {total / MB:,.1f} MB ({src_dir})")

    # --- clients ------------------------------------------------------------------------------
    cli = repo / "build" / "arrowroot"
    aws = os.environ.get("BENCH_AWS_CLI") or ""
    rclone = shutil.which("rclone") or ""
    clients = {}
    if cli.exists():
        clients["arrowroot"] = str(cli)
    if rclone:
        clients["rclone"] = rclone
    if aws and Path(aws).exists():
        clients["aws"] = aws
    for name, why in (("arrowroot", "build/arrowroot is not built (scripts/build)"),
                      ("rclone", "rclone is not installed (scripts/setup installs it)"),
                      ("aws", os.environ.get("BENCH_AWS_CLI_UNAVAILABLE") or "the AWS CLI venv is missing")):
        if name not in clients:
            res["clients"][name] = {"available": False, "why": why}
            log(f"  {name}: unavailable ({why})")
    version_cmd = {"arrowroot": None, "rclone": ["version"], "aws": ["--version"]}
    for name, exe in clients.items():
        v = "" if version_cmd[name] is None else subprocess.run(
            [exe, *version_cmd[name]], capture_output=True, text=True).stdout.splitlines()[:1]
        res["clients"][name] = {"available": True, "version": (v[0] if v else "this checkout"),
                                "settings": SETTINGS[name]}
    if "arrowroot" not in clients:
        res["error"] = "build/arrowroot is not built"
        return

    started = start_servers(results, "cp_servers")
    if started is None:
        res["error"] = results.pop("cp_servers", {}).get("error", "servers did not start")
        return
    script, senv, s3env = started
    endpoint = s3env["ARROWROOT_TEST_S3_ENDPOINT"].rstrip("/")
    bucket, region = s3env["ARROWROOT_TEST_S3_BUCKET"], s3env["ARROWROOT_TEST_S3_REGION"]
    s3 = S3(endpoint, bucket, region, s3env["ARROWROOT_TEST_S3_ACCESS_KEY"],
            s3env["ARROWROOT_TEST_S3_SECRET_KEY"])
    ceph_conf = Path(s3env["ARROWROOT_TEST_SERVERS_DIR"]) / "ceph" / "ceph.conf"
    run_id = uuid.uuid4().hex[:10]
    scratch = Path(args.data_dir) / "cp-scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    home = scratch / "home"  # no ~/.aws, no rclone.conf: every setting below is explicit
    home.mkdir(parents=True)
    (home / "rclone.conf").write_text("")
    hdfs_dir = "/tmp/arrowroot-bench-hdfs"
    henv = dict(os.environ, ARROWROOT_HDFS_DIR=hdfs_dir)
    hdfs_script = str(repo / "scripts" / "hdfs-minicluster")
    user = os.environ.get("USER") or "root"
    cenv = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
            "USER": user, "HADOOP_USER_NAME": user,
            "AWS_ACCESS_KEY_ID": s3env["ARROWROOT_TEST_S3_ACCESS_KEY"],
            "AWS_SECRET_ACCESS_KEY": s3env["ARROWROOT_TEST_S3_SECRET_KEY"],
            "AWS_REGION": region, "AWS_DEFAULT_REGION": region, "AWS_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "RCLONE_CONFIG": str(home / "rclone.conf"), "RCLONE_S3_PROVIDER": "Ceph",
            "RCLONE_S3_ENV_AUTH": "true", "RCLONE_S3_ENDPOINT": endpoint, "RCLONE_S3_REGION": region}
    log_path = args.out_dir / "cp.log"
    hdfs_up = False
    try:
        # --- HDFS: the bench's own MiniDFSCluster, loaded with curl ---------------------------
        h = subprocess.run([hdfs_script, "start"], capture_output=True, text=True, env=henv, timeout=600)
        if h.returncode == 0:
            hdfs_up = True
            hvars = dict(line[len("export "):].split("=", 1) for line in subprocess.run(
                [hdfs_script, "env"], capture_output=True, text=True, env=henv).stdout.splitlines()
                if line.startswith("export "))
            web = hvars["ARROWROOT_TEST_HDFS_URL"].split("//", 1)[1]
            cenv["RCLONE_HDFS_NAMENODE"] = f"127.0.0.1:{hvars['ARROWROOT_TEST_HDFS_RPC_PORT']}"
            cenv["RCLONE_HDFS_USERNAME"] = user
            for name, p in dataset.items():
                url = (f"http://{web}/webhdfs/v1/bench-cp/{name}?op=CREATE&overwrite=true"
                       f"&user.name={user}")
                code = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-L",
                                       "-X", "PUT", "-T", str(p), url], capture_output=True, text=True,
                                      timeout=900).stdout
                if code != "201":
                    raise RuntimeError(f"WebHDFS PUT {name}: HTTP {code}")
            log(f"  HDFS (MiniDFSCluster, {hdfs_dir}) loaded with curl")
        else:
            res["hdfs_error"] = h.stderr[-800:]
            log(f"  !! HDFS did not start, HDFS -> S3 not measured: {h.stderr[-300:]}")

        src_prefix = f"cp-bench/{run_id}/source/"  # the download source, put with curl below

        def loc(kind: str, client: str, where) -> str:
            if kind == "local":
                return str(where)
            if kind == "s3":
                return {"arrowroot": f"s3://{bucket}/{where}", "rclone": f":s3:{bucket}/{where}",
                        "aws": f"s3://{bucket}/{where}"}[client]
            return {"arrowroot": f"hdfs://{web}{where}", "rclone": f":hdfs:{where}"}[client]

        def argv(client: str, src: str, dst: str) -> list[str]:
            if client == "arrowroot":
                return [clients[client], "cp", "-r", "--include", INCLUDE, src, dst]
            if client == "rclone":
                return [clients[client], "copy", "-q", "--include", INCLUDE, src, dst]
            return [clients[client], "s3", "cp", "--recursive", "--only-show-errors",
                    "--exclude", "*", "--include", INCLUDE, src, dst]

        copies = [("local -> S3", "local", src_dir, "s3"),
                  ("HDFS -> S3", "hdfs", "/bench-cp", "s3"),
                  ("S3 -> local", "s3", src_prefix, "local")]
        for title, skind, swhere, dkind in copies:
            if skind == "hdfs" and not hdfs_up:
                continue
            entry = {"copy": title, "best": {}}
            res["copies"].append(entry)
            if skind == "s3":
                for name, p in dataset.items():
                    s3.put(p, src_prefix + name)
            for client in clients:
                if skind == "hdfs" and client == "aws":
                    entry["best"][client] = {"skipped": "the AWS CLI cannot read HDFS"}
                    continue
                best = None
                for rep in range(args.cp_repeat):
                    if dkind == "s3":
                        dwhere = f"cp-bench/{run_id}/{client}-{rep}/"
                    else:
                        dwhere = scratch / f"{client}-{rep}"
                        shutil.rmtree(dwhere, ignore_errors=True)
                        dwhere.mkdir(parents=True)
                    src, dst = loc(skind, client, swhere), loc(dkind, client, dwhere)
                    if client == "arrowroot" and skind == "s3" and not src.endswith("/"):
                        src += "/"
                    r = _run_client(argv(client, src, dst), cenv, log_path)
                    r.update({"copy": title, "client": client, "rep": rep})
                    last = rep == args.cp_repeat - 1
                    if "error" not in r:
                        ok, r["checked"] = _check(s3, dkind, dwhere, sizes, md5s if last else None)
                        if not ok:
                            r["error"] = "wrong result: " + r["checked"]
                    res["runs"].append(r)
                    if dkind == "s3":
                        s3.delete_prefix(dwhere)
                        _gc(ceph_conf)  # the memstore holds a few copies of a full-mode dataset
                    else:
                        shutil.rmtree(dwhere, ignore_errors=True)
                    if "error" in r:
                        log(f"  !! {title} {client}: {r['error'][:300]}")
                        break
                    if best is None or r["seconds"] < best["seconds"]:
                        best = r
                if best is not None:
                    entry["best"][client] = {k: best[k] for k in ("seconds", "cpu_seconds", "machine_cpu_seconds",
                                                                       "max_rss_bytes")}
                    entry["best"][client]["checked"] = ", ".join(sorted({
                        x["checked"] for x in res["runs"] if x["copy"] == title and x["client"] == client}))
                    entry["best"][client]["mb_per_s"] = total / MB / best["seconds"]
            line = "  ".join(f"{c} {b['seconds']:6.2f} s ({b['mb_per_s']:5.0f} MB/s)"
                             for c, b in entry["best"].items() if "seconds" in b)
            log(f"  {title:<12} {line}")
        s3.delete_prefix(src_prefix)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if hdfs_up and not args.keep_servers:
            subprocess.run([hdfs_script, "stop"], capture_output=True, env=henv, timeout=120)
        stop_servers(script, senv, args)


def _check(s3: S3, dkind: str, dwhere, sizes: dict, md5s: dict | None) -> tuple[bool, str]:
    """(True, what was checked) or (False, what is wrong): names and sizes always, the MD5 of
    every file (read back with curl from S3) when md5s is given."""
    if dkind == "s3":
        got = s3.listing(dwhere)
    else:
        got = {str(p.relative_to(dwhere)): p.stat().st_size for p in Path(dwhere).rglob("*") if p.is_file()}
    if got != sizes:
        return False, f"names and sizes {sorted(got.items())} != {sorted(sizes.items())}"
    if not md5s:
        return True, "sizes"
    for name, want in md5s.items():
        have = s3.md5(dwhere + name) if dkind == "s3" else file_md5(Path(dwhere) / name)
        if have != want:
            return False, f"{name}: MD5 {have} != {want}"
    return True, "sizes+MD5"


def _gc(ceph_conf: Path) -> None:
    """Frees the deleted objects' data at once, so that the memstore does not fill up."""
    subprocess.run(["radosgw-admin", "-c", str(ceph_conf), "gc", "process", "--include-all"],
                   capture_output=True, timeout=300)
