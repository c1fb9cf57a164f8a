"""arrowroot._options: the storage-option table, FILE:OBJECT splitting and glob expansion (no
server needed)."""

from __future__ import annotations

import re

import pytest

import arrowroot
from arrowroot import _core
from arrowroot._options import (
    CREDENTIAL_KEYS,
    STORAGE_KEYS,
    check_storage_options,
    expand_glob,
    has_glob,
    split_object,
    storage_option_from_text,
)


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("data/f.root:Events", ("data/f.root", "Events")),
        ("data/*.root", ("data/*.root", None)),
        ("s3://bucket/run/f.root:dir/Events", ("s3://bucket/run/f.root", "dir/Events")),
        ("s3://bucket/run/f.root", ("s3://bucket/run/f.root", None)),
        ("https://host:8443/f.root", ("https://host:8443/f.root", None)),
        ("https://host:8443/f.root:events", ("https://host:8443/f.root", "events")),
        ("https://host", ("https://host", None)),
    ],
)
def test_file_specs_split_the_tree_after_the_path_only(spec, expected):
    assert split_object(spec) == expected


def test_the_table_knows_the_keys_the_extension_knows():
    # The extension parses the keys again in C++; its error lists the s3fs spellings.
    with pytest.raises(arrowroot.InvalidArgumentError) as info:
        _core.glob("s3://bucket/*.root", {"no_such_option": 1})
    known = re.search(r"known: (.*)$", str(info.value)).group(1)
    assert set(known.split(", ")) == STORAGE_KEYS


def test_credentials_in_every_spelling():
    assert CREDENTIAL_KEYS == {"key", "secret", "token", "access_key_id", "secret_access_key",
                               "session_token", "aws_access_key_id", "aws_secret_access_key",
                               "aws_session_token"}


def test_options_are_checked_by_type_and_range():
    assert check_storage_options(None) == {}
    assert check_storage_options({"retries": 3, "read_timeout": 5, "anon": True, "region": None,
                                  "future_key": "x"}) == {
        "retries": 3, "read_timeout": 5.0, "anon": True, "future_key": "x"}
    with pytest.raises(TypeError, match=r"storage_options\['verify'\] must be True or False"):
        check_storage_options({"verify": "yes"})
    with pytest.raises(arrowroot.InvalidArgumentError, match=r"= -1 is out of range \(0 to"):
        check_storage_options({"retries": -1})
    with pytest.raises(arrowroot.InvalidArgumentError, match=r"= 0 must be > 0 and finite"):
        check_storage_options({"connect_timeout": 0})


def test_options_given_as_text_take_their_type():
    assert storage_option_from_text("anon", " True ") is True
    assert storage_option_from_text("verify", "off") is False
    assert storage_option_from_text("retries", "4") == 4
    assert storage_option_from_text("max_waste_ratio", "0.25") == 0.25
    assert storage_option_from_text("endpoint_url", "http://h:1") == "http://h:1"


def test_globs_expand_locally_and_urls_without_a_listing_stay(tmp_path):
    for name in ("b.root", "a.root", "c.txt"):
        (tmp_path / name).write_bytes(b"")
    assert not has_glob(str(tmp_path / "a.root")) and has_glob(str(tmp_path / "*.root"))
    assert expand_glob(str(tmp_path / "*.root")) == [str(tmp_path / "a.root"),
                                                     str(tmp_path / "b.root")]
    assert expand_glob(f"file://{tmp_path}/?.root") == [f"file://{tmp_path}/a.root",
                                                        f"file://{tmp_path}/b.root"]
    assert expand_glob("https://host/run/*.root") == ["https://host/run/*.root"]
    assert expand_glob("s3://bucket/f.root") == ["s3://bucket/f.root"]
    with pytest.raises(arrowroot.NotFoundError, match="no file matches '.*nothing-\\*'"):
        expand_glob(str(tmp_path / "nothing-*"))
