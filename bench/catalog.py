"""Import speed of the catalogue: 100,000 RUSMARC records (ISO 2709, cp1251) into a database.

    python bench/catalog.py            # 100,000 records
    python bench/catalog.py --quick    # 10,000 records, well under a minute

The database is a fresh SQLite file unless VITRINA_DATABASE_URL points elsewhere (for
example PostgreSQL); the benchmark's organisation is removed afterwards. The file is made
first and not timed; the timed part is the import service: reading, mapping, ГОСТ
descriptions, search words and storing. A second import of the same file (all updates)
is timed as well. The last line is machine-readable.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = ["Иванов", "Петрова", "Сидоров", "Кузнецова", "Бакулев", "Пирогов", "Сеченов", "Ильина"]
WORDS = [
    "хирургия", "сердца", "терапия", "детская", "болезни", "очерки", "медицина", "история",
    "анатомия", "фармакология", "кардиология", "основы", "руководство", "практика", "врача",
]  # fmt: skip
SUBJECTS = ["Хирургия", "Кардиология", "Педиатрия", "Терапия", "История медицины"]
PUBLISHERS = ["ГЭОТАР-Медиа", "Медицина", "БИНОМ", "Феникс", "Юрайт"]


def field(tag: str, *subfields: tuple[str, str]) -> tuple[str, bytes]:
    data = b"##" + b"".join(
        b"\x1f" + code.encode() + value.encode("cp1251") for code, value in subfields
    )
    return tag, data + b"\x1e"


def iso2709(fields: list[tuple[str, bytes]]) -> bytes:
    """An ISO 2709 record: leader, directory, data, terminator."""
    directory, data = b"", b""
    for tag, value in fields:
        directory += f"{tag}{len(value):04d}{len(data):05d}".encode()
        data += value
    directory += b"\x1e"
    base = 24 + len(directory)
    length = base + len(data) + 1
    leader = f"{length:05d}nam0 22{base:05d}   450 ".encode()
    return leader + directory + data + b"\x1d"


def make_file(count: int, seed: int = 42) -> bytes:
    rng = random.Random(seed)
    records = []
    for number in range(1, count + 1):
        title = " ".join(rng.sample(WORDS, 3)).capitalize()
        surname = rng.choice(SURNAMES)
        year = str(rng.randint(1950, 2026))
        records.append(
            iso2709(
                [
                    ("001", f"BENCH/{number:07d}".encode() + b"\x1e"),
                    field("010", ("a", f"978-5-{number:07d}-0")),
                    field("100", ("a", f"20250101d{year}    k  y0rusy89  ca")),
                    field("200", ("a", title), ("e", "учебник"), ("f", f"А. Б. {surname}")),
                    field("210", ("a", "Москва"), ("c", rng.choice(PUBLISHERS)), ("d", year)),
                    field("215", ("a", f"{rng.randint(50, 900)} с.")),
                    field("606", ("a", rng.choice(SUBJECTS))),
                    field("700", ("a", surname), ("b", "А. Б.")),
                    field("801", ("a", "RU"), ("b", "BENCH")),
                ]
            )
        )
    return b"".join(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 records instead of 100,000")
    parser.add_argument("--records", type=int, help="how many records to import")
    args = parser.parse_args()
    count = args.records or (10_000 if args.quick else 100_000)

    os.environ.setdefault("VITRINA_DEMO", "1")
    os.environ.setdefault("VITRINA_DATA_DIR", tempfile.mkdtemp(prefix="vitrina-bench-"))
    if "VITRINA_DATABASE_URL" not in os.environ:
        os.environ["VITRINA_DATABASE_URL"] = (
            f"sqlite:///{os.environ['VITRINA_DATA_DIR']}/bench.sqlite3"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vitrina.catalog.models import Record
    from vitrina.catalog.services.imports import record_import
    from vitrina.core.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    data = make_file(count)
    print(
        f"made {count} records ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
    )

    organisation = Organisation.objects.create(name="Benchmark", slug=f"bench-{os.getpid()}")
    try:
        started = time.perf_counter()
        run = record_import(organisation=organisation, actor=None, filename="bench.iso", data=data)
        first = time.perf_counter() - started
        assert run.created == count and run.failed == 0, (run.created, run.failed)
        print(f"import: {count} new records in {first:.1f} s, {count / first:,.0f} records/s")

        started = time.perf_counter()
        run = record_import(organisation=organisation, actor=None, filename="bench.iso", data=data)
        second = time.perf_counter() - started
        assert run.updated == count and run.created == 0, (run.created, run.updated)
        print(f"re-import: {count} updates in {second:.1f} s, {count / second:,.0f} records/s")
        stored = Record.objects.filter(organisation=organisation).count()
        assert stored == count, stored
    finally:
        organisation.delete()
    print(
        f"catalog: database={connection.vendor} records={count} import_seconds={first:.2f} "
        f"records_per_second={count / first:.0f} reimport_seconds={second:.2f} "
        f"reimport_records_per_second={count / second:.0f}"
    )


if __name__ == "__main__":
    main()
