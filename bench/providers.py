"""How fast the providers publish through the sandbox, and what they cost over bare HTTP.

For each network one worker process publishes N text posts through its provider, and sends
the same N requests as bare httpx round trips (prepared once). Both run in this process
against a sandbox in a separate process, so the CPU time measured here is the client's
alone. The sandbox's own capacity is measured with bare round trips from four threads.

    python bench/providers.py           # full run
    python bench/providers.py --quick   # under a minute

The last line is ``providers: key=value ...`` for collecting results.
"""

import argparse
import subprocess
import sys
import threading
import time

import httpx

from vitrina.channels.providers.ok import signature
from vitrina.channels.providers.ratelimit import Limiter
from vitrina.channels.providers.types import Payload
from vitrina.sandbox.server import free_port
from vitrina.sandbox.testing import SandboxClient

ACCOUNTS = {
    "vk": "vk:medlib42",
    "ok": "ok:group/70000001234567",
    "telegram": "telegram:medlib42_news",
    "max": "max:medlib42",
}
SERVER = (
    "from vitrina.sandbox.server import serve; from vitrina.sandbox.state import Settings; "
    "serve(port={port}, settings=Settings(enforce_limits=False, readers=False))"
)


def start_sandbox() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/sandbox/control/clock", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the sandbox did not start")


def bare_request(sandbox: SandboxClient, network: str):
    """The request the provider sends for a text post, prepared once."""
    account = sandbox.account(ACCOUNTS[network])
    base = sandbox.api_url(network)
    if network == "vk":
        data = {
            "owner_id": -int(account.external_id),
            "from_group": 1,
            "message": "Текст записи",
            "v": "5.199",
            "access_token": account.tokens["user"],
        }
        return {"method": "POST", "url": f"{base}/method/wall.post", "data": data}
    if network == "ok":
        attachment = '{"media": [{"type": "text", "text": "Текст записи"}]}'
        data = {
            "type": "GROUP_THEME",
            "gid": account.external_id,
            "attachment": attachment,
            "method": "mediatopic.post",
            "application_key": account.tokens["application_key"],
            "format": "json",
        }
        token = account.tokens["access_token"]
        data["sig"] = signature(data, token, account.tokens["application_secret_key"])
        data["access_token"] = token
        return {"method": "POST", "url": f"{base}/fb.do", "data": data}
    if network == "telegram":
        return {
            "method": "POST",
            "url": f"{base}/bot{account.tokens['bot']}/sendMessage",
            "json": {"chat_id": account.external_id, "text": "Текст записи"},
        }
    return {
        "method": "POST",
        "url": f"{base}/messages",
        "params": {"chat_id": account.external_id},
        "json": {"text": "Текст записи", "attachments": [], "notify": True},
        "headers": {"Authorization": account.tokens["bot"]},
    }


def measure(call, count: int) -> tuple[float, float]:
    """(seconds of wall time, seconds of this process's CPU) for ``count`` calls."""
    wall, cpu = time.perf_counter(), time.process_time()
    for number in range(count):
        call(number)
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_network(sandbox: SandboxClient, network: str, count: int) -> dict:
    fast = {"vk": {"user_rps": 1e9}, "ok": {"rps": 1e9}}.get(
        network, {"chat_rps": 1e9, "bot_rps": 1e9}
    )
    provider = sandbox.provider(network, limiter=Limiter(), rates=fast)
    account = sandbox.account(ACCOUNTS[network])
    request = bare_request(sandbox, network)
    client = httpx.Client()

    def bare(number):
        response = client.request(**request)
        response.raise_for_status()
        response.json()

    def publish(number):
        provider.publish(account, Payload(text="Текст записи", marker=f"bench-{number}"))

    for warm in (bare, publish):
        measure(warm, 20)
    # Interleaved rounds, so a slowly filling sandbox or a busy machine hurts both alike.
    bare_wall = bare_cpu = wall = cpu = 0.0
    rounds = 5
    for _ in range(rounds):
        seconds, used = measure(bare, count // rounds)
        bare_wall, bare_cpu = bare_wall + seconds, bare_cpu + used
        seconds, used = measure(publish, count // rounds)
        wall, cpu = wall + seconds, cpu + used
    count = count // rounds * rounds
    client.close()
    provider.close()
    return {
        "rps": count / wall,
        "bare_rps": count / bare_wall,
        "cpu_us": cpu / count * 1e6,
        "bare_cpu_us": bare_cpu / count * 1e6,
        "overhead_us": (cpu - bare_cpu) / count * 1e6,
        "ratio": cpu / bare_cpu if bare_cpu else 0.0,
    }


def sandbox_capacity(sandbox: SandboxClient, count: int, threads: int = 4) -> float:
    request = bare_request(sandbox, "telegram")

    def worker():
        with httpx.Client() as client:
            for _ in range(count // threads):
                client.request(**request).raise_for_status()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return (count // threads * threads) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument("--count", type=int, help="posts per network")
    args = parser.parse_args()
    count = args.count or (1000 if args.quick else 5000)
    process, url = start_sandbox()
    try:
        sandbox = SandboxClient(url)
        results = {}
        for network in ACCOUNTS:
            result = bench_network(sandbox, network, count)
            results[network] = result
            print(
                f"{network:9} {result['rps']:7.0f} posts/s through the provider, "
                f"{result['bare_rps']:7.0f} req/s bare; CPU {result['cpu_us']:6.0f} µs/call "
                f"vs {result['bare_cpu_us']:6.0f} µs bare: overhead {result['overhead_us']:5.0f} "
                f"µs/call (x{result['ratio']:.2f})"
            )
        capacity = sandbox_capacity(sandbox, count * 2)
        print(f"sandbox   {capacity:7.0f} req/s (bare round trips from 4 threads)")
    finally:
        process.terminate()
        process.wait(timeout=10)
    fields = []
    for network, result in results.items():
        fields += [
            f"{network}_rps={result['rps']:.0f}",
            f"{network}_cpu_us={result['cpu_us']:.0f}",
            f"{network}_overhead_us={result['overhead_us']:.0f}",
            f"{network}_ratio={result['ratio']:.2f}",
        ]
    worst = max(r["overhead_us"] for r in results.values())
    fields += [f"sandbox_rps={capacity:.0f}", f"worst_overhead_us={worst:.0f}", f"count={count}"]
    print("providers: " + " ".join(fields))


if __name__ == "__main__":
    main()
