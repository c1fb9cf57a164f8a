"""OCI image archives without a container engine (Python stdlib only).

Layers are uncompressed tars of paths of a root filesystem tree; an image archive is an OCI
image layout (oci-layout, index.json, blobs/sha256/...) in one tar, which containerd imports:
    ctr -n k8s.io images import <archive>
names the image from the index's `io.containerd.image.name` annotation (also given as
`org.opencontainers.image.ref.name`). validate() re-checks every digest, size and media type.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

LAYOUT = "application/vnd.oci.image."
INDEX_TYPE = LAYOUT + "index.v1+json"
MANIFEST_TYPE = LAYOUT + "manifest.v1+json"
CONFIG_TYPE = LAYOUT + "config.v1+json"
LAYER_TYPE = LAYOUT + "layer.v1.tar"
ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)


class _Hashing(io.RawIOBase):
    """A write-only file that hashes and counts what goes through it."""

    def __init__(self, f):
        self.f, self.h, self.size = f, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, b):
        self.h.update(b)
        self.size += len(b)
        return self.f.write(b)


def walk(root: Path, skip_content=(), skip=()) -> dict[str, os.stat_result]:
    """Every path under root (relative, '/'-separated) with its lstat; the directories in
    skip_content are listed but not their content, the paths in skip not at all."""
    out: dict[str, os.stat_result] = {}

    def rec(rel: str):
        with os.scandir(root / rel if rel else root) as it:
            for e in it:
                r = f"{rel}/{e.name}" if rel else e.name
                if r in skip:
                    continue
                out[r] = e.stat(follow_symlinks=False)
                if e.is_dir(follow_symlinks=False) and r not in skip_content:
                    rec(r)
    rec("")
    return out


def changed(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(paths added or modified, with their parent directories; paths removed)."""
    def key(st):  # a directory's own metadata; a file's identity and content too
        own = (st.st_mode, st.st_uid, st.st_gid)
        return own if stat.S_ISDIR(st.st_mode) else own + (st.st_size, st.st_mtime_ns, st.st_ino)
    paths = {p for p, st in after.items() if p not in before or key(before[p]) != key(st)}
    for p in list(paths):
        while "/" in p:
            p = p.rsplit("/", 1)[0]
            paths.add(p)
    return sorted(paths), sorted(set(before) - set(after))


def write_layer(root: Path, paths, out: Path, mtime: int | None = None,
                owner: dict[str, tuple[int, int]] | None = None,
                mode: dict[str, int] | None = None) -> dict:
    """Tar the given paths of root (sorted; numeric owners; parents before children) to out.
    mtime fixes every entry's time; owner/mode override a path's (uid, gid) or permission
    bits. Returns the layer's descriptor fields: digest (= diff_id: uncompressed), size."""
    owner, mode = owner or {}, mode or {}
    links: dict[tuple[int, int], str] = {}
    with open(out, "wb") as raw:
        sink = _Hashing(raw)
        with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT,
                          copybufsize=1 << 20) as tar:
            for rel in sorted(paths):
                full = root / rel
                st = full.lstat()
                ti = tarfile.TarInfo(rel)
                ti.uid, ti.gid = owner.get(rel, (st.st_uid, st.st_gid))
                ti.mode = mode.get(rel, stat.S_IMODE(st.st_mode))
                ti.mtime = int(st.st_mtime if mtime is None else mtime)
                fobj = None
                if stat.S_ISREG(st.st_mode) and st.st_nlink > 1 and (st.st_dev, st.st_ino) in links:
                    ti.type, ti.linkname = tarfile.LNKTYPE, links[(st.st_dev, st.st_ino)]
                elif stat.S_ISREG(st.st_mode):
                    links[(st.st_dev, st.st_ino)] = rel
                    ti.size, fobj = st.st_size, open(full, "rb")
                elif stat.S_ISDIR(st.st_mode):
                    ti.type = tarfile.DIRTYPE
                elif stat.S_ISLNK(st.st_mode):
                    ti.type, ti.linkname = tarfile.SYMTYPE, os.readlink(full)
                elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                    ti.type = tarfile.CHRTYPE if stat.S_ISCHR(st.st_mode) else tarfile.BLKTYPE
                    ti.devmajor, ti.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
                elif stat.S_ISFIFO(st.st_mode):
                    ti.type = tarfile.FIFOTYPE
                else:
                    raise ValueError(f"{full}: a socket or unknown file type cannot go in a layer")
                try:
                    tar.addfile(ti, fobj)
                finally:
                    if fobj:
                        fobj.close()
    return {"digest": "sha256:" + sink.h.hexdigest(), "size": sink.size}


