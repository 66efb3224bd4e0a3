"""Every write of the catalogue, one module a topic; import the topic module you need.

- ``records``: a record's columns, storing read records in batches, the search index
- ``imports``: imports of files (MARC21/RUSMARC, CSV, XLSX), at once or queued
- ``harvests``: records read from library systems (IRBIS64, SRU, Koha)
- ``covers``: covers of records
- ``columns``: the organisation's own names of CSV and XLSX columns
- ``dates``: the calendar of memorable dates
"""
