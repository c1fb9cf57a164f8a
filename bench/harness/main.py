"""The benchmark harness behind ``bench/run`` (see bench/README.md).

    bench/run [--quick] [--only local,rntuple,memory,s3,cp,spark,ml] [--repeat N] [--events N]

Measures arrowroot against what users would pick instead (uproot 5, ROOT, uproot + s3fs,
Parquet in Spark, pyspark-root-datasource; rclone and the AWS CLI for `arrowroot cp`), on the same files and cores in the same run, and
against the decompress-only floor; prints markdown tables and writes them, a PNG chart and the
raw numbers as JSON into ``bench/results/<timestamp>/``. Targets are reported, not asserted:
the exit status is 0 unless the harness itself fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench" / "python"))
sys.path.insert(0, str(HERE))

from _common import MB, machine_cpu_seconds, warm_page_cache  # noqa: E402

import cp_bench  # noqa: E402
from s3curl import S3, file_md5  # noqa: E402
import nanoaod  # noqa: E402
import report  # noqa: E402
import rntuple_bench  # noqa: E402

SECTIONS = ("local", "rntuple", "memory", "s3", "cp", "spark", "ml")
CODECS = ("zlib", "lz4", "zstd", "lzma", "none")
SEED = 20_240_601
DISTURBED = 0.3  # other processes used more than this many CPUs during a run: flagged

LOG: list[str] = []


def log(msg: str = "") -> None:
    print(msg, flush=True)
    LOG.append(msg)


# --- workers ----------------------------------------------------------------------------------

class Worker:
    """A worker.py process; call() sends one command and returns its answer, with the wall time
    seen from here and the CPU that other processes used meanwhile."""

    def __init__(self, name: str, python: str, args: list[str] | None = None,
                 env: dict | None = None) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [python, str(HERE / "worker.py"), *(args or [])], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE if name.startswith("root") else None,
            text=True, env=env, bufsize=1)
        if name.startswith("root"):
            # ROOT's wheel warns on import ("alpha stage") on stderr: drain it quietly.
            import threading

            self.stderr_lines: list[str] = []
            threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            del self.stderr_lines[:-50]

    def call(self, **cmd) -> dict:
        m0, w0 = machine_cpu_seconds(), time.perf_counter()
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        wall = time.perf_counter() - w0
        if not line:
            tail = "".join(getattr(self, "stderr_lines", [])[-10:])
            raise RuntimeError(f"worker {self.name} died (exit {self.proc.poll()}) {tail}")
        r = json.loads(line)
        r["wall"] = wall
        if "cpu" in r:
            r["other_cpus"] = max(0.0, machine_cpu_seconds() - m0 - r["cpu"]) / max(wall, 1e-9)
        return r

    def close(self) -> None:
        try:
            self.call(op="quit")
        except Exception:  # noqa: BLE001
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- environment ------------------------------------------------------------------------------

def sh(argv: list[str], **kw) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw).stdout.strip()
    except Exception:  # noqa: BLE001
        return ""


def machine_info() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    commit = sh(["git", "-C", str(REPO), "rev-parse", "HEAD"])
    dirty = sh(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "kernel": platform.release(),
        "os": sh(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "hostname": platform.node(), "commit": commit,
        "commit_dirty_files": len(dirty.splitlines()) if dirty else 0,
        "loadavg_start": os.getloadavg(),
    }


def versions(root_python: str | None) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("arrowroot", "pyarrow", "uproot", "awkward", "numpy", "pandas", "pyspark",
                "pyspark-root-datasource", "s3fs", "fsspec", "aiobotocore", "isal", "deflate",
                "lz4", "zstandard", "cramjam", "matplotlib"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    import zlib

    out["zlib (Python)"] = zlib.ZLIB_RUNTIME_VERSION
    try:
        import arrowroot

        pkg = Path(arrowroot.__file__).parent
        out["arrowroot package installed"] = dt.datetime.fromtimestamp(
            max(p.stat().st_mtime for p in pkg.iterdir())).isoformat(timespec="seconds")
    except Exception:  # noqa: BLE001
        pass
    for d, what in (("build", "CLI build type"), ("build-py", "Python package build type")):
        cache = REPO / d / "CMakeCache.txt"
        if cache.exists():
            for line in cache.read_text(errors="replace").splitlines():
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    out[what] = line.split("=", 1)[1]
    cli = REPO / "build" / "arrowroot"
    if cli.exists():
        out["arrowroot CLI built"] = dt.datetime.fromtimestamp(cli.stat().st_mtime).isoformat(timespec="seconds")
    if root_python:
        out["ROOT"] = sh([root_python, "-W", "ignore", "-c",
                          "import ROOT; print(ROOT.gROOT.GetVersion())"]).splitlines()[-1:] or None
        out["ROOT"] = out["ROOT"][0] if out["ROOT"] else None
    java = Path(os.environ.get("JAVA_HOME", "/nonexistent")) / "bin" / "java"
    java = str(java) if java.exists() else shutil.which("java")
    if java:
        out["java"] = (subprocess.run([java, "-version"], capture_output=True, text=True)
                       .stderr.splitlines() or ["?"])[0]
    return out


def root_python() -> tuple[str | None, str]:
    """The ROOT wheel's Python (prepared by bench/run), or None and why not."""
    py = os.environ.get("BENCH_ROOT_PYTHON")
    if not py:
        return None, os.environ.get("BENCH_ROOT_UNAVAILABLE", "BENCH_ROOT_PYTHON not set")
    try:
        out = subprocess.run([py, "-W", "ignore", "-c", "import ROOT; print(ROOT.gROOT.GetVersion())"],
                             capture_output=True, text=True, timeout=120)
    except Exception as e:  # noqa: BLE001
        return None, f"{py}: {e}"
    if out.returncode != 0:
        return None, f"import ROOT failed: {out.stderr.strip().splitlines()[-1:]}"
    return py, out.stdout.strip().splitlines()[-1]


