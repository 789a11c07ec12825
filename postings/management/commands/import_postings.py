from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from postings.importers import UnreadableFile, import_rows, native

READERS = {"json": native.read_rows}
# Formats of the public contract that the import pipeline does not read yet (issue 5).
PLANNED_FORMATS = ("csv", "xml", "jsonld")


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
            choices=["auto", "json", *PLANNED_FORMATS],
            help="File format; auto and json read a JSON array or JSON Lines.",
        )

    @no_translations  # reports in the source language, whatever the caller had active
    def handle(self, *args, path: Path, source: str, format: str, **options) -> None:
        if format in PLANNED_FORMATS:
            raise CommandError(f"the {format} format is not supported yet", returncode=2)
        try:
            report = import_rows(READERS["json"](path), source=source)
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
