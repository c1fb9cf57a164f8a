"""Write a one-layer OCI image archive of a few files (the local cluster's `pause` sandbox image):

    tiny_image.py --ref registry.k8s.io/pause:3.10 --entrypoint /pause --file SRC:/pause -o out.tar

The archive is an OCI image layout in a tar (oci-layout, index.json, blobs/sha256/...), what
`ctr images import` reads; the reference goes in the index's org.opencontainers.image.ref.name
annotation (OCI image-spec, "image-layout.md" and "annotations.md").
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import tarfile


def _layer(files: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for src, dst in files:
            info = tar.gettarinfo(src, arcname=dst.lstrip("/"))
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            with open(src, "rb") as f:
                tar.addfile(info, f)
    return buf.getvalue()


def _blob(tar: tarfile.TarFile, data: bytes) -> dict:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest.split(":")[1])
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
    return {"digest": digest, "size": len(data)}


def write(ref: str, entrypoint: list[str], files: list[tuple[str, str]], out: str) -> None:
    layer = _layer(files)
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"Entrypoint": entrypoint},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
    }
    with tarfile.open(out, "w") as tar:
        lay = _blob(tar, layer)
        cfg = _blob(tar, json.dumps(config, sort_keys=True).encode())
        manifest = {
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **cfg},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **lay}],
        }
        man = _blob(tar, json.dumps(manifest, sort_keys=True).encode())
        index = {"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", **man,
            "annotations": {"org.opencontainers.image.ref.name": ref}}]}
        for name, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                           ("index.json", json.dumps(index).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True)
    ap.add_argument("--entrypoint", required=True)
    ap.add_argument("--file", action="append", required=True, help="SRC:DST")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    write(a.ref, [a.entrypoint], [tuple(f.split(":", 1)) for f in a.file], a.out)
    print(a.out)


if __name__ == "__main__":
    main()
