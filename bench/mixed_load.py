"""Mixed load at 1M leads: staff pages and API intake together, for 60 s, with memory watched.

Starts `serve --workers 2`, one `worker` and the `scheduler` against the seeded MariaDB database
(bench/seed.py) and Redis, signs a manager in, and drives 16 connections with wrk (bench/wrk/mixed.lua):
lead list, search, detail, status change and API intake. Every 5 s it reads the resident memory of
each web process and of the worker. Prints throughput, latency, every response status, and memory at
start and end; exits 1 on any error (a status other than 200/201/303, or a socket error) or if a
process grew by more than --max-growth MiB after the warm-up.

    .venv/bin/python bench/mixed_load.py                  # 60 s
    .venv/bin/python bench/mixed_load.py --duration 20
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
CLI = str(ROOT / ".venv" / "bin" / "leadsmanager")
DEFAULT_URL = "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench"
OK_STATUSES = {200, 201, 303}


def main() -> int:
    args = parse()
    work = Path(tempfile.mkdtemp(prefix="leadsmanager-mixed-"))
    env = environment(args, work)
    subprocess.run([CLI, "db", "upgrade"], env=env, check=True, capture_output=True)
    key = subprocess.run(
        [CLI, "api-keys", "create", f"mixed load {int(time.time())}", "--scope", "leads:write"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    facts = read_facts(args.url, work)
    processes = start(env, args.port, work)
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_up(base)
        cookie, csrf = sign_in(base, facts["manager"])
        samples: dict[str, list[int]] = {}
        stop = threading.Event()
        watcher = threading.Thread(target=watch, args=(processes, samples, stop), daemon=True)
        watcher.start()
        wrk_env = env | {
            "BENCH_COOKIE": cookie, "BENCH_CSRF": csrf, "BENCH_KEY": key, "BENCH_MAX_ID": facts["max_id"],
            "BENCH_NEW_IDS": facts["new_ids"], "BENCH_NAMES": facts["names"],
        }  # fmt: skip
        command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
        command += ["-s", str(ROOT / "bench" / "wrk" / "mixed.lua"), base]
        output = subprocess.run(command, env=wrk_env, check=True, capture_output=True, text=True).stdout
        stop.set()
        watcher.join()
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(30)
    return report(output, samples, args.max_growth)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("LEADSMANAGER_BENCH_MYSQL_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--max-growth", type=float, default=50.0, help="MiB a process may grow after warm-up")
    return parser.parse_args()


def environment(args: argparse.Namespace, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSMANAGER_")}
    return env | {
        "LEADSMANAGER_DATABASE_URL": args.url,
        "LEADSMANAGER_REDIS_URL": args.redis_url,
        "LEADSMANAGER_DATA_DIR": str(work),
        "LEADSMANAGER_ALLOWED_HOSTS": "127.0.0.1",
        "LEADSMANAGER_SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
        "LEADSMANAGER_API_REQUESTS_PER_MINUTE": "100000000",
        "LEADSMANAGER_LOG_FORMAT": "json",
    }


def read_facts(url: str, work: Path) -> dict[str, str]:
    engine = create_engine(make_url(url))
    with engine.connect() as db:
        max_id = db.execute(text("SELECT MAX(id) FROM leads")).scalar_one()
        manager = db.execute(text("SELECT email FROM users WHERE role = 'manager' AND active LIMIT 1")).scalar_one()
        new_ids = db.execute(text("SELECT id FROM leads WHERE status = 'new' ORDER BY id DESC LIMIT 40000")).scalars()
        names = db.execute(
            text("SELECT DISTINCT SUBSTRING_INDEX(contact_name, ' ', -1) FROM leads WHERE id % 50000 = 7 LIMIT 20")
        ).scalars()
        ids_file = work / "new_ids.txt"
        ids_file.write_text("\n".join(str(i) for i in new_ids) + "\n")
        facts = {"max_id": str(max_id), "manager": manager, "new_ids": str(ids_file)}
        facts["names"] = ",".join(re.sub(r"[^A-Za-z]", "", n) for n in names if re.sub(r"[^A-Za-z]", "", n))
    engine.dispose()
    return facts


def start(env: dict[str, str], port: int, work: Path) -> dict[str, subprocess.Popen[bytes]]:
    def run(name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (work / f"{name}.log").open("wb")
        return subprocess.Popen([CLI, *args], env=env, stdout=log, stderr=log)

    return {
        "serve": run("serve", "serve", "--workers", "2", "--port", str(port)),
        "worker": run("worker", "worker", "--threads", "4"),
        "scheduler": run("scheduler", "scheduler"),
    }


def wait_up(base: str) -> None:
    for _ in range(200):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the web app did not start")


def sign_in(base: str, email: str) -> tuple[str, str]:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post("/login", data={"email": email, "password": "bench-password", "csrf_token": token})
        if answer.status_code != 303:
            raise SystemExit(f"sign-in failed: {answer.status_code}")
        session = client.cookies["lm_session"]
        return f"lm_session={session}", csrf_of(client.get("/leads/mine").text)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found is None:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def watch(processes: dict[str, subprocess.Popen[bytes]], samples: dict[str, list[int]], stop: threading.Event) -> None:
    while not stop.wait(5.0):
        pids = {"worker": processes["worker"].pid}
        for n, child in enumerate(children(processes["serve"].pid)):
            pids[f"web {n + 1}"] = child
        for name, pid in pids.items():
            samples.setdefault(name, []).append(rss_kib(pid))


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    # uvicorn's supervisor spawns the web workers; its other child is multiprocessing's resource tracker.
    return sorted(c for c in found if "resource_tracker" not in Path(f"/proc/{c}/cmdline").read_text(errors="replace"))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def report(output: str, samples: dict[str, list[int]], max_growth: float) -> int:
    print(output)
    statuses = {int(s): int(n) for s, n in re.findall(r"status (\d+): (\d+)", output)}
    errors = sum(n for s, n in statuses.items() if s not in OK_STATUSES)
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    grew = False
    print("memory (MiB, resident): after warm-up -> end (max)")
    for name, values in sorted(samples.items()):
        warm = values[min(2, len(values) - 1)]  # the third sample: 15 s in
        growth = (values[-1] - warm) / 1024
        grew |= growth > max_growth
        print(
            f"  {name:8} {warm / 1024:7.1f} -> {values[-1] / 1024:7.1f} (max {max(values) / 1024:.1f}), {growth:+.1f}"
        )
    print(f"errors: {errors}")
    return 1 if errors or grew else 0


if __name__ == "__main__":
    sys.exit(main())