def _blob(data: bytes) -> tuple[dict, bytes]:
    return {"digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}, data


def _json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def write_archive(out: Path, ref: str, layers: list[dict], config: dict,
                  history: list[str] | None = None, annotations: dict | None = None,
                  skip_missing: bool = False) -> dict:
    """One image as an OCI layout tar. layers: dicts with path, digest, size (uncompressed tars,
    bottom first); config: the image config's "config" object (Env, Entrypoint, ...).
    Returns the manifest descriptor."""
    cfg_desc, cfg = _blob(_json({
        "architecture": ARCH, "os": "linux", "config": config,
        "rootfs": {"type": "layers", "diff_ids": [la["digest"] for la in layers]},
        "history": [{"created_by": h} for h in (history or [])]}))
    man_desc, man = _blob(_json({
        "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, **cfg_desc},
        "layers": [{"mediaType": LAYER_TYPE, "digest": la["digest"], "size": la["size"]}
                   for la in layers],
        "annotations": annotations or {}}))
    man_desc = {"mediaType": MANIFEST_TYPE, **man_desc,
                "platform": {"architecture": ARCH, "os": "linux"},
                "annotations": {"io.containerd.image.name": ref,
                                "org.opencontainers.image.ref.name": ref}}
    index = _json({"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": [man_desc]})

    def entry(tar, name, data=None, path=None, size=0):
        ti = tarfile.TarInfo(name)
        ti.mode, ti.mtime = 0o644, 0
        if data is None and path is None:
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(ti)
        elif path is None:
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))
        else:
            ti.size = size
            with open(path, "rb") as f:
                tar.addfile(ti, f)

    tmp = out.with_name(out.name + ".part")
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT, copybufsize=1 << 20) as tar:
        entry(tar, "oci-layout", _json({"imageLayoutVersion": "1.0.0"}))
        entry(tar, "index.json", index)
        entry(tar, "blobs")
        entry(tar, "blobs/sha256")
        entry(tar, "blobs/sha256/" + cfg_desc["digest"][7:], cfg)
        entry(tar, "blobs/sha256/" + man_desc["digest"][7:], man)
        for la in {la["digest"]: la for la in layers}.values():
            if skip_missing and not Path(la["path"]).exists():
                continue  # derive(thin=True): the importer has this layer already
            entry(tar, "blobs/sha256/" + la["digest"][7:], path=la["path"], size=la["size"])
    os.replace(tmp, out)
    return man_desc


def validate(path: Path) -> list[dict]:
    """Check an OCI layout tar as containerd reads it: oci-layout version, index.json, every
    blob's sha256 and size against its descriptor, media types, config diff_ids = layer
    digests (uncompressed layers), a full image name on each manifest. Raises ValueError;
    returns one summary per image: ref, manifest digest, layers, bytes."""
    blobs: dict[str, int] = {}
    small: dict[str, bytes] = {}
    with tarfile.open(path) as tar:
        for m in tar:
            if not m.isfile():
                continue
            f = tar.extractfile(m)
            if m.name in ("oci-layout", "index.json"):
                small[m.name] = f.read()
                continue
            if not m.name.startswith("blobs/sha256/"):
                raise ValueError(f"{path}: unexpected member {m.name}")
            h = hashlib.sha256()
            head = b""
            while chunk := f.read(1 << 20):
                h.update(chunk)
                head = head or chunk[:1 << 16]
            if h.hexdigest() != m.name[13:]:
                raise ValueError(f"{path}: blob {m.name} has sha256 {h.hexdigest()}")
            blobs["sha256:" + m.name[13:]] = m.size
            if m.size < 1 << 16:
                small["sha256:" + m.name[13:]] = head

    def get(desc, media_type):
        if desc.get("mediaType") != media_type:
            raise ValueError(f"{path}: {desc.get('digest')} has media type "
                             f"{desc.get('mediaType')}, expected {media_type}")
        if blobs.get(desc["digest"]) != desc["size"]:
            raise ValueError(f"{path}: blob {desc['digest']} missing or not {desc['size']} bytes")
        return None if media_type == LAYER_TYPE else json.loads(small[desc["digest"]])

    if json.loads(small.get("oci-layout", b"{}")).get("imageLayoutVersion") != "1.0.0":
        raise ValueError(f"{path}: no oci-layout with imageLayoutVersion 1.0.0")
    index = json.loads(small["index.json"])
    if index.get("schemaVersion") != 2 or not index.get("manifests"):
        raise ValueError(f"{path}: index.json has no manifests")
    out = []
    for md in index["manifests"]:
        notes = md.get("annotations", {})
        # containerd's own annotation, or the OCI one (buildah's oci-archive writes only that).
        ref = notes.get("io.containerd.image.name") or \
            notes.get("org.opencontainers.image.ref.name", "")
        if "/" not in ref or ":" not in ref:
            raise ValueError(f"{path}: manifest {md['digest']} has no full image name: {ref!r}")
        man = get(md, MANIFEST_TYPE)
        cfg = get(man["config"], CONFIG_TYPE)
        for la in man["layers"]:
            get(la, LAYER_TYPE)
        if cfg["rootfs"]["diff_ids"] != [la["digest"] for la in man["layers"]]:
            raise ValueError(f"{path}: config diff_ids differ from the layer digests")
        if cfg["os"] != "linux" or not cfg.get("architecture"):
            raise ValueError(f"{path}: config without os/architecture")
        out.append({"ref": ref, "manifest": md["digest"], "layers": len(man["layers"]),
                    "bytes": sum(la["size"] for la in man["layers"]), "config": cfg["config"]})
    return out


