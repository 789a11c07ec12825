"""The judged set of `make bench-relevance` (bench/relevance.json) and the harness's measures."""

import importlib
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest
from django_countries import countries

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"de", "fr", "pl", "nl", "es"}


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("relevance", ROOT / "bench" / "relevance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus() -> dict:
    return json.loads((ROOT / "bench" / "relevance.json").read_text())


def test_it_judges_40_queries_8_in_each_of_the_five_languages(corpus):
    languages = Counter(query["language"] for query in corpus["queries"])
    assert languages == {language: 8 for language in LANGUAGES}
    assert len({(query["language"], query["q"]) for query in corpus["queries"]}) == 40


def test_it_judges_only_postings_of_the_corpus_in_the_query_language(corpus):
    language_of = {
        posting["key"]: language
        for language, postings in corpus["postings"].items()
        for posting in postings
    }
    for query in corpus["queries"]:
        assert query["relevant"], query["q"]
        assert len(set(query["relevant"])) == len(query["relevant"]), query["q"]
        for key in query["relevant"]:
            assert language_of.get(key) == query["language"], (query["q"], key)


def test_it_has_a_complete_posting_corpus_in_each_language(corpus):
    seeded = importlib.import_module("postings.migrations.0002_categories")
    categories = {slug for slug, _names in seeded.CATEGORIES}
    assert set(corpus["postings"]) == LANGUAGES
    keys = [posting["key"] for postings in corpus["postings"].values() for posting in postings]
    assert len(keys) == len(set(keys))
    for postings in corpus["postings"].values():
        assert 25 <= len(postings) <= 40
        for posting in postings:
            assert posting["title"] and posting["company"] and posting["city"], posting["key"]
            assert posting["country"] in countries, posting["key"]
            assert posting["category"] in categories, posting["key"]
            assert posting["description"].count(".") >= 2, posting["key"]


def test_it_counts_precision_at_5_over_the_judged_postings_a_page_can_hold(harness):
    ranked = ["a", "x", "b", "y", "z", "c"]
    assert harness.precision_at_5(ranked, {"a", "b", "c"}) == pytest.approx(2 / 3)
    assert harness.precision_at_5(["a", "b", "x", "c", "d"], set("abcdefg")) == pytest.approx(0.8)
    assert harness.precision_at_5([], {"a"}) == 0


def test_it_ranks_the_first_relevant_result_reciprocally(harness):
    assert harness.reciprocal_rank(["x", "y", "a", "b"], {"a", "b"}) == pytest.approx(1 / 3)
    assert harness.reciprocal_rank(["x", "y"], {"a"}) == 0


def test_it_reads_the_results_in_page_order_from_the_posting_links(harness):
    page = """
    <header><a href="/de/jobs/">Alle Jobs</a><a href="/de/jobs/99/beworben/">zuletzt</a></header>
    <main>
      <form><a href="/de/jobs/?q=Entwickler">Filter</a></form>
      <article><a href="/de/jobs/12/backend-entwickler-m-w-d/"><img alt=""></a>
        <h3><a href="/de/jobs/12/backend-entwickler-m-w-d/">Backend-Entwickler (m/w/d)</a></h3>
        <a href="/de/companies/acme/">Acme</a> <a href="/de/jobs/12/apply/">Bewerben</a></article>
      <article><h3><a href="/de/jobs/7/java-softwareentwicklerin/">Java</a></h3></article>
      <a href="/de/jobs/feed/?q=Entwickler">RSS</a>
    </main>
    <footer><a href="/de/jobs/5/fusszeile/">Fußzeile</a></footer>
    """
    assert harness.result_ids(page, "de") == [12, 7]
