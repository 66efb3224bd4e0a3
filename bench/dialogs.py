"""How fast readers' dialogs open in the sandbox and how fast the providers write into them.

For each network that writes first (VK, MAX, Telegram) the sandbox, in a separate process
without its limits, opens N readers' dialogs in one control call; then one worker sends M
messages with a button into M of those dialogs through the provider. With ``--limits`` the
sandbox keeps the networks' own limits and the refusals it answered are counted.

    python bench/dialogs.py            # 20,000 dialogs, 5,000 messages per network
    python bench/dialogs.py --quick    # 20,000 dialogs, 1,000 messages, under a minute

The last line is ``dialogs: key=value ...`` for collecting results.
"""

import argparse
import subprocess
import sys
import time

import httpx

from vitrina.channels.providers.errors import RateLimited
from vitrina.channels.providers.types import Button, DirectMessage
from vitrina.sandbox.server import free_port
from vitrina.sandbox.testing import SandboxClient

ACCOUNTS = {"vk": "vk:medlib42", "max": "max:medlib42", "telegram": "telegram:medlib42_news"}
SERVER = (
    "from vitrina.sandbox.server import serve; from vitrina.sandbox.state import Settings; "
    "serve(port={port}, settings=Settings(enforce_limits={limits}, readers=False))"
)
# The providers' own pacing is lifted: what is measured is the round trip, not the pace.
UNPACED = {"community_rps": 1e6, "chat_rps": 1e6, "bot_rps": 1e6}


def start_sandbox(limits: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = SERVER.format(port=port, limits=limits)
    process = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/sandbox/control/clock", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the sandbox did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--dialogs", type=int, default=20_000)
    parser.add_argument("--messages", type=int)
    parser.add_argument("--limits", action="store_true", help="keep the networks' limits")
    args = parser.parse_args()
    messages = args.messages or (1_000 if args.quick else 5_000)
    messages = min(messages, args.dialogs)
    process, url = start_sandbox(args.limits)
    sandbox = SandboxClient(url)
    summary = {}
    try:
        for network, key in ACCOUNTS.items():
            readers = list(range(30_000_000, 30_000_000 + args.dialogs))
            started = time.perf_counter()
            sandbox.dialogs_open(key, readers)
            opened = time.perf_counter() - started
            provider = sandbox.provider(network, rates=UNPACED)
            account = sandbox.account(key)
            buttons = [Button("Продлить", payload="renew"), Button("Мои книги", payload="books")]
            limited = 0
            started = time.perf_counter()
            for reader in readers[:messages]:
                message = DirectMessage(
                    str(reader), "Срок возврата книги — завтра.", key=f"b-{reader}", buttons=buttons
                )
                try:
                    provider.send_direct(account, message)
                except RateLimited:
                    limited += 1
            sent = time.perf_counter() - started
            rate = messages / sent
            print(
                f"{network}: {args.dialogs} dialogs opened in {opened:.2f} s; "
                f"{messages} messages in {sent:.2f} s ({rate:.0f}/s), {limited} refused"
            )
            summary[f"{network}_open_s"] = f"{opened:.2f}"
            summary[f"{network}_send_rps"] = f"{rate:.0f}"
            summary[f"{network}_refused"] = limited
        refusals = sandbox.limits()
        summary["sandbox_refusals"] = sum(refusals.values())
    finally:
        process.terminate()
        process.wait(10)
    summary.update(dialogs=args.dialogs, messages=messages)
    print("dialogs: " + " ".join(f"{k}={v}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
