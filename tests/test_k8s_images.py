"""deploy/k8s-local/build-image and deploy/k8s-local/oci.py: the executor and driver images for a
local Kubernetes, built without Docker or a registry.

- the build plan read from deploy/Dockerfile installs exactly the apt and pip lists an
  independent reading of the Dockerfile finds, pinned by deploy/versions.env, with the image
  config (entrypoint, user, workdir, env, ports) the Dockerfile gives; it follows Dockerfile
  changes and refuses instructions it does not know;
- oci.py on a tiny tree: layers (sorted, numeric owners, fixed mtimes, hard and symbolic links),
  an OCI layout containerd imports (media types, digests, sizes, diff_ids, image name), and
  validate() refusing a corrupt or incomplete archive;
- the top layer: arrowroot from a wheel or a venv, COPY'd files minus .dockerignore, the
  Dockerfile's chown/chmod (its hash-checked .pyc: in the real build);
- opt-in (ARROWROOT_K8S_IMAGES=1; root, Debian mirror and PyPI): the real build of both images.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "k8s-local" / "build-image"


def _load():
    loader = importlib.machinery.SourceFileLoader("build_image", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("build_image", loader))
    loader.exec_module(module)
    return module


bi = _load()
oci = bi.oci
V = bi.read_versions()
DOCKERFILE = (REPO / "deploy" / "Dockerfile").read_text()


# --- the plan agrees with the Dockerfile ----------------------------------------------------

def _lists_in(section: str, command: str) -> list[str]:
    """The words after each `command` up to its `&&`, read here independently of build-image."""
    out = []
    for m in re.finditer(re.escape(command) + r"((?:[^\n]*\\\n)*[^\n]*)", section):
        words = m.group(1).replace("\\\n", " ").split("&&")[0].split()
        for w in words:
            w = w.strip('"')
            for key, value in V.items():
                w = w.replace("${" + key + "}", value)
            if not w.startswith("-") and "/wheels/" not in w:
                out.append(w)
    return out


def _section(stage: str) -> str:
    return re.search(rf"^FROM \S+ AS {stage}\n(.*?)(?=^FROM |\Z)", DOCKERFILE, re.M | re.S).group(1)


def test_plan_installs_exactly_the_dockerfiles_apt_and_pip_lists():
    steps = {s["stage"]: s for s in bi.plan("driver", DOCKERFILE, V)["steps"]}
    assert list(steps) == ["base", "executor", "driver"]
    for stage, step in steps.items():
        assert step["apt"] == _lists_in(_section(stage), "apt-get install"), stage
        assert step["pip"] == _lists_in(_section(stage), "pip install"), stage
        assert not any("$" in w for w in step["apt"] + step["pip"])
    assert f"openjdk-{V['JAVA_MAJOR']}-jre-headless" in steps["base"]["apt"]
    assert set(steps["base"]["pip"]) == {
        f"pyspark=={V['PYSPARK_VERSION']}", f"pyarrow=={V['PYARROW_VERSION']}",
        f"numpy=={V['NUMPY_VERSION']}", f"pandas=={V['PANDAS_VERSION']}"}
    assert steps["executor"]["pip"] == [f"scikit-learn=={V['SCIKIT_LEARN_VERSION']}",
                                        f"xgboost-cpu=={V['XGBOOST_VERSION']}"]
    assert steps["driver"]["pip"][:2] == [f"jupyterlab=={V['JUPYTERLAB_VERSION']}",
                                          f"tqdm=={V['TQDM_VERSION']}"]


def test_plan_runs_the_dockerfiles_commands_and_gives_its_image_config():
    ex, drv = bi.plan("executor", DOCKERFILE, V), bi.plan("driver", DOCKERFILE, V)
    runs = [cmd for s in drv["steps"] for cmd, _ in s["runs"]]
    assert any(c.startswith("useradd --uid 185 --gid 0 --home-dir /opt/spark-work") for c in runs)
    assert "python3 -m venv /opt/venv" in runs and any(c.endswith("/opt/spark") for c in runs)
    assert not any("--mount" in c or "/wheels" in c or "--no-cache-dir" in c for c in runs)
    upper = [cmd for s in drv["steps"][1:] for cmd, _ in s["runs"]]
    assert upper and all(f"-c {bi.CONSTRAINTS}" in c for c in upper)  # layers only add
    # The executor stage is the same in both chains: one cached layer.
    assert ex["steps"][1]["text"] == drv["steps"][1]["text"]
    assert ("deploy/entrypoint.sh", "/opt/entrypoint.sh") in ex["copies"]
    assert ("examples", "/opt/spark-work/examples") in drv["copies"]
    assert ("examples", "/opt/spark-work/examples") not in ex["copies"]
    assert ("chown", "185:0", "opt/spark-work") in drv["fixups"]
    assert ("chmod", "0755", "opt/entrypoint.sh") in ex["fixups"]
    for p in (ex, drv):
        cfg = p["config"]
        assert cfg["Entrypoint"] == ["/opt/entrypoint.sh"] and cfg["User"] == "185"
        assert cfg["WorkingDir"] == "/opt/spark-work"
        env = dict(e.split("=", 1) for e in cfg["Env"])
        assert env["JAVA_HOME"] == f"/usr/lib/jvm/java-{V['JAVA_MAJOR']}-openjdk-amd64"
        assert env["PATH"] == "/opt/venv/bin:/opt/spark/bin:" + bi.DEBIAN_PATH
        assert env["PYSPARK_PYTHON"] == env["PYSPARK_DRIVER_PYTHON"] == "/opt/venv/bin/python"
    assert "Cmd" not in ex["config"] and "ExposedPorts" not in ex["config"]
    assert drv["config"]["Cmd"] == ["jupyterlab"]
    exposed = re.search(r"^EXPOSE (.*)$", DOCKERFILE, re.M).group(1).split()
    assert set(drv["config"]["ExposedPorts"]) == {f"{p}/tcp" for p in exposed}


def test_plan_follows_dockerfile_changes_and_refuses_unknown_instructions():
    changed = DOCKERFILE.replace('"xgboost-cpu==${XGBOOST_VERSION}"',
                                 '"xgboost-cpu==${XGBOOST_VERSION}" "tqdm==${TQDM_VERSION}"')
    changed = changed.replace("FROM executor AS driver\n", "FROM executor AS driver\nRUN echo hi\n")
    p = bi.plan("driver", changed, V)
    assert f"tqdm=={V['TQDM_VERSION']}" in p["steps"][1]["pip"]
    assert p["steps"][2]["runs"][0][0] == "echo hi"
    assert p["steps"][1]["text"] != bi.plan("driver", DOCKERFILE, V)["steps"][1]["text"]
    with pytest.raises(SystemExit, match="HEALTHCHECK is not supported"):
        bi.plan("driver", DOCKERFILE + "HEALTHCHECK NONE\n", V)
    with pytest.raises(SystemExit, match="no stage nope"):
        bi.plan("nope", DOCKERFILE, V)


# --- oci.py ----------------------------------------------------------------------------------

def _tiny_tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "opt/app").mkdir(parents=True)
    (root / "opt/app/x.txt").write_text("hello\n")
    (root / "opt/app/run.sh").write_text("#!/bin/sh\necho run\n")
    (root / "opt/app/run.sh").chmod(0o755)
    (root / "opt/app/link").symlink_to("x.txt")
    os.link(root / "opt/app/x.txt", root / "opt/app/hard")
    (root / "tmp").mkdir()
    (root / "tmp/junk").write_text("not in a layer")
    return root


def _layer_and_archive(tmp_path: Path):
    root = _tiny_tree(tmp_path)
    paths = oci.walk(root, skip_content={"tmp"})
    layer = oci.write_layer(root, paths, tmp_path / "layer.tar", mtime=1000)
    archive = tmp_path / "image.oci.tar"
    oci.write_archive(archive, "docker.io/library/tiny:1",
                      [{**layer, "path": tmp_path / "layer.tar"}],
                      {"Entrypoint": ["/opt/app/run.sh"], "User": "185"}, ["tiny tree"])
    return root, layer, archive


def test_layer_is_a_sorted_numeric_tar_with_links_and_fixed_times(tmp_path):
    _, layer, _ = _layer_and_archive(tmp_path)
    data = (tmp_path / "layer.tar").read_bytes()
    assert layer == {"digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}
    with tarfile.open(tmp_path / "layer.tar") as tar:
        members = {m.name: m for m in tar}
        names = list(members)
    assert names == sorted(names) and "tmp" in names and "tmp/junk" not in names
    assert names.index("opt") < names.index("opt/app") < names.index("opt/app/x.txt")
    assert all(m.mtime == 1000 and m.uname == "" and m.gname == "" for m in members.values())
    assert members["opt/app/link"].issym() and members["opt/app/link"].linkname == "x.txt"
    # The first name of a hard-linked file carries the bytes, the other links to it.
    assert members["opt/app/hard"].isfile() and members["opt/app/x.txt"].islnk()
    assert members["opt/app/x.txt"].linkname == "opt/app/hard"
    assert members["opt/app/run.sh"].mode == 0o755 and members["opt/app/hard"].mode == 0o644
    assert members["opt/app/hard"].uid == os.getuid()


def test_archive_is_an_oci_layout_containerd_names_and_validate_accepts(tmp_path):
    _, layer, archive = _layer_and_archive(tmp_path)
    with tarfile.open(archive) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    assert json.loads(files["oci-layout"]) == {"imageLayoutVersion": "1.0.0"}
    for name, data in files.items():
        if name.startswith("blobs/sha256/"):
            assert hashlib.sha256(data).hexdigest() == name.rsplit("/", 1)[1]
    index = json.loads(files["index.json"])
    assert index["mediaType"] == "application/vnd.oci.image.index.v1+json"
    (desc,) = index["manifests"]
    assert desc["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert desc["annotations"]["io.containerd.image.name"] == "docker.io/library/tiny:1"
    assert desc["annotations"]["org.opencontainers.image.ref.name"] == "docker.io/library/tiny:1"
    assert desc["platform"] == {"architecture": oci.ARCH, "os": "linux"}
    manifest_bytes = files["blobs/sha256/" + desc["digest"][7:]]
    assert len(manifest_bytes) == desc["size"]
    manifest = json.loads(manifest_bytes)
    assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    assert manifest["layers"] == [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer}]
    config = json.loads(files["blobs/sha256/" + manifest["config"]["digest"][7:]])
    assert config["rootfs"] == {"type": "layers", "diff_ids": [layer["digest"]]}
    assert config["config"]["User"] == "185" and config["history"] == [{"created_by": "tiny tree"}]
    (summary,) = oci.validate(archive)
    assert summary["ref"] == "docker.io/library/tiny:1" and summary["layers"] == 1
    assert summary["manifest"] == desc["digest"]
    # The same inputs give the same bytes.
    first = archive.read_bytes()
    _layer_and_archive(tmp_path / "again")
    assert (tmp_path / "again" / "image.oci.tar").read_bytes() == first


def _rewrite(archive: Path, out: Path, change) -> Path:
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for m in src:
            data = src.extractfile(m).read() if m.isfile() else None
            data = change(m.name, data)
            if data is None and m.isfile():
                continue
            m.size = len(data) if data is not None else 0
            dst.addfile(m, None if data is None else io.BytesIO(data))
    return out


def test_validate_refuses_corrupt_incomplete_or_unnamed_archives(tmp_path):
    _, layer, archive = _layer_and_archive(tmp_path)
    layer_name = "blobs/sha256/" + layer["digest"][7:]
    flipped = _rewrite(archive, tmp_path / "flipped.tar",
                       lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if n == layer_name else d)
    with pytest.raises(ValueError, match="has sha256"):
        oci.validate(flipped)
    missing = _rewrite(archive, tmp_path / "missing.tar",
                       lambda n, d: None if n == layer_name else d)
    with pytest.raises(ValueError, match="missing"):
        oci.validate(missing)

    def unname(n, d):
        if n != "index.json":
            return d
        index = json.loads(d)
        index["manifests"][0]["annotations"] = {"org.opencontainers.image.ref.name": "1"}
        return json.dumps(index).encode()
    with pytest.raises(ValueError, match="no full image name"):
        oci.validate(_rewrite(archive, tmp_path / "unnamed.tar", unname))


def test_changed_lists_added_and_modified_paths_with_parents_and_the_removed(tmp_path):
    root = _tiny_tree(tmp_path)
    before = oci.walk(root, skip={"tmp/junk"})
    assert "tmp/junk" not in before and "opt/app/x.txt" in before
    (root / "opt/app/new/deep").mkdir(parents=True)
    (root / "opt/app/new/deep/f").write_text("f")
    (root / "opt/app/run.sh").unlink()
    (root / "opt/app/run.sh").write_text("#!/bin/sh\necho replaced\n")
    (root / "opt/app/link").unlink()
    paths, gone = oci.changed(before, oci.walk(root, skip={"tmp/junk"}))
    assert paths == ["opt", "opt/app", "opt/app/new", "opt/app/new/deep", "opt/app/new/deep/f",
                     "opt/app/run.sh"]
    assert gone == ["opt/app/link"]


# --- the top layer ---------------------------------------------------------------------------

SITE = f"opt/venv/lib/python{V['PYTHON_MINOR']}/site-packages/"


def _wheel(tmp_path: Path, jar: bool = True) -> Path:
    path = tmp_path / f"arrowroot-{V['ARROWROOT_VERSION']}-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("arrowroot/__init__.py", "__version__ = '0'\n")
        if jar:
            z.writestr("arrowroot/jars/arrowroot-spark.jar", b"PK")
        z.writestr("arrowroot-0.1.0.dist-info/METADATA", "Name: arrowroot\n")
        z.writestr("arrowroot-0.1.0.data/scripts/arrowroot-tool", "#!python\nprint(1)\n")
    return path


def test_arrowroot_files_from_a_wheel(tmp_path):
    args = argparse.Namespace(wheel=_wheel(tmp_path), venv=None)
    files = dict((dst, src) for src, dst in bi.arrowroot_files(args, tmp_path, V["PYTHON_MINOR"]))
    assert set(files) == {SITE + "arrowroot/__init__.py",
                          SITE + "arrowroot/jars/arrowroot-spark.jar",
                          SITE + "arrowroot-0.1.0.dist-info/METADATA",
                          "opt/venv/bin/arrowroot-tool"}
    tool = files["opt/venv/bin/arrowroot-tool"]
    assert tool.read_text().startswith("#!/opt/venv/bin/python\n") and os.access(tool, os.X_OK)
    (tmp_path / "nojar").mkdir()
    args = argparse.Namespace(wheel=_wheel(tmp_path / "nojar", jar=False), venv=None)
    with pytest.raises(SystemExit, match="arrowroot-spark.jar"):
        bi.arrowroot_files(args, tmp_path / "nojar", V["PYTHON_MINOR"])


def test_arrowroot_files_from_the_test_venv():
    venv = Path(sys.prefix)
    site = venv / f"lib/python{V['PYTHON_MINOR']}/site-packages"
    if not (site / "arrowroot/jars/arrowroot-spark.jar").exists():
        pytest.skip(f"no arrowroot with its jar installed in {site}")
    dsts = {dst for _, dst in bi.arrowroot_files(argparse.Namespace(wheel=None, venv=venv), venv,
                                                 V["PYTHON_MINOR"])}
    assert any(re.fullmatch(re.escape(SITE) + r"arrowroot/_core\..*\.so", d) for d in dsts)
    assert SITE + "arrowroot/jars/arrowroot-spark.jar" in dsts
    assert not any("__pycache__" in d or d.endswith("direct_url.json") for d in dsts)


def test_copies_skip_what_dockerignore_excludes_and_place_applies_the_fixups(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "examples/__pycache__").mkdir(parents=True)
    (repo / ".dockerignore").write_text("# comment\n**/__pycache__\nbuild*\n")
    (repo / "examples/a.py").write_text("x = 1\n")
    (repo / "examples/__pycache__/a.cpython-311.pyc").write_bytes(b"stale")
    (repo / "entry.sh").write_text("#!/bin/sh\n")
    monkeypatch.setattr(bi, "REPO", repo)
    files = bi.copy_sources([("wheel", "/wheels"), ("entry.sh", "/opt/entry.sh"),
                             ("examples", "/opt/work/examples")])
    assert [dst for _, dst in files] == ["opt/entry.sh", "opt/work/examples/a.py"]
    root = tmp_path / "root"
    (root / "opt/work").mkdir(parents=True)
    fixups = [("chmod", "0755", "opt/entry.sh")]
    if os.geteuid() == 0:
        fixups.append(("chown", "185:0", "opt/work"))
    placed, made = bi.place(root, files, fixups, V["PYTHON_MINOR"])
    assert placed == ["opt/entry.sh", "opt/work/examples/a.py"]  # not site-packages: no .pyc
    assert (root / "opt/entry.sh").stat().st_mode & 0o777 == 0o755
    assert "opt/work" not in made and "opt/work/examples" in made
    if os.geteuid() == 0:
        for rel in ("opt/work", "opt/work/examples", "opt/work/examples/a.py"):
            assert ((root / rel).stat().st_uid, (root / rel).stat().st_gid) == (185, 0)


def test_build_image_refuses_to_run_without_root():
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) to drop root")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
               str(SCRIPT)]
    else:
        cmd = [sys.executable, str(SCRIPT)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "HOME": "/nonexistent"})
    assert res.returncode != 0 and "needs root" in res.stderr


# --- the real images (opt-in) ----------------------------------------------------------------

@pytest.mark.skipif(os.environ.get("ARROWROOT_K8S_IMAGES") != "1",
                    reason="set ARROWROOT_K8S_IMAGES=1 to build the real images (root, "
                           "deb.debian.org and PyPI; ~2-3 min cold, ~20 s with the layer cache)")
def test_build_image_builds_both_images(tmp_path):
    assert os.geteuid() == 0, "build-image needs root"
    venv = Path(os.environ.get("ARROWROOT_K8S_VENV", sys.prefix))
    before = set(Path("/tmp").glob("arrowroot-image.*"))
    res = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path), "--venv", str(venv)],
                         capture_output=True, text=True, timeout=3600)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "pinned and imported" in res.stdout and "all found" in res.stdout
    images = {t: oci.validate(tmp_path / f"arrowroot-{t}.oci.tar")[0]
              for t in ("executor", "driver")}
    for target, image in images.items():
        assert image["ref"] == f"docker.io/library/arrowroot-{target}:{V['ARROWROOT_VERSION']}"
        assert image["config"]["Entrypoint"] == ["/opt/entrypoint.sh"]
    assert images["executor"]["layers"] == 3 and images["driver"]["layers"] == 4
    assert images["driver"]["config"]["Cmd"] == ["jupyterlab"]
    with tarfile.open(tmp_path / "arrowroot-executor.oci.tar") as tar:
        index = json.load(tar.extractfile("index.json"))
        manifest = json.load(tar.extractfile("blobs/sha256/" + index["manifests"][0]["digest"][7:]))
        top_digest = manifest["layers"][-1]["digest"][7:]
        top = tarfile.open(fileobj=tar.extractfile("blobs/sha256/" + top_digest))
        pyc = top.extractfile(f"{SITE}arrowroot/__pycache__/__init__.cpython-"
                              f"{V['PYTHON_MINOR'].replace('.', '')}.pyc").read()
        assert int.from_bytes(pyc[4:8], "little") == 3  # hash-based, checked: any mtime works
        assert top.getmember("opt/entrypoint.sh").mode == 0o755
    assert set(Path("/tmp").glob("arrowroot-image.*")) == before
    with open("/proc/self/mounts") as f:
        assert "arrowroot-image." not in f.read()


def test_derive_adds_one_layer_over_the_base_and_thin_leaves_the_base_layers_out(tmp_path):
    _, layer, archive = _layer_and_archive(tmp_path)
    full, thin = tmp_path / "full.oci.tar", tmp_path / "thin.oci.tar"
    files = {"/opt/app/version.py": b'__version__ = "0.0.9"\n'}
    oci.derive(archive, full, "docker.io/library/tiny:old", files)
    (summary,) = oci.validate(full)
    assert summary["ref"] == "docker.io/library/tiny:old" and summary["layers"] == 2
    with tarfile.open(full) as tar:
        index = json.load(tar.extractfile("index.json"))
        manifest = json.load(tar.extractfile("blobs/sha256/" + index["manifests"][0]["digest"][7:]))
        assert manifest["layers"][0]["digest"] == layer["digest"]  # the base, unchanged
        top = tarfile.open(fileobj=tar.extractfile("blobs/sha256/"
                                                   + manifest["layers"][1]["digest"][7:]))
        (member,) = top.getmembers()[-1:]
        assert member.name == "opt/app/version.py" and (member.uid, member.gid) == (0, 0)
        assert top.extractfile(member).read() == files["/opt/app/version.py"]
        config = json.load(tar.extractfile("blobs/sha256/" + manifest["config"]["digest"][7:]))
        assert config["config"]["Entrypoint"] == ["/opt/app/run.sh"]  # the base's config kept
    # thin: for a node that already holds the base (imported before), its layers (here one of
    # 2 MiB) stay out of the archive; the new layer, manifest and config travel.
    big = tmp_path / "big"
    (big / "opt").mkdir(parents=True)
    (big / "opt/blob.bin").write_bytes(os.urandom(2 << 20))
    big_layer = oci.write_layer(big, ["opt", "opt/blob.bin"], tmp_path / "big.tar", mtime=0)
    big_archive = tmp_path / "big.oci.tar"
    oci.write_archive(big_archive, "docker.io/library/big:1",
                      [{**big_layer, "path": tmp_path / "big.tar"}], {"User": "185"})
    desc = oci.derive(big_archive, thin, "docker.io/library/big:old", files, thin=True)
    with tarfile.open(thin) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("blobs/sha256/" + desc["digest"][7:]))
    assert "blobs/sha256/" + big_layer["digest"][7:] not in names
    assert manifest["layers"][0]["digest"] == big_layer["digest"]
    assert "blobs/sha256/" + manifest["layers"][1]["digest"][7:] in names
