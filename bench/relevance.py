"""The judged relevance benchmark of the search issue: `make bench-relevance`.

Loads the corpus of bench/relevance.json (about 30 postings in each of German, French, Polish,
Dutch and Spanish, written as real ads are, with the hard cases: compound titles, feminine forms,
Polish inflections, unaccented and misspelt queries, and distractors that only mention the word
in their text or their company's name) into `<name>_relevance` beside the configured database,
then asks each of its 40 judged queries through the public list page as a seeker does
(`/<lang>/jobs/?q=...`, production settings) and reads the postings it lists, in order.

Prints, per language and overall: precision at 5 (the judged postings in the first five results,
over the judged postings five results can hold), the queries with no result, and the mean
reciprocal rank of the first judged posting on the first page (0 when there is none).
"""

import json
import re
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

CORPUS = Path(__file__).with_suffix(".json")
TOP = 5


def precision_at_5(ranked: list[str], relevant: set[str]) -> float:
    return len(set(ranked[:TOP]) & relevant) / min(TOP, len(relevant))


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / rank for rank, key in enumerate(ranked, 1) if key in relevant), 0.0)


class _PostingLinks(HTMLParser):
    """The ids of the detail links inside <main>, in order, each once: the list's cards may
    change shape, their links to the postings stay (the public contract)."""

    def __init__(self, language: str):
        super().__init__()
        self.detail = re.compile(rf"^/{language}/jobs/(\d+)/[\w-]+/$")
        self.inside = False
        self.ids: list[int] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "main":
            self.inside = True
        elif tag == "a" and self.inside:
            found = self.detail.match(dict(attrs).get("href") or "")
            if found and int(found[1]) not in self.ids:
                self.ids.append(int(found[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside = False


def result_ids(page: str, language: str) -> list[int]:
    parser = _PostingLinks(language)
    parser.feed(page)
    return parser.ids


def load(corpus: dict) -> dict[int, str]:
    """The corpus as live postings, replacing any earlier one; returns their keys by id."""
    from django.utils import timezone

    from postings.models import Category, Company, Posting, slug_for

    Posting.objects.all().delete()
    Company.objects.all().delete()
    categories = {category.slug: category for category in Category.objects.all()}
    now = timezone.now()
    keys = {}
    for language, postings in corpus["postings"].items():
        for i, row in enumerate(postings):
            company, _created = Company.objects.get_or_create(
                name=row["company"], defaults={"slug": slug_for(row["company"])}
            )
            # Spread over three days, in no order of relevance: at most a tenth of a score
            # apart, so the text decides (freshness divides the rank by 1 + age in months).
            published = now - timedelta(hours=(i * 7) % 72 + 1)
            posting = Posting.objects.create(
                language=language,
                title=row["title"],
                company=company,
                category=categories[row["category"]],
                country=row["country"],
                city=row["city"],
                description=f"<p>{row['description']}</p>",
                status=Posting.Status.PUBLISHED,
                published_at=published,
                expires_at=published + timedelta(days=30),
            )
            keys[posting.pk] = row["key"]
    return keys


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import prepare

    prepare(0, suffix="relevance", ALLOWED_HOSTS="testserver")
    from django.core.cache import cache
    from django.test import Client

    corpus = json.loads(CORPUS.read_text())
    keys = load(corpus)
    cache.clear()  # pages cached by an earlier run list the postings it loaded
    client = Client()
    rows = []
    for query in corpus["queries"]:
        language, relevant = query["language"], set(query["relevant"])
        response = client.get(f"/{language}/jobs/?q={quote(query['q'])}")
        assert response.status_code == 200, (query, response.status_code)
        ranked = [keys[pk] for pk in result_ids(response.content.decode(), language)]
        rows.append(
            {
                "language": language,
                "q": query["q"],
                "judged": len(relevant),
                "found": len(ranked),
                "precision": precision_at_5(ranked, relevant),
                "rr": reciprocal_rank(ranked, relevant),
                "top": [key if key in relevant else f"~~{key}~~" for key in ranked[:TOP]],
            }
        )

    postings = sum(len(postings) for postings in corpus["postings"].values())
    print(
        f"\n{postings} postings in {len(corpus['postings'])} languages, {len(rows)} judged "
        "queries; the first page of each search, production settings.\n"
    )
    print("| Query | Judged | Listed | P@5 | RR | First five (~~not judged relevant~~) |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        print(
            f"| {row['language']}: {row['q']} | {row['judged']} | {row['found']} "
            f"| {row['precision']:.2f} | {row['rr']:.2f} | {', '.join(row['top'])} |"
        )
    groups = {code: [row for row in rows if row["language"] == code] for code in corpus["postings"]}
    print("\n| Language | Queries | P@5 | Zero results | MRR |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, group in [*groups.items(), ("All", rows)]:
        print(
            f"| {label} | {len(group)} "
            f"| {sum(row['precision'] for row in group) / len(group):.2f} "
            f"| {sum(not row['found'] for row in group)} "
            f"| {sum(row['rr'] for row in group) / len(group):.2f} |"
        )


if __name__ == "__main__":
    main()