def cli_bench_available(cli: Path) -> tuple[bool, str]:
    if not cli.exists():
        return False, f"{cli} not built"
    out = subprocess.run([str(cli), "--help"], capture_output=True, text=True)
    text = out.stdout + out.stderr
    if any(line.strip().startswith("arrowroot bench") for line in text.splitlines()):
        return True, "bench command present"
    return False, "`arrowroot --help` lists no `bench` command yet"


# --- data -------------------------------------------------------------------------------------

def ensure_data(args, root_py: str | None) -> dict:
    """The codec files (cached): {codec: {path, bytes, entries, ...}}."""
    data_dir = args.data_dir / f"nanoaod-{args.events}"
    data_dir.mkdir(parents=True, exist_ok=True)
    writer = "root" if root_py else "uproot"
    params = {"generator_version": nanoaod.GENERATOR_VERSION, "events": args.events,
              "seed": SEED, "writer": writer, "codecs": list(CODECS),
              "mantissa_bits": nanoaod.MANTISSA_BITS, "chunk": nanoaod.CHUNK}
    manifest_path = data_dir / "manifest.json"
    if manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        if m.get("params") == params and all(
                (data_dir / f["file"]).exists() and (data_dir / f["file"]).stat().st_size == f["bytes"]
                for f in m["files"].values()):
            log(f"data: {data_dir} (cached; written by {m['files']['zlib']['writer']})")
            return {c: {**f, "path": str(data_dir / f["file"])} for c, f in m["files"].items()}
    log(f"data: writing {args.events:,} events x {len(CODECS)} codecs into {data_dir} with {writer} ...")
    py = root_py or sys.executable
    t0 = time.perf_counter()
    out = subprocess.run([py, "-W", "ignore", str(HERE / "gen_data.py"), "--writer", writer,
                          "--entries", str(args.events), "--seed", str(SEED),
                          "--out-dir", str(data_dir), "--codecs", ",".join(CODECS)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"data generation failed:\n{out.stderr[-3000:]}")
    files = {}
    for line in out.stdout.splitlines():
        if line.startswith("{") and '"codec"' in line:
            f = json.loads(line)
            files[f["codec"]] = f
    manifest_path.write_text(json.dumps({"params": params, "files": files}, indent=1) + "\n")
    log(f"data: written in {time.perf_counter() - t0:.0f} s")
    return {c: {**f, "path": str(data_dir / f["file"])} for c, f in files.items()}


# --- local section ----------------------------------------------------------------------------

CLI_SECONDS_KEYS = ("seconds", "elapsed_seconds", "wall_seconds", "read_seconds", "elapsed",
                    "time_seconds", "wall_time_seconds", "time")


def run_cli(cli: Path, path: str, columns, threads: int) -> dict:
    argv = [str(cli), "bench", f"{path}:{nanoaod.TREE}"]
    if columns:
        argv += ["-b", ",".join(columns)]
    # --repeat 2: the CLI reports its best run; the first one of a fresh process pays for
    # faulting in its heap (~+50% on small selections), which the long-lived workers of the
    # other readers do not.
    argv += ["--threads", str(threads), "--repeat", "2", "--json"]
    m0 = machine_cpu_seconds()
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - w0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    if out.returncode != 0:
        return {"ok": False, "error": f"exit {out.returncode}: {out.stderr.strip()[-500:]}", "argv": argv}
    obj = None
    for line in reversed(out.stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
            break
        except ValueError:
            continue
    if obj is None:
        try:
            obj = json.loads(out.stdout)
        except ValueError:
            return {"ok": False, "error": f"no JSON in output: {out.stdout[-300:]}", "argv": argv}
    seconds, source = wall, "process wall time (no time in the JSON)"
    for k in CLI_SECONDS_KEYS:
        if isinstance(obj.get(k), (int, float)) and obj[k] > 0:
            seconds, source = float(obj[k]), f"JSON '{k}'"
            break
    return {"ok": True, "seconds": seconds, "seconds_source": source, "wall": wall, "cpu": cpu,
            "other_cpus": max(0.0, machine_cpu_seconds() - m0 - cpu) / wall,
            "entries": obj.get("entries"), "nbytes": obj.get("uncompressed_bytes"), "cli_json": obj,
            "argv": argv}


def local_section(args, files: dict, root_py: str | None, results: dict) -> None:
    env = dict(os.environ)
    py = sys.executable
    cli = REPO / "build" / "arrowroot"
    has_cli, why_cli = cli_bench_available(cli)
    results["cli"] = {"available": has_cli, "why": why_cli}
    log(f"arrowroot CLI bench: {'yes' if has_cli else 'no'} ({why_cli})")

    workers = {"arrowroot": Worker("arrowroot", py, env=env), "uproot": Worker("uproot", py, env=env),
               "floor": Worker("floor", py, env=env)}
    if root_py:
        # ROOT single-threaded only: with implicit MT, TTree::GetEntry spawns tasks per entry
        # (measured here: +0.4-0.6 s per 100k entries whatever the selection), which is not
        # how one would read with ROOT on 2 threads; see bench/README.md.
        workers["root1"] = Worker("root1", root_py, ["--root-imt", "0"], env=env)
    # (key, label, how to run)
    variants = []
    if has_cli:
        for n in (1, 2):
            variants.append((f"arrowroot-cli/{n}", f"arrowroot CLI, {n} thread{'s' * (n > 1)}", "cli", n))
    for n in (1, 2):
        variants.append((f"arrowroot-py/{n}", f"arrowroot Python, {n} thread{'s' * (n > 1)}", "arrowroot", n))
    for n in (1, 2):
        variants.append((f"uproot/{n}", f"uproot, {n} thread{'s' * (n > 1)}", "uproot", n))
    if root_py:
        variants.append(("root/1", "ROOT TTree::GetEntry loop, 1 thread", "root1", 1))
    variants.append(("floor", "decompress-only floor", "floor", 1))
    results["local"] = {"variants": {k: label for k, label, _, _ in variants},
                        "selections": {k: v for k, v in nanoaod.SELECTIONS.items()},
                        "layouts": {}, "runs": [], "files": files}
    try:
        vs = {}
        for name, w in workers.items():
            r = w.call(op="version", reader=None if name == "floor" else name.rstrip("12") if name.startswith("root") else name)
            vs[name] = r.get("version") or r.get("libs")
            if name == "floor":
                results["local"]["decompressors"] = r.get("libs")
        results["local"]["reader_versions"] = vs
        codecs = [c for c in CODECS if c in args.codecs]
        for c in codecs:
            warm_page_cache(Path(files[c]["path"]))
            for sel, cols in nanoaod.SELECTIONS.items():
                lay = workers["floor"].call(op="layout", path=files[c]["path"], tree=nanoaod.TREE, columns=cols)
                results["local"]["layouts"][f"{c}|{sel}"] = lay
        # Warm-up (not counted): imports, JIT, first-call paths of every reader.
        first = files[codecs[0]]["path"]
        for key, label, how, n in variants:
            if how != "floor":
                _one(how, workers, cli, first, nanoaod.SELECTIONS["5 branches"], n, 1)
        log(f"\nlocal: {len(codecs)} codecs x {len(nanoaod.SELECTIONS)} selections x "
            f"{len(variants)} readers, best of {args.repeat} (slow runs: fewer)")
        for c in codecs:
            path = files[c]["path"]
            warm_page_cache(Path(path))
            for sel, cols in nanoaod.SELECTIONS.items():
                lay = results["local"]["layouts"][f"{c}|{sel}"]
                best: dict[str, float] = {}
                count: dict[str, int] = {}
                fastest = None  # the floor's first call times every decompressor, later ones the fastest
                for rep in range(args.repeat):
                    order = variants[rep % len(variants):] + variants[:rep % len(variants)]
                    for key, label, how, n in order:
                        if count.get(key, 0) >= args.min_repeat and best.get(key, 0) > args.slow_seconds:
                            continue  # slow: enough runs
                        r = _one(how, workers, cli, path, cols, n, 1, fastest)
                        if how == "floor" and r.get("ok") and fastest is None:
                            fastest = {t: x["fastest"] for t, x in r["tags"].items()}
                        r.update({"codec": c, "selection": sel, "variant": key, "threads": n, "rep": rep})
                        results["local"]["runs"].append(r)
                        if r.get("ok"):
                            count[key] = count.get(key, 0) + 1
                            best[key] = min(best.get(key, float("inf")), r["seconds"])
                        elif count.get(key, 0) == 0 and rep == 0:
                            log(f"  !! {label} failed on {c}/{sel}: {r.get('error')}")
                short = {"arrowroot-cli": "cli", "arrowroot-py": "py"}
                line = "  ".join(f"{short.get(k.split('/')[0], k.split('/')[0])}"
                                 f"{('/' + k.split('/')[1]) if '/' in k else ''} "
                                 f"{lay['uncompressed_bytes'] / MB / v:5.0f}"
                                 for k, v in best.items())
                log(f"  {c:<5} {sel:<11} MB/s: {line}")
    finally:
        for w in workers.values():
            w.close()


def _one(how, workers, cli, path, cols, threads, repeat, only=None) -> dict:
    if how == "cli":
        return run_cli(cli, path, cols, threads)
    if how == "floor":
        return workers["floor"].call(op="floor", path=path, tree=nanoaod.TREE, columns=cols,
                                     repeat=repeat, only=only)
    reader = "root" if how.startswith("root") else how
    return workers[how].call(op="read", reader=reader, path=path, tree=nanoaod.TREE, columns=cols,
                             threads=threads)


# --- memory section ---------------------------------------------------------------------------

def memory_section(args, results: dict) -> None:
    py = sys.executable
    gen = subprocess.run([py, str(REPO / "bench" / "python" / "generate.py"), "--small-count", "0"],
                         capture_output=True, text=True)
    log("\nmemory: " + " | ".join(gen.stdout.strip().splitlines()[-2:]))
    if gen.returncode != 0:
        results["memory"] = {"error": gen.stderr[-2000:]}
        log(f"  !! generate.py failed: {gen.stderr[-500:]}")
        return
    out_json = args.out_dir / "iterate_memory.json"
    argv = [py, str(REPO / "bench" / "python" / "iterate_memory.py"), "--modes", "arrowroot,uproot",
            "--repeat", str(args.memory_repeat), "--step", "100 MB", "--json", str(out_json)]
    t0 = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True)
    (args.out_dir / "iterate_memory.txt").write_text(p.stdout + p.stderr)
    if p.returncode != 0 or not out_json.exists():
        results["memory"] = {"error": p.stderr[-2000:]}
        log(f"  !! iterate_memory.py failed: {p.stderr[-500:]}")
        return
    data = json.loads(out_json.read_text())
    step = data["step_bytes"]
    modes = {}
    for r in data["results"]:
        m = modes.setdefault(r["mode"], {"peak": 0, "baseline": 0, "runs": 0, "seconds": []})
        if r["peak"] > m["peak"]:
            m["peak"], m["baseline"] = r["peak"], r["baseline"]
        m["runs"] += 1
        m["seconds"].append(r["elapsed"])
        m["decoded_bytes"] = sum(s["nbytes"] for s in r["steps"])
        m["steps"] = len(r["steps"])
        m["lib"] = r["lib"]
    results["memory"] = {"file": data["file"], "file_bytes": os.path.getsize(data["file"]),
                         "step_bytes": step, "limit_bytes": 2.5 * step + 100 * MB, "modes": modes,
                         "seconds": time.perf_counter() - t0, "argv": argv}
    for name, m in modes.items():
        log(f"  {name:<10} peak RSS {m['peak'] / MB:7.0f} MB (baseline {m['baseline'] / MB:.0f} MB), "
            f"{m['steps']} steps, limit {results['memory']['limit_bytes'] / MB:.0f} MB")


# --- S3 section -------------------------------------------------------------------------------

S3_SERVERS_DIR = "/tmp/arrowroot-bench-servers"
# Below Linux's ephemeral range (32768-60999 by default): the bench starts these servers late
# in a CI run, when long-lived client connections (the tests' Spark cluster, HDFS) hold random
# ports of that range; one held 47582 and nginx could not bind it.
S3_PORTS = {"ARROWROOT_TEST_S3_PORT": "29580", "ARROWROOT_TEST_MON_PORT": "29589",
            "ARROWROOT_TEST_HTTP_PORT": "29581", "ARROWROOT_TEST_HTTP_NORANGE_PORT": "29582",
            # RAM the memstore OSD may use: the cp section holds a full-mode dataset (1.6 GB)
            # twice at most (a copy being verified and the download source)
            "ARROWROOT_TEST_S3_STORE_BYTES": str(6 << 30)}


def start_bench_servers(results: dict, section: str):
    """The bench's own RGW + nginx (scripts/test-servers with a scratch dir and ports apart from
    the tests' set, so starting and stopping it cannot disturb tests running at the same time).
    Returns (script, env, s3env) or None after recording the error under results[section]."""
    env = dict(os.environ, ARROWROOT_TEST_SERVERS_DIR=S3_SERVERS_DIR, **S3_PORTS)
    script = str(REPO / "scripts" / "test-servers")
    t0 = time.perf_counter()
    st = subprocess.run([script, "start"], capture_output=True, text=True, env=env, timeout=900)
    if st.returncode != 0:
        results[section] = {"error": f"test-servers start failed: {st.stderr[-1500:]}"}
        log(f"\n{section.removesuffix('_servers')}: !! servers did not start: {st.stderr[-500:]}")
        return None
    log(f"\n{section.removesuffix('_servers')}: Ceph RGW up in {time.perf_counter() - t0:.0f} s ({S3_SERVERS_DIR})")
    s3env = {}
    for line in subprocess.run([script, "env"], capture_output=True, text=True, env=env).stdout.splitlines():
        if line.startswith("export "):
            k, _, v = line[len("export "):].partition("=")
            s3env[k] = v.strip("'\"")
    return script, env, s3env


def s3_section(args, files: dict, results: dict) -> None:
    started = start_bench_servers(results, "s3")
    if started is None:
        return
    script, env, s3env = started
    endpoint = s3env["ARROWROOT_TEST_S3_ENDPOINT"].rstrip("/")
    bucket, region = s3env["ARROWROOT_TEST_S3_BUCKET"], s3env["ARROWROOT_TEST_S3_REGION"]
    ak_, sk = s3env["ARROWROOT_TEST_S3_ACCESS_KEY"], s3env["ARROWROOT_TEST_S3_SECRET_KEY"]
    local = files[args.s3_codec]["path"]
    key = f"bench/{uuid.uuid4().hex[:12]}/{Path(local).name}"
    s3 = S3(endpoint, bucket, region, ak_, sk)
    try:
        etag = s3.put(Path(local), key)
    except RuntimeError as e:
        etag = f"({e})"
    if etag != file_md5(Path(local)):
        results["s3"] = {"error": f"upload failed: ETag {etag[-500:]}"}
        log(f"  !! upload failed: ETag {etag[-300:]}")
        _stop_servers(script, env, args)
        return
    url = f"s3://{bucket}/{key}"
    log(f"  uploaded {Path(local).name} ({os.path.getsize(local) / MB:.1f} MB) as {url}")
    sys.path.insert(0, str(REPO / "tests"))
    from latency_proxy import DelayProxy  # noqa: E402 - the tests' proxy, reused as is

    host, port = endpoint.split("//", 1)[1].split(":")
    proxy = DelayProxy(host, int(port), delay=args.s3_delay).start()
    workers = {"arrowroot": Worker("arrowroot", sys.executable), "uproot": Worker("uproot", sys.executable)}
    res = {"file": local, "url": url, "bytes": os.path.getsize(local), "delay_seconds": args.s3_delay,
           "runs": [], "layouts": {}}
    results["s3"] = res
    try:
        lw = Worker("layout", sys.executable)
        try:
            for sel, cols in nanoaod.SELECTIONS.items():
                res["layouts"][sel] = lw.call(op="layout", path=local, tree=nanoaod.TREE, columns=cols)
        finally:
            lw.close()
        for latency, ep in (("none", endpoint), (f"{args.s3_delay * 1000:.0f} ms", proxy.url)):
            for sel, cols in nanoaod.SELECTIONS.items():
                if sel not in args.s3_selections:
                    continue
                best: dict[str, float] = {}
                for rep in range(args.s3_repeat):
                    for name in ("arrowroot", "uproot"):
                        if name in best and best[name] > args.s3_slow_seconds and rep >= 1:
                            continue
                        before = len(proxy.gets())
                        if name == "arrowroot":
                            opts = {"storage_options": {"endpoint_url": ep, "key": ak_, "secret": sk,
                                                        "region": region}}
                        else:
                            opts = {"open_kwargs": {"endpoint_url": ep, "key": ak_, "secret": sk,
                                                    "client_kwargs": {"region_name": region},
                                                    "config_kwargs": {"s3": {"addressing_style": "path"}}}}
                        r = workers[name].call(op="read", reader=name, path=url, tree=nanoaod.TREE,
                                               columns=cols, threads=1, options=opts)
                        r.update({"reader": name, "latency": latency, "selection": sel, "rep": rep})
                        if ep != endpoint:
                            r["proxy_gets"] = len(proxy.gets()) - before
                        res["runs"].append(r)
                        if r.get("ok"):
                            best[name] = min(best.get(name, float("inf")), r["seconds"] + r["open_seconds"])
                        else:
                            log(f"  !! {name} {latency} {sel}: {r.get('error')}")
                log(f"  latency {latency:<6} {sel:<11} " + "  ".join(
                    f"{k} {v:6.2f} s" for k, v in best.items()))
        res["proxy_errors"] = proxy.errors[:20]
    finally:
        for w in workers.values():
            w.close()
        proxy.stop()
        s3.delete(key)
        _stop_servers(script, env, args)


def _stop_servers(script, env, args) -> None:
    if args.keep_servers:
        log(f"  servers left running (--keep-servers): ARROWROOT_TEST_SERVERS_DIR={S3_SERVERS_DIR} "
            f"{script} stop")
        return
    subprocess.run([script, "stop"], capture_output=True, text=True, env=env, timeout=300)


# --- Spark section ----------------------------------------------------------------------------

def spark_section(args, files: dict, results: dict) -> None:
    root_file = files[args.spark_codec]["path"]
    parquet = Path(root_file).with_name(f"nanoaod-{args.spark_codec}.parquet")
    stamp = parquet.with_suffix(".parquet.json")
    want = {"from": Path(root_file).name, "bytes": os.path.getsize(root_file), "compression": "zstd",
            "row_group_size": 131072}
    if not (parquet.exists() and stamp.exists() and json.loads(stamp.read_text()) == want):
        import arrowroot
        import pyarrow.parquet as pq

        t0 = time.perf_counter()
        with arrowroot.open(root_file) as f:
            table = f[nanoaod.TREE].arrays()
        pq.write_table(table, parquet, compression="zstd", row_group_size=want["row_group_size"])
        del table
        stamp.write_text(json.dumps(want))
        log(f"\nspark: wrote {parquet.name} ({parquet.stat().st_size / MB:.1f} MB) in "
            f"{time.perf_counter() - t0:.1f} s")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable,
               PYTHONPATH=str(HERE))
    out_json = args.out_dir / "spark.json"
    log(f"\nspark: local[2], queries {args.spark_queries}, {Path(root_file).name} vs {parquet.name}")
    t0 = time.perf_counter()
    jar = ["--jar", args.spark_jar] if args.spark_jar else []
    p = subprocess.run([sys.executable, str(HERE / "spark_bench.py"), "--root", root_file,
                        "--parquet", str(parquet), "--repeat", str(args.spark_repeat),
                        "--queries", args.spark_queries, *jar,
                        "--json", str(out_json)], capture_output=True, text=True, env=env, timeout=3600)
    (args.out_dir / "spark.log").write_text(p.stdout + p.stderr)
    if p.returncode != 0 or not out_json.exists():
        results["spark"] = {"error": p.stderr[-2000:]}
        log(f"  !! spark run failed: {p.stderr[-800:]}")
        return
    sp = json.loads(out_json.read_text())
    sp.update({"root_file": root_file, "root_bytes": os.path.getsize(root_file),
               "parquet_file": str(parquet), "parquet_bytes": parquet.stat().st_size,
               "seconds": time.perf_counter() - t0})
    results["spark"] = sp
    for qname, qq in sp["queries"].items():
        for name, q in qq["sources"].items():
            log(f"  {qname:<7} {name:<62} {q.get('best_seconds', float('nan')):7.2f} s  "
                f"({q.get('partitions')} partitions){'  !! ' + q['error'][:200] if 'error' in q else ''}"
                f"{'  !! ' + q['mismatch'] if 'mismatch' in q else ''}")


