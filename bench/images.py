"""Accepting a very large upload: peak memory and time of ``convert_image``.

Each case runs in a fresh process, so its peak resident memory is its own. Prints one line
per case and ends with ``images: ...``. ``--quick`` uses smaller pictures.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CASE = r"""
import json, sys, time
import os
from django.conf import settings
# No project settings: the conversion needs none, and the start-up would cloud the peak.
settings.configure(USE_I18N=False)
from vitrina.content.images import convert_image
from vitrina.core.exceptions import ServiceError
data = open(sys.argv[1], "rb").read()
def status(field):
    line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
    return int(line.split()[1])
# Start the peak afresh (Linux): what the imports took and gave back does not count.
open("/proc/self/clear_refs", "w").write("5")
base = status("VmRSS")
start = time.perf_counter()
try:
    result = convert_image(data, name="big")
    outcome = f"{result.width}x{result.height}"
except ServiceError as error:
    outcome = "refused: " + error.message
seconds = time.perf_counter() - start
peak = status("VmHWM")
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "base_mb": base / 1024,
                  "outcome": outcome}))
"""


def make(path: Path, kind: str, width: int, height: int) -> None:
    from PIL import Image

    # A gradient, not a flat colour: encoders then do real work.
    image = Image.linear_gradient("L").resize((width, height))
    if kind == "JPEG":
        image.convert("RGB").save(path, format=kind, quality=90)
    else:
        # With transparency, as a poster or a screenshot may be: it stays PNG.
        image.convert("RGBA").save(path, format=kind, compress_level=1)


def run(path: Path) -> dict:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", CASE, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    cases = [
        ("PNG", 8900, 6650),
        ("JPEG", 8900, 6650),
        ("PNG", 5700, 4380),
        ("PNG", 4000, 3000),
    ]
    if args.quick:
        cases = [("PNG", 6000, 4500), ("JPEG", 6000, 4500), ("PNG", 4000, 3000)]
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, width, height in cases:
            path = Path(folder) / f"big.{kind.lower()}"
            make(path, kind, width, height)
            megapixels = width * height / 1e6
            result = run(path)
            size = path.stat().st_size / 1e6
            print(
                f"{kind} {width}x{height} ({megapixels:.0f} MP, {size:.1f} MB): "
                f"+{result['peak_mb'] - result['base_mb']:.0f} MB at peak, "
                f"{result['seconds']:.2f} s, "
                f"{result['outcome']}"
            )
            added = result["peak_mb"] - result["base_mb"]
            figures.append(f"{kind.lower()}{megapixels:.0f}mp_added_mb={added:.0f}")
    print("images: " + " ".join(figures))


if __name__ == "__main__":
    main()
