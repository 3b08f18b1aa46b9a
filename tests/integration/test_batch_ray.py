"""`desktop-ocr batch --ray` against a real local Ray instance gives the local pool's results.

Ray runs in a network namespace of its own that has only the loopback interface, so
nothing it starts can be reached from outside, and in a PID namespace, so every process
it starts ends with the test. The test starts a Ray head there with a small object store
and joins it by address; then a batch without an address starts its own local Ray.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from benchmarks.batch_folder import make_batch_folder
from desktop_ocr.services.batch import UP_TO_DATE
from desktop_ocr.services.batch_store import read_manifest
from tests.integration.test_batch import by_status, result_path, without_timings
from tests.integration.test_cli import REPO, cli

pytestmark = pytest.mark.slow
RAY_PORT = 6379
OBJECT_STORE_BYTES = 100 * 10**6


def namespaces_available() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


if importlib.util.find_spec("ray") is None:
    pytest.skip('Ray is not installed: pip install -e ".[ray]"', allow_module_level=True)
if not namespaces_available():
    pytest.skip("unshare cannot make network and PID namespaces here", allow_module_level=True)


@pytest.fixture(scope="module")
def inputs(samples_dir, tmp_path_factory):
    folder = make_batch_folder(tmp_path_factory.mktemp("ray") / "scans", samples_dir, 24, 0.125)
    page = folder.root / "page.jpg"  # a real page with many lines among the crops
    shutil.copyfile(samples_dir / "rapidocr" / "ch_en_num.jpg", page)
    return folder, [*folder.good, page]


def run_in_namespace(script: str) -> subprocess.CompletedProcess:
    """Runs `script` with bash inside new network (loopback only) and PID namespaces."""
    ray_tmp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # Unix socket paths must be short
    env_lines = [
        "set -u",
        "ip link set lo up",
        f"export RAY_TMPDIR={shlex.quote(ray_tmp)} PYTHONPATH={shlex.quote(str(REPO))}",
        "export RAY_USAGE_STATS_ENABLED=0 RAY_AUTH_MODE=token",
        # The cluster's token, known to the head and to the batch that joins it.
        f"export RAY_AUTH_TOKEN={secrets.token_hex(32)}",
    ]
    try:
        namespaces = ["unshare", "--net", "--pid", "--fork", "--mount-proc"]
        return subprocess.run(
            [*namespaces, "bash", "-c", "\n".join([*env_lines, script])],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            timeout=400,
        )
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)


def test_ray_batch_gives_the_local_results_and_resumes_like_it(inputs, tmp_path):
    folder, good = inputs
    root = folder.root
    local = tmp_path / "local"
    proc = cli("batch", "--workers", "2", str(root), "--out", str(local))
    assert proc.returncode == 1, proc.stderr[-3000:]

    # The cluster run starts with half of the results already there (copied with their
    # times), so it must skip those and read the rest.
    joined = tmp_path / "joined"
    kept = good[::2]
    for path in kept:
        for fmt in ("json", "txt"):
            target = result_path(joined, root, path, fmt)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(result_path(local, root, path, fmt), target)
    started = tmp_path / "started"

    py = shlex.quote(sys.executable)
    ray = shlex.quote(str(Path(sys.executable).parent / "ray"))
    batch = f"{py} -m desktop_ocr batch"
    script = f"""
{ray} start --head --node-ip-address=127.0.0.1 --port={RAY_PORT} --num-cpus=2 \\
    --object-store-memory={OBJECT_STORE_BYTES} --include-dashboard=false >/dev/null 2>&1 \\
    || {{ echo "ray start failed"; exit 3; }}
{batch} --ray 127.0.0.1:{RAY_PORT} --workers 2 {shlex.quote(str(root))} \\
    --out {shlex.quote(str(joined))}
echo "joined exit $?"
{batch} --ray {shlex.quote(str(root))} --out {shlex.quote(str(started))}
echo "started exit $?"
"""
    proc = run_in_namespace(script)
    output = proc.stdout + proc.stderr
    assert "joined exit 1" in proc.stdout, output[-4000:]  # 1: the broken files failed
    assert "started exit 1" in proc.stdout, output[-4000:]
    joined_with = f"with the Ray cluster at 127.0.0.1:{RAY_PORT}: 2 actor(s) x 1 CPU thread(s)"
    assert joined_with in proc.stderr
    assert "reading with a new local Ray: one actor per 1 CPU(s) of the cluster" in proc.stderr
    assert "with a new local Ray: 2 actor(s) x 1 CPU thread(s)" in proc.stderr

    local_rows = by_status(read_manifest(local))
    for out in (joined, started):
        for path in good:
            for fmt in ("json", "txt"):
                assert result_path(out, root, path, fmt).exists(), (out, path)
            ours = json.loads(result_path(out, root, path).read_text(encoding="utf-8"))
            theirs = json.loads(result_path(local, root, path).read_text(encoding="utf-8"))
            assert without_timings(ours) == without_timings(theirs), path
            assert (
                result_path(out, root, path, "txt").read_bytes()
                == result_path(local, root, path, "txt").read_bytes()
            )
        rows = by_status(read_manifest(out))
        assert {i: r["reason"] for i, r in rows["failed"].items()} == {
            i: r["reason"] for i, r in local_rows["failed"].items()
        }
        assert len(rows["failed"]) == len(folder.bad) == 3

    rows = by_status(read_manifest(joined))
    up_to_date = {i for i, r in rows["skipped"].items() if r["reason"] == UP_TO_DATE}
    assert up_to_date == {str(p) for p in kept}
    assert set(rows["done"]) == {str(p) for p in good} - up_to_date
    # Read by Ray's actors, not by the batch process (whose pid ends the run's id).
    batch_pid = next(iter(rows["done"].values()))["run"].rsplit("-", 1)[1]
    readers = {r["worker"].rsplit(":", 1)[1] for r in rows["done"].values()}
    assert readers and batch_pid not in readers
    assert set(by_status(read_manifest(started))["done"]) == {str(p) for p in good}
    lines = json.loads(result_path(joined, root, root / "page.jpg").read_text(encoding="utf-8"))
    assert lines["lines"][0]["text"] == "正品促销"