def file_image(out: Path, ref: str, files: dict[str, Path], entrypoint: list[str]) -> dict:
    """A one-layer image of a few files (the local cluster's `pause` sandbox image): files maps
    paths in the image to files here."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        rels = []
        for dst, src in files.items():
            rel = dst.strip("/")
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / rel)
            rels.append(rel)
        layer = write_layer(root, rels, Path(tmp) / "layer.tar", mtime=0,
                            owner={r: (0, 0) for r in rels})
        layer["path"] = Path(tmp) / "layer.tar"
        return write_archive(out, ref, [layer], {"Entrypoint": entrypoint})



def derive(base: Path, out: Path, ref: str, files: dict[str, bytes], mode: int = 0o644,
           thin: bool = False) -> dict:
    """A new image: `base`'s (an archive of one image) plus one layer that adds or replaces
    `files` (path in the image -> content, owned by root). The tests use it to make an image
    that differs from the driver in one file (another arrowroot version). `thin` leaves the
    base's layers out of the archive: for a containerd that already holds them (imported
    `base`), which then takes the layers from its content store."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        blobs = Path(tmp) / "blobs"
        blobs.mkdir()
        with tarfile.open(base) as tar:
            index = json.load(tar.extractfile("index.json"))
            small = {d["digest"][7:] for d in index["manifests"]}
            for m in tar:
                if m.isfile() and m.name.startswith("blobs/sha256/") and \
                        (not thin or m.size < 1 << 20 or m.name[13:] in small):
                    with tar.extractfile(m) as src, open(blobs / m.name[13:], "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
        manifest = json.loads((blobs / index["manifests"][0]["digest"][7:]).read_bytes())
        config = json.loads((blobs / manifest["config"]["digest"][7:]).read_bytes())
        root = Path(tmp) / "root"
        rels = []
        for dst, data in files.items():
            rel = dst.strip("/")
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
            rels.append(rel)
        top = write_layer(root, rels, Path(tmp) / "top.tar", mtime=0,
                          owner={r: (0, 0) for r in rels}, mode={r: mode for r in rels})
        layers = [{"path": blobs / la["digest"][7:], "digest": la["digest"], "size": la["size"]}
                  for la in manifest["layers"]] + [{**top, "path": Path(tmp) / "top.tar"}]
        history = [h.get("created_by", "") for h in config.get("history", [])]
        return write_archive(out, ref, layers, config["config"],
                             history + [f"derived: {', '.join(sorted(files))}"],
                             skip_missing=thin)


if __name__ == "__main__":
    import argparse
    import sys

    if sys.argv[1:2] == ["--validate"]:  # oci.py --validate ARCHIVE...: check, print a summary
        for arg in sys.argv[2:]:
            for image in validate(Path(arg)):
                print(arg, image)
        sys.exit(0)
    ap = argparse.ArgumentParser(description="write a one-layer OCI image archive of a few files")
    ap.add_argument("--ref", required=True, help="the image name, e.g. registry.k8s.io/pause:3.10")
    ap.add_argument("--entrypoint", required=True)
    ap.add_argument("--file", action="append", required=True, metavar="SRC:DST")
    ap.add_argument("-o", "--out", type=Path, required=True)
    a = ap.parse_args()
    file_image(a.out, a.ref, {d: Path(s) for s, d in (f.split(":", 1) for f in a.file)},
               [a.entrypoint])
    validate(a.out)
    print(a.out)
