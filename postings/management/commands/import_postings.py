from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations

from postings.importers import UnreadableFile, import_rows
from postings.importers.formats import READERS, read_rows


class Command(BaseCommand):
    help = (
        "Import postings from a file. Exit status: 0 when every row was imported, 1 when some "
        "rows were rejected (each reported with its row number and reason), 2 when the file "
        "could not be read at all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--source", default="default", help="Name of the feed; (source, external_id) is unique."
        )
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *READERS],
            help="json (array or JSON Lines), csv, xml (aggregator <job>s) or jsonld "
            "(schema.org JobPosting); auto tells them apart by their first bytes.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language of rows that do not state theirs.",
        )

    @no_translations  # reports in the source language, whatever the caller had active
    def handle(
        self, *args, path: Path, source: str, format: str, language: str | None, **options
    ) -> None:
        defaults = {"language": language} if language else {}
        try:
            report = import_rows(read_rows(path, format), source=source, defaults=defaults)
        except UnreadableFile as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.", returncode=2) from None
        for error in report.errors:
            self.stderr.write(f"row {error.row}: {error.reason}")
        imported = report.created + report.updated + report.unchanged
        summary = (
            f"Imported {imported} of {report.total} rows: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.errors)} rejected."
        )
        if report.errors:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
