"""Catalogue search over 1,000,000 records in PostgreSQL: p95 of a search page at most 100 ms.

    VITRINA_DATABASE_URL=postgres://… python bench/search.py            # 1,000,000 records
    VITRINA_DATABASE_URL=postgres://… python bench/search.py --quick    # 50,000 records

Records are made the way imports make them (``record_values``: ГОСТ description, search
words) and loaded with COPY into a staging table, then inserted with their ``russian``
text-search vectors; the GIN index is rebuilt once after the load. Loading is not timed.
The timed part is what the catalogue page does for a search in *Words*: the selector
``record_list`` and its paginator (the count, capped at 1,000, and the first page of 50),
for one- and two-word queries of titles, authors and subjects, and broad searches of a
subject alone.
The benchmark's records and organisation are removed afterwards. The last line is
machine-readable.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SYLLABLES = ["ка", "ро", "ми", "те", "ла", "но", "си", "ва", "ду", "ре", "та", "по", "ги",
             "ле", "ну", "за", "ко", "би", "ма", "де"]  # fmt: skip
SUBJECTS = [
    "Хирургия", "Кардиология", "Педиатрия", "Терапия", "История медицины", "Фармакология",
    "Неврология", "Онкология", "Эпидемиология", "Анатомия", "Физиология", "Стоматология",
    "Офтальмология", "Урология", "Гинекология", "Психиатрия", "Дерматология", "Гигиена",
    "Инфекционные болезни", "Ультразвуковая диагностика", "Рентгенология", "Травматология",
]  # fmt: skip
PUBLISHERS = ["ГЭОТАР-Медиа", "Медицина", "БИНОМ", "Феникс", "Юрайт", "Практическая медицина"]
PAGE_SIZE = 50
INDEX = "catalog_record_search_vector_gin"


def vocabulary(rng: random.Random, count: int) -> list[str]:
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) + "ия")
    return sorted(words)


def make_rows(count: int, organisation_id: int, seed: int = 7):
    """Tuples for COPY, in the column order of ``COLUMNS``."""
    from vitrina.catalog.bibrecord import BibRecord, Person
    from vitrina.catalog.services.records import record_values

    rng = random.Random(seed)
    words = vocabulary(rng, 5000)
    surnames = [w[:-2].capitalize() + "ов" for w in vocabulary(rng, 2000)]
    now = datetime.datetime.now(datetime.UTC).isoformat()
    start = datetime.date(2000, 1, 1)
    for number in range(count):
        bib = BibRecord(
            title=" ".join(rng.sample(words, rng.randint(2, 5))).capitalize(),
            other_title=["учебник"],
            authors=[Person(rng.choice(surnames), "А. Б.")],
            places=["Москва"],
            publishers=[rng.choice(PUBLISHERS)],
            year=str(rng.randint(1950, 2026)),
            pages=str(rng.randint(50, 900)),
            subjects=[rng.choice(SUBJECTS)],
            isbn=f"978-5-{number:07d}-0",
        )
        values = record_values(bib, received_on=start + datetime.timedelta(days=number % 9000))
        yield (
            organisation_id, "file", f"BENCH/{number:07d}", values["title"], values["authors"],
            values["year"], values["publisher"], values["isbn"], json.dumps(values["subjects"]),
            values["subjects_text"], values["resource_type"], "", json.dumps(values["data"]),
            values["description"], values["received_on"], "", "", values["search_document"],
            values["search_words"], now, now,
        )  # fmt: skip


COLUMNS = (
    "organisation_id, source, external_id, title, authors, year, publisher, isbn, subjects, "
    "subjects_text, resource_type, url, data, description, received_on, cover, cover_type, "
    "search_document, search_words, created_at, updated_at"
)


def load(connection, organisation_id: int, count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(
            "CREATE TEMP TABLE bench_staging AS SELECT "
            + COLUMNS
            + " FROM catalog_record WITH NO DATA"
        )
        raw = cursor.cursor
        with raw.copy(f"COPY bench_staging ({COLUMNS}) FROM STDIN") as copy:
            for row in make_rows(count, organisation_id):
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO catalog_record ({COLUMNS}, search_vector) "
            f"SELECT {COLUMNS}, to_tsvector('russian', search_document) FROM bench_staging"
        )
        cursor.execute("DROP TABLE bench_staging")
        cursor.execute(f"CREATE INDEX {INDEX} ON catalog_record USING gin (search_vector)")
        cursor.execute("ANALYZE catalog_record")


def queries(count: int, rng: random.Random) -> list[str]:
    from vitrina.catalog.models import Record

    sample = list(
        Record.objects.order_by("?").values_list("title", "authors", "subjects_text")[:count]
    )
    result = []
    for number, (title, authors, subject) in enumerate(sample):
        title_words = title.lower().split()
        kind = number % 5
        if kind == 0:
            result.append(rng.choice(title_words))
        elif kind == 1:
            result.append(" ".join(rng.sample(title_words, 2)))
        elif kind == 2:
            result.append(authors.split()[0])
        elif kind == 3:
            result.append(f"{subject.split()[0].lower()} {rng.choice(title_words)}")
        else:
            # A broad search: a whole subject, tens of thousands of records on a large
            # catalogue.
            result.append(subject.lower())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 records instead of 1,000,000")
    parser.add_argument("--records", type=int, help="how many records to load")
    parser.add_argument("--queries", type=int, default=400, help="how many searches to time")
    args = parser.parse_args()
    count = args.records or (50_000 if args.quick else 1_000_000)

    if not os.environ.get("VITRINA_DATABASE_URL", "").startswith("postgres"):
        sys.exit("search: set VITRINA_DATABASE_URL to a PostgreSQL database")
    os.environ.setdefault("VITRINA_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from vitrina.catalog.paging import CappedPaginator

    from vitrina.catalog.selectors import RecordFilter, record_list
    from vitrina.core.models import Membership, Organisation

    call_command("migrate", interactive=False, verbosity=0)
    organisation = Organisation.objects.create(name="Benchmark", slug=f"bench-{os.getpid()}")
    membership = Membership(organisation=organisation)
    try:
        started = time.perf_counter()
        load(connection, organisation.pk, count)
        print(f"loaded {count:,} records in {time.perf_counter() - started:.0f} s")
        rng = random.Random(11)
        searches = queries(args.queries, rng)
        # Warm the caches the way a running site has them warm.
        for text in searches[:20]:
            records = record_list(membership=membership, filters=RecordFilter(q=text))
            list(CappedPaginator(records, PAGE_SIZE).get_page(1))
        timings, found = [], []
        for text in searches:
            started = time.perf_counter()
            records = record_list(membership=membership, filters=RecordFilter(q=text))
            page = CappedPaginator(records, PAGE_SIZE).get_page(1)
            rows = list(page)
            timings.append((time.perf_counter() - started) * 1000)
            found.append(page.paginator.count)
            assert rows, text
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{len(searches)} searches: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {timings[-1]:.1f} ms; found per search: median {statistics.median(found):,.0f}"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM catalog_record WHERE organisation_id = %s", [organisation.pk]
            )
        organisation.delete()
    verdict = "yes" if p95 <= 100 else "no"
    print(
        f"search: database={connection.vendor} records={count} searches={len(searches)} "
        f"p50_ms={p50:.1f} p95_ms={p95:.1f} max_ms={timings[-1]:.1f} p95_within_100ms={verdict}"
    )


if __name__ == "__main__":
    main()
