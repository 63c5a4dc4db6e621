"""The embedded PostgreSQL lives as long as some Maillage process uses it."""

import subprocess
import sys

from maillage.database import EmbeddedPostgres

HOLDER = """
import sys
from maillage.database import EmbeddedPostgres
EmbeddedPostgres(sys.argv[1]).ensure_running()
print("ready", flush=True)
sys.stdin.readline()
"""


def _holder(data_dir):
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def _leave(process):
    process.stdin.write("\n")
    process.stdin.flush()
    assert process.wait(timeout=60) == 0


def test_the_server_stops_only_when_its_last_user_leaves(tmp_path):
    data_dir = tmp_path / "data"
    server = EmbeddedPostgres(data_dir)
    first = _holder(data_dir)  # e.g. `maillage serve`
    second = _holder(data_dir)  # e.g. `maillage migrate` in another terminal
    assert server.is_running()
    assert len(server.live_clients()) == 2
    _leave(first)  # the one that started it leaves first
    assert server.is_running(), "the other user still needs it"
    _leave(second)
    assert not server.is_running()


def test_a_killed_user_does_not_keep_the_server_forever(tmp_path):
    data_dir = tmp_path / "data"
    server = EmbeddedPostgres(data_dir)
    crashed = _holder(data_dir)
    crashed.kill()
    crashed.wait()
    survivor = _holder(data_dir)
    assert server.live_clients() == [survivor.pid]
    _leave(survivor)
    assert not server.is_running()
