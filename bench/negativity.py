"""Negativity detector: precision and recall of complaints on a labelled Russian set.

``bench/data/negativity_ru.tsv`` holds readers' comments written for this purpose, labelled
question, renewal, thanks, neutral, complaint or hostile; complaint and hostile count as
negative. A fixed split by a checksum of the text puts about 70 % in a development part (the
lexicon's weights were set looking at it) and the rest in a held-out part that was not
looked at while tuning; both are printed, the held-out figures are the honest ones.
"""

import argparse
import csv
import time
import zlib
from pathlib import Path

DATA = Path(__file__).parent / "data" / "negativity_ru.tsv"
NEGATIVE = {"complaint", "hostile"}


def held_out(text: str) -> bool:
    return zlib.crc32(text.encode()) % 10 >= 7


def figures(rows, verdicts) -> dict:
    tp = sum(1 for (label, _t), v in zip(rows, verdicts, strict=True) if v and label in NEGATIVE)
    fp = sum(
        1 for (label, _t), v in zip(rows, verdicts, strict=True) if v and label not in NEGATIVE
    )
    fn = sum(
        1 for (label, _t), v in zip(rows, verdicts, strict=True) if not v and label in NEGATIVE
    )
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"n": len(rows), "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same set (it is small)")
    parser.add_argument("--errors", action="store_true", help="print the development errors")
    parser.parse_args()
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from vitrina.inbox.negativity import assess

    with DATA.open(encoding="utf-8") as handle:
        rows = [(row["label"], row["text"]) for row in csv.DictReader(handle, delimiter="\t")]
    started = time.perf_counter()
    verdicts = [assess(text) for _label, text in rows]
    elapsed = time.perf_counter() - started
    parts = {"dev": [], "heldout": []}
    for row, verdict in zip(rows, verdicts, strict=True):
        parts["heldout" if held_out(row[1]) else "dev"].append((row, verdict))
    results = {}
    for name, items in parts.items():
        result = figures([r for r, _v in items], [v.negative for _r, v in items])
        results[name] = result
        print(
            f"{name:8} n={result['n']:3} precision={result['precision']:.3f} "
            f"recall={result['recall']:.3f} (tp={result['tp']} fp={result['fp']} fn={result['fn']})"
        )
        if name == "dev" and parser.parse_args().errors:
            for (label, text), verdict in items:
                if verdict.negative != (label in NEGATIVE):
                    print(f"   {label:9} {verdict.score:4.1f} {verdict.reasons} {text}")
    print(f"{len(rows)} messages in {elapsed * 1000:.0f} ms")
    dev, held = results["dev"], results["heldout"]
    print(
        f"negativity: n={len(rows)} dev_precision={dev['precision']:.3f} "
        f"dev_recall={dev['recall']:.3f} heldout_precision={held['precision']:.3f} "
        f"heldout_recall={held['recall']:.3f} heldout_n={held['n']}"
    )


if __name__ == "__main__":
    main()
