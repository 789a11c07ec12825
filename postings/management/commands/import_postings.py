import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper, no_translations

from postings.importers import ChunkReport, UnreadableFile, import_rows
from postings.importers.formats import READERS, read_rows
from postings.models import cli_source


class Progress:
    """Rows read and rows per second on one line of a terminal, redrawn after each chunk."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.rows = 0

    def show(self, rows: int) -> None:
        self.rows += rows
        rate = self.rows / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(f"\r\033[K{self.rows:,} rows read, {rate:,.0f} rows/s", ending="")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K", ending="")


class Command(BaseCommand):
    help = (
        "Import postings from a file. Exit status: 0 when every row was imported, 1 when some "
        "rows were rejected (each reported with its row number and reason), 2 when the file "
        "could not be read at all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--source",
            default="default",
            help="Name of the feed: a re-import of a row with the same name, company and "
            "external_id updates its posting. The operator's names are apart from the sources "
            "that companies add in the panel and from the partner API.",
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
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show rows read and rows per second on stderr (the default on a terminal).",
        )

    @no_translations  # reports in the source language, whatever the caller had active
    def handle(
        self,
        *args,
        path: Path,
        source: str,
        format: str,
        language: str | None,
        progress: bool,
        **options,
    ) -> None:
        if len(source) > 100:
            raise CommandError("--source: at most 100 characters.", returncode=2)
        defaults = {"language": language} if language else {}
        bar = Progress(self.stderr) if progress or self.stderr.isatty() else None

        def on_chunk(chunk: ChunkReport) -> None:
            # Rejected rows as they come, so that memory does not grow with them.
            if bar and chunk.errors:
                bar.clear()
            for error in chunk.errors:
                self.stderr.write(f"row {error.row}: {error.reason}")
            if bar:
                bar.show(chunk.rows)

        try:
            report = import_rows(
                read_rows(path, format),
                source=cli_source(source),
                defaults=defaults,
                on_chunk=on_chunk,
            )
        except UnreadableFile as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.", returncode=2) from None
        finally:
            if bar:
                self.stderr.write("")
        imported = report.created + report.updated + report.unchanged
        summary = (
            f"Imported {imported} of {report.rows} rows: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{report.rejected} rejected."
        )
        if report.broken:
            summary += (
                f"\nThe file broke off at row {report.broken.row}: the rows before it were "
                "imported, nothing after it was read."
            )
        if report.rejected:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