# --- ML section -------------------------------------------------------------------------------

def ml_section(args, results: dict) -> None:
    """The event classifier's ingest + feature step (examples/event_features.py) in Spark
    local[2], on files examples/generate_events.py writes (args.events per sample, seeded)."""
    sys.path.insert(0, str(REPO / "examples"))
    import generate_events

    data_dir = args.data_dir / f"ml-{args.events}"
    files = {name: data_dir / spec[3] for name, spec in generate_events.SAMPLES.items()}
    if not all(p.exists() for p in files.values()):
        t0 = time.perf_counter()
        files = generate_events.generate(args.events, data_dir, progress=False)
        log(f"\nml: generated {args.events:,} events per sample in {time.perf_counter() - t0:.1f} s")
    cores = 2
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    out_json = args.out_dir / "ml.json"
    specs = [f"{files[name]}:{spec[1]}:{spec[2]}" for name, spec in generate_events.SAMPLES.items()]
    log(f"\nml: ingest + features, Spark local[{cores}], {2 * args.events:,} events "
        f"({', '.join(p.name for p in files.values())})")
    cpu0 = machine_cpu_seconds()
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, str(HERE / "ml_bench.py"), *[x for f in specs for x in ("--file", f)],
                        "--cores", str(cores), "--repeat", str(args.spark_repeat - 1),
                        "--json", str(out_json)], capture_output=True, text=True, env=env, timeout=3600)
    (args.out_dir / "ml.log").write_text(p.stdout + p.stderr)
    if p.returncode != 0 or not out_json.exists():
        results["ml"] = {"error": p.stderr[-2000:]}
        log(f"  !! ml run failed: {p.stderr[-800:]}")
        return
    ml = json.loads(out_json.read_text())
    wall = time.perf_counter() - t0
    ml.update({"files": {k: str(v) for k, v in files.items()},
               "bytes": sum(os.path.getsize(v) for v in files.values()), "seconds": wall,
               "machine_cpu_per_s": (machine_cpu_seconds() - cpu0) / wall})
    results["ml"] = ml
    log(f"  {ml['events']:,} events, {ml['partitions']} partitions: best {ml['best_seconds']:.2f} s = "
        f"{ml['events_per_s']:,.0f} events/s = {ml['events_per_s_per_core']:,.0f} events/s/core "
        f"(machine: {ml['machine_cpu_per_s']:.1f} CPUs busy, this run included)")


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    p = argparse.ArgumentParser(description="arrowroot benchmark harness (see bench/README.md)")
    p.add_argument("--quick", action="store_true", help="~100k events, best of 3: a few minutes")
    p.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated of {', '.join(SECTIONS)}")
    p.add_argument("--events", type=int, help="events per file (default 1,000,000; --quick 100,000)")
    p.add_argument("--repeat", type=int, help="timed runs per measurement, best kept (default 5; --quick 3)")
    p.add_argument("--codecs", default=",".join(CODECS))
    p.add_argument("--data-dir", type=Path, default=REPO / "build" / "bench-data")
    p.add_argument("--results-dir", type=Path, default=REPO / "bench" / "results")
    p.add_argument("--s3-codec", default="zstd")
    p.add_argument("--s3-delay", type=float, default=0.020, help="added round-trip delay, s (default 0.020)")
    p.add_argument("--spark-codec", default="zstd")
    p.add_argument("--spark-queries", default="muons,jets,explode,njets,ht",
                   help="queries of the spark section (bench/harness/spark_bench.py)")
    p.add_argument("--spark-jar", help="arrowroot-spark.jar for the spark section (default: the "
                                       "installed package's, else build/jvm/arrowroot-spark.jar)")
    p.add_argument("--keep-servers", action="store_true", help="leave the bench's RGW running")
    p.add_argument("--judge", choices=("cli", "python"), default="cli",
                   help="arrowroot variant the targets are judged on: the CLI's bench when it has "
                        "one (default), or the Python API")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when a section failed or a measurement could not be made (a client "
                        "failed, a copy came out wrong); the numbers are still never asserted")
    p.add_argument("--no-root", action="store_true",
                   help="do not use the ROOT wheel (bench/run then does not install it either)")
    args = p.parse_args()
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in args.only if s not in SECTIONS]
    if bad:
        raise SystemExit(f"--only: unknown section(s) {bad}; choose from {', '.join(SECTIONS)}")
    args.codecs = [c for c in args.codecs.split(",") if c]
    args.seed = SEED
    args.events = args.events or (100_000 if args.quick else 1_000_000)
    args.repeat = args.repeat or (3 if args.quick else 5)
    args.min_repeat = 2 if args.quick else 3
    args.slow_seconds = 1.5 if args.quick else 5.0  # a run slower than this: min_repeat runs only
    args.memory_repeat = 1 if args.quick else 2
    args.s3_repeat = 2 if args.quick else 3
    args.s3_slow_seconds = 5.0
    args.s3_selections = list(nanoaod.SELECTIONS)
    args.spark_repeat = 3 if args.quick else 5
    args.cp_repeat = 2 if args.quick else 3
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "")
    args.out_dir = args.results_dir / stamp
    args.out_dir.mkdir(parents=True, exist_ok=True)

    t_start = time.perf_counter()
    root_py, root_why = root_python()
    results: dict = {"mode": "quick" if args.quick else "full", "started": dt.datetime.now().isoformat(timespec="seconds"),
                     "argv": sys.argv[1:], "machine": machine_info(),
                     "root": {"available": root_py is not None, "detail": root_why, "python": root_py},
                     "judge": args.judge,
                     "config": {"events": args.events, "repeat": args.repeat, "sections": args.only,
                                "codecs": args.codecs, "seed": SEED,
                                "slow_seconds": args.slow_seconds, "min_repeat": args.min_repeat}}
    results["versions"] = versions(root_py)
    m = results["machine"]
    log(f"arrowroot bench ({results['mode']}): {m['cpu']}, {m['cores']} cores, {m['memory']}; "
        f"commit {m['commit'][:12]}{' (+%d modified files)' % m['commit_dirty_files'] if m['commit_dirty_files'] else ''}; "
        f"load {m['loadavg_start'][0]:.2f}")
    log(f"ROOT: {root_why if root_py else 'unavailable: ' + root_why}")
    log(f"results: {args.out_dir}")
    files = None
    try:
        if {"local", "s3", "cp", "spark"} & set(args.only):
            files = ensure_data(args, root_py)
        for section in args.only:
            t0 = time.perf_counter()
            try:
                if section == "local":
                    local_section(args, files, root_py, results)
                elif section == "rntuple":
                    import types

                    rntuple_bench.rntuple_section(args, root_py, results, types.SimpleNamespace(
                        Worker=Worker, run_cli=run_cli, cli=REPO / "build" / "arrowroot", log=log,
                        cli_bench_available=cli_bench_available, warm_page_cache=warm_page_cache))
                elif section == "memory":
                    memory_section(args, results)
                elif section == "s3":
                    s3_section(args, files, results)
                elif section == "cp":
                    cp_bench.cp_section(args, files, results, start_bench_servers, _stop_servers, log)
                elif section == "spark":
                    spark_section(args, files, results)
                elif section == "ml":
                    ml_section(args, results)
            except Exception as e:  # noqa: BLE001 - one section failing does not stop the others
                results.setdefault("section_errors", {})[section] = traceback.format_exc()
                log(f"!! section {section} failed: {type(e).__name__}: {e}")
            results.setdefault("section_seconds", {})[section] = round(time.perf_counter() - t0, 1)
    finally:
        results["machine"]["loadavg_end"] = os.getloadavg()
        results["total_seconds"] = round(time.perf_counter() - t_start, 1)
        text = report.write(results, args.out_dir)
        log("")
        log(text)
        log(f"\nwritten: {args.out_dir}/results.md, results.json, chart.png "
            f"({results['total_seconds']:.0f} s in all)")
        (args.out_dir / "console.txt").write_text("\n".join(LOG) + "\n")
    failures = harness_failures(results)
    if failures:
        log("\nnot measured:\n" + "\n".join(f"- {f}" for f in failures))
        if args.strict:
            raise SystemExit(1)


