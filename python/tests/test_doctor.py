"""arrowroot.doctor's S3 check picks its advice from the error's code, not its wording (no
server needed: the errors are made here)."""

from __future__ import annotations

import arrowroot
from arrowroot import doctor


def _error(cls, code: str, retryable: bool, message: str = "listing s3://b/*: failed"):
    e = cls(message)
    e.code, e.retryable = code, retryable  # as the extension sets them
    return e


def test_access_denied_points_at_the_credentials():
    e = _error(arrowroot.ArrowrootIOError, "io_error", False,
               "listing s3://b/*: access denied, HTTP 403 SignatureDoesNotMatch")
    assert doctor._s3_fix(e).startswith("check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")


def test_a_missing_bucket_points_at_the_name_and_addressing():
    e = _error(arrowroot.NotFoundError, "not_found", False)
    assert doctor._s3_fix(e).startswith("check the bucket name")


def test_a_network_failure_that_may_pass_gets_the_general_advice():
    e = _error(arrowroot.ArrowrootIOError, "io_error", True,
               "listing s3://b/*: HTTP 503 SlowDown (gave up after 4 tries)")
    assert doctor._s3_fix(e).startswith("see the message")
    # The wording does not matter, only the code: "403" in a retryable error is not a
    # credentials problem, and a not_found with no "404" in it is still a missing bucket.
    assert doctor._s3_fix(_error(arrowroot.ArrowrootIOError, "io_error", True, "403")) \
        .startswith("see the message")
    assert doctor._s3_fix(_error(arrowroot.NotFoundError, "not_found", False, "gone")) \
        .startswith("check the bucket name")
