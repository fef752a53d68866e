"""analysis/ipc.py: messages per endpoint and their latency from the
kernel's @ipc_queue / @ipc_deliver announcements (docs/ipc.md)."""
import json

from analysis_helpers import run_cli, write_log

from analysis import ipc

LINES = [
    "100 NOTE what=ipc_queue id=1 ep=1 from=2",
    "150 NOTE what=ipc_queue id=2 ep=1 from=2",
    "400 NOTE what=ipc_deliver id=1 ep=1 to=3",
    "500 NOTE what=ipc_deliver id=1 ep=0 to=2",       # the reply to call 1
    "900 NOTE what=ipc_deliver id=2 ep=1 to=3",
    "950 NOTE what=ipc_queue id=3 ep=7 from=4",       # never received
    "960 MARK label=ipc_queue id=4 ep=7",              # a user's mark is no announcement
]


def test_latency_per_endpoint(tmp_path):
    stats = ipc.ipc_stats(write_log(tmp_path / "ipc.log", LINES))
    assert stats["replies"] == 1
    assert stats["endpoints"] == [
        {"ep": 1, "queued": 2, "delivered": 2, "undelivered": 0,
         "latency_min": 300, "latency_median": 525, "latency_max": 750},
        {"ep": 7, "queued": 1, "delivered": 0, "undelivered": 1,
         "latency_min": None, "latency_median": None, "latency_max": None},
    ]


def test_command_line(tmp_path):
    log = write_log(tmp_path / "ipc.log", LINES)
    out = run_cli("ipc", log)
    assert out.returncode == 0 and "300 / 525 / 750" in out.stdout and "replies delivered: 1" in out.stdout
    assert json.loads(run_cli("ipc", "--json", log).stdout)["endpoints"][1]["undelivered"] == 1