def harness_failures(results: dict) -> list[str]:
    """What the run could not measure: failed sections, sections that recorded an error, copies
    that failed or came out wrong."""
    out = [f"section {k}: {v.strip().splitlines()[-1]}" for k, v in results.get("section_errors", {}).items()]
    for section in SECTIONS:
        v = results.get(section)
        if isinstance(v, dict) and v.get("error"):
            out.append(f"section {section}: {str(v['error']).strip()[-300:]}")
    for r in results.get("cp", {}).get("runs", []):
        if r.get("error"):
            out.append(f"cp {r['copy']} with {r['client']} (run {r['rep'] + 1}): {r['error'][:300]}")
    sp = results.get("spark", {})
    if sp.get("jvm") and not sp["jvm"].get("ok"):
        out.append(f"spark: arrowroot's JVM connector unavailable: {sp['jvm'].get('error')}")
    for qname, qq in sp.get("queries", {}).items():
        for name, r in qq.get("sources", {}).items():
            if r.get("error") or r.get("mismatch"):
                out.append(f"spark {qname}, {name}: {(r.get('error') or r.get('mismatch'))[:300]}")
    if results.get("cp", {}).get("hdfs_error"):
        out.append("cp: the MiniDFSCluster did not start (HDFS -> S3 not measured)")
    for name, c in results.get("cp", {}).get("clients", {}).items():
        if not c.get("available"):
            out.append(f"cp: {name} unavailable: {c.get('why')}")
    return out


if __name__ == "__main__":
    main()
