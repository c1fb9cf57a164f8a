"""No secret in anything the tests print, log or raise.

tests/conftest.py records, for the whole pytest session, every test's captured stdout and stderr
(file descriptors, so the C++ engine's and the JVM's output too) and log records, every failure's
traceback, the output of every CLI run (the Cli helper) and of every subprocess.run that
captured its output, the text of every arrowroot.Error constructed (raised or caught by
pytest.raises), Python log records, and at the end the Spark cluster's daemon and executor logs
(tests/spark, under $ARROWROOT_SPARK_CLUSTER_DIR). The last test of the session (moved there by
conftest) searches all of it for the S3 secret key, AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN if
set, and every secret a test registered (wrong secrets, session tokens, URL passwords below):
zero hits, else the run fails (conftest's sessionfinish hook checks once more after the last
teardown). It cannot pass vacuously: the scanned text must be non-empty, name S3 objects
(s3://bucket/...), hold a 403 SignatureDoesNotMatch, and contain the canary planted through each
source by test_plant_canaries.

The explicit cases here force the errors most likely to carry a secret (403 with a wrong
secret, an unreachable endpoint, a session token, a password in an http URL, an uncaught error's
traceback in a child process) and check str(), repr(), args and the formatted traceback directly.

Run with the S3 tests: .venv/bin/python -m pytest tests -q (scripts/test does it).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
import uuid
import pytest

import arrowroot
from conftest import SECRETS_SCAN, Secret, require_env, s3_test_settings

pytestmark = pytest.mark.integration

CANARY = f"canary-{uuid.uuid4().hex}"
SECRETS_SCAN.add_marker(CANARY)  # registered at collection, before anything is recorded
CANARY_SOURCES = ("captured", "log", "exception", "cli")
_planted: list[str] = []


@pytest.fixture(scope="module")
def s3() -> dict[str, str]:
    return s3_test_settings()


def _options(s3: dict, **over: str) -> dict[str, str]:
    return {"endpoint_url": s3["endpoint"], "key": s3["access_key"], "secret": s3["secret_key"],
            "region": s3["region"], **over}


def _cli_env(s3: dict, **over: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=s3["access_key"], AWS_SECRET_ACCESS_KEY=s3["secret_key"],
               AWS_ENDPOINT_URL=s3["endpoint"], AWS_REGION=s3["region"])
    env.update(over)
    return env


def _all_text(err: BaseException) -> str:
    """Everything a user could see of an exception."""
    return "\n".join([str(err), repr(err), *map(str, err.args),
                      "".join(traceback.format_exception(err))])


def _assert_clean(text: str, *secrets: str) -> None:
    for i, secret in enumerate(secrets):
        assert secret not in text, f"secret #{i} appears in the output"


def test_plant_canaries(arrowroot_cli):
    """Not a secret: a marker sent through each recorded source, which the final scan must find
    (proves that each source is recorded at all)."""
    print(f"stdout {CANARY}")
    os.write(2, f"fd 2 {CANARY}\n".encode())
    logging.getLogger("arrowroot.tests").warning("log %s", CANARY)
    with pytest.raises(arrowroot.NotFoundError):
        arrowroot.open(f"/nonexistent/{CANARY}.root")
    r = arrowroot_cli.run("ls", f"/nonexistent/{CANARY}.root")
    assert r.returncode == 1 and CANARY in r.stderr
    _planted.append(CANARY)


def test_wrong_secret_403_python_and_cli(s3, secrets_scan, arrowroot_cli):
    wrong = Secret(f"wrong-secret-{uuid.uuid4().hex}")
    secrets_scan.add_secret("a wrong secret key", wrong)
    url = f"s3://{s3['bucket']}/uproot-HZZ.root"
    with pytest.raises(arrowroot.ArrowrootIOError) as info:
        arrowroot.open(url, _options(s3, secret=wrong))
    text = _all_text(info.value)
    assert "SignatureDoesNotMatch" in text and url in text
    _assert_clean(text, wrong, s3["secret_key"])
    r = arrowroot_cli.run("cat", f"{url}:events", "-b", "NMuon", "--stop", "5",
                          env=_cli_env(s3, AWS_SECRET_ACCESS_KEY=wrong), timeout=60)
    assert r.returncode == 1 and "SignatureDoesNotMatch" in r.stderr
    _assert_clean(r.stdout + r.stderr, wrong, s3["secret_key"])


def test_unreachable_endpoint_with_real_credentials(s3, arrowroot_cli):
    url = f"s3://{s3['bucket']}/uproot-HZZ.root"
    with pytest.raises(arrowroot.ArrowrootIOError) as info:
        arrowroot.open(url, _options(s3, endpoint_url="http://127.0.0.1:1", retries=1))
    text = _all_text(info.value)
    assert "127.0.0.1:1" in text and "reachable" in text
    _assert_clean(text, s3["secret_key"])
    r = arrowroot_cli.run("ls", url, env=_cli_env(s3, AWS_ENDPOINT_URL="http://127.0.0.1:1"),
                          timeout=60)
    assert r.returncode == 1 and "127.0.0.1:1" in r.stderr
    _assert_clean(r.stdout + r.stderr, s3["secret_key"])


def test_session_token_is_sent_and_never_shown(s3, secrets_scan, arrowroot_cli):
    """RGW ignores an x-amz-security-token for a plain (non-STS) user: the reads work. Had it
    rejected the token, the error would have to be a clean access-denied; either way the token
    appears nowhere."""
    token = Secret(f"session-token-{uuid.uuid4().hex}")
    secrets_scan.add_secret("a session token", token)
    url = f"s3://{s3['bucket']}/uproot-HZZ.root"
    try:
        with arrowroot.open(url, _options(s3, token=token)) as f:
            assert f["events"].num_entries == 2421
    except arrowroot.ArrowrootIOError as e:  # a rejection must be clean
        text = _all_text(e)
        assert "access denied" in text
        _assert_clean(text, token, s3["secret_key"])
    r = arrowroot_cli.run("cat", f"{url}:events", "-b", "NMuon", "--stop", "3",
                          env=_cli_env(s3, AWS_SESSION_TOKEN=token), timeout=60)
    assert r.returncode in (0, 1) and r.stderr.count("\n") <= 1, r.stderr
    _assert_clean(r.stdout + r.stderr, token, s3["secret_key"])
    # With a wrong secret too: the 403's message names where the credentials came from only.
    with pytest.raises(arrowroot.ArrowrootIOError) as info:
        arrowroot.open(url, _options(s3, token=token, secret=Secret("x" + s3["secret_key"])))
    text = _all_text(info.value)
    assert "credentials: options" in text
    _assert_clean(text, token, s3["secret_key"])


def test_password_in_an_http_url_is_never_shown(secrets_scan, arrowroot_cli):
    password = Secret(f"pw-{uuid.uuid4().hex}")
    secrets_scan.add_secret("a URL password", password)
    base = require_env("ARROWROOT_TEST_HTTP_URL").replace("http://", f"http://user:{password}@")
    with pytest.raises(arrowroot.NotFoundError) as info:
        arrowroot.open(f"{base}/nope.root?X-Amz-Signature={password}")
    text = _all_text(info.value)
    assert "HTTP 404" in text
    _assert_clean(text, password)
    r = arrowroot_cli.run("ls", f"{base}/nope.root", timeout=60)
    assert r.returncode == 1 and "404" in r.stderr
    _assert_clean(r.stdout + r.stderr, password)


def test_uncaught_error_traceback_in_a_child_process(s3, secrets_scan):
    """A user's script dying of an arrowroot error: the whole traceback it prints."""
    wrong = Secret(f"wrong-secret-{uuid.uuid4().hex}")
    secrets_scan.add_secret("a wrong secret key", wrong)
    code = ("import os, arrowroot\n"
            "e = os.environ\n"
            "arrowroot.open(e['URL'], {'endpoint_url': e['AWS_ENDPOINT_URL'],\n"
            "    'key': e['AWS_ACCESS_KEY_ID'], 'secret': e['AWS_SECRET_ACCESS_KEY'],\n"
            "    'region': e['AWS_REGION']})\n")
    env = _cli_env(s3, AWS_SECRET_ACCESS_KEY=wrong,
                   URL=f"s3://{s3['bucket']}/uproot-HZZ.root")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1 and "Traceback" in r.stderr and "ArrowrootIOError" in r.stderr
    _assert_clean(r.stdout + r.stderr, wrong, s3["secret_key"])


@pytest.mark.secrets_scan_last
def test_no_secret_in_anything_the_session_printed(s3, secrets_scan):
    secrets_scan.add_spark_logs()
    scope = secrets_scan.scope()
    names = secrets_scan.secret_names()
    assert "the test S3 secret key" in names
    assert sum(scope.values()) > 0, "nothing was recorded: the scan would be vacuous"
    # Allowed to appear, and must: the objects the S3 tests read (and failed to read).
    assert secrets_scan.contains(f"s3://{s3['bucket']}/"), f"no S3 object named in {scope}"
    assert secrets_scan.contains("SignatureDoesNotMatch"), "no 403 was recorded"
    for canary in _planted:
        seen = secrets_scan.marker_sources(canary)
        for source in CANARY_SOURCES:
            assert seen.get(source), \
                f"the canary sent through '{source}' was not recorded ({seen}): {scope}"
    leaks = secrets_scan.leaks()
    assert not leaks, f"secrets in the output: {leaks} (scanned {scope})"
