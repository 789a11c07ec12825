"""Demo postings for `seed_demo` and `generate_postings`: jobs written from the pools of
`demo_data`, in every language, with the skew of real languages across countries."""

import importlib
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.utils.html import format_html

from . import demo_data as demo
from .html import sanitize
from .models import Category, Company, Posting, company_slug, posting_slug

Status = Posting.Status
Type = Posting.EmploymentType
Remote = Posting.Remote
Period = Posting.SalaryPeriod

STATUS_WEIGHTS = {
    Status.PUBLISHED: 85,
    Status.EXPIRED: 4,
    Status.CLOSED: 3,
    Status.DRAFT: 5,
    Status.PENDING: 3,
}
# Field jobs are all on-site; these weights bring the whole to about 55/30/15.
REMOTE_WEIGHTS = {Remote.ONSITE: 50, Remote.HYBRID: 33, Remote.REMOTE: 17}
# Per family of a role: a job board's postings lean to engineering and office work.
ROLE_WEIGHTS = {"tech": 2, "office": 2, "field": 1}
TYPE_WEIGHTS = {
    Type.FULL_TIME: 78,
    Type.PART_TIME: 7,
    Type.CONTRACT: 6,
    Type.INTERNSHIP: 4,
    Type.TEMPORARY: 3,
    Type.FREELANCE: 2,
}
FAMILY_PAY = {"tech": 1.0, "office": 0.85, "field": 0.6}
DAY = timedelta(days=1)

T = TypeVar("T")


def weighted(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def sample(rng: random.Random, indices: Iterable[int], count: int) -> tuple[int, ...]:
    # Sorted: the pools are written in a sensible reading order.
    return tuple(sorted(rng.sample(list(indices), count)))


def round_nicely(amount: float) -> int:
    """Two significant digits, as salaries are advertised: 48372 -> 48000, 18.6 -> 19."""
    step = 10 ** max(0, len(str(int(amount))) - 2)
    return max(step, round(amount / step) * step)


def html_list(pool: tuple[str, ...], chosen: tuple[int, ...]) -> str:
    if not chosen:
        return ""
    return "<ul>\n" + "".join(f"<li>{pool[i]}</li>\n" for i in chosen) + "</ul>"


@dataclass(frozen=True)
class Pick:
    """Which sentences and items a posting uses; the translations of one job share it."""

    intro: int
    role: int
    closing: int
    duties: tuple[int, ...]
    requirements: tuple[int, ...]
    nice_to_have: tuple[int, ...]


class JobWriter:
    """Writes jobs as a real board has them: title, texts, pay and dates, from the demo pools.

    Everything comes from `rng`, so a seed gives the same jobs every time."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now

    def role(self) -> tuple[demo.Role, str]:
        role = self.rng.choices(
            demo.ROLES, weights=[ROLE_WEIGHTS[demo.family_of(r.category)] for r in demo.ROLES]
        )[0]
        return role, demo.family_of(role.category)

    def title(self, role: demo.Role, language: str, employment: str) -> str:
        title = self.rng.choice(role.titles[language])
        if employment == Type.INTERNSHIP:
            title = demo.TEXTS[language].internship + title
        return title

    def dates(self, status: str, *, live: bool) -> tuple[datetime | None, datetime | None]:
        rng = self.rng
        if status in (Status.DRAFT, Status.PENDING):
            return None, None
        if status == Status.EXPIRED:
            age = rng.uniform(65, 120)
        else:
            # Up to 45 days old with 30 to 60 days to run: about one in twelve published postings
            # is past its expiry date and waits for the expire sweep; a live one is young enough.
            age = rng.uniform(0, 25 if live else 45)
        published_at = self.now - age * DAY
        return published_at, published_at + rng.randint(30, 60) * DAY

    def salary(self, country: str, family: str, employment: str) -> dict[str, Any]:
        rng = self.rng
        # Austrian law requires the pay in every job advertisement.
        if country != "AT" and rng.random() >= 0.7:
            return {}
        pay = demo.PAY[country]
        period = pay.period
        amount = pay.annual * FAMILY_PAY[family] * rng.uniform(0.75, 1.35)
        if employment in (Type.CONTRACT, Type.FREELANCE):
            period, amount = Period.HOUR, amount / 1700 * 1.5  # contractors charge a premium
        elif employment in (Type.PART_TIME, Type.TEMPORARY):
            period, amount = Period.HOUR, amount / 1750
        elif employment == Type.INTERNSHIP:
            period, amount = Period.MONTH, amount / 12 * 0.3
        elif period == Period.MONTH:
            amount /= 12
        high = None if rng.random() < 0.1 else round_nicely(amount * rng.uniform(1.1, 1.35))
        return {
            "salary_min": round_nicely(amount),
            "salary_max": high,
            "salary_currency": pay.currency,
            "salary_period": period,
        }

    def pick(self, family: str, *, internship: bool) -> Pick:
        rng = self.rng
        texts = demo.TEXTS["en"]  # every language has the same pools, item for item
        pools = texts.families[family]
        return Pick(
            intro=rng.randrange(len(texts.intro)),
            role=rng.randrange(len(pools.role)),
            closing=rng.randrange(len(texts.closing)),
            duties=sample(rng, range(len(pools.duties)), rng.randint(4, 6)),
            # The first requirement asks for experience, which an intern does not have.
            requirements=sample(
                rng, range(int(internship), len(pools.requirements)), rng.randint(4, 5)
            ),
            nice_to_have=(
                ()
                if rng.random() < 0.15
                else sample(rng, range(len(pools.nice_to_have)), rng.randint(2, 4))
            ),
        )

    @staticmethod
    def texts(language: str, family: str, pick: Pick, *, company: str, city: str) -> dict[str, str]:
        texts = demo.TEXTS[language]
        pools = texts.families[family]
        intro = format_html(
            texts.intro[pick.intro], company=format_html("<strong>{}</strong>", company), city=city
        )

        fields = {
            "description": (
                f"<p>{intro} {pools.role[pick.role]}</p>\n<p>{texts.closing[pick.closing]}</p>"
            ),
            "responsibilities": html_list(pools.duties, pick.duties),
            "requirements": html_list(pools.requirements, pick.requirements),
            "nice_to_have": html_list(pools.nice_to_have, pick.nice_to_have),
        }
        # Stored exactly as the admin and the importer store posting text.
        return {name: sanitize(html) for name, html in fields.items()}


class Seeder(JobWriter):
    def __init__(self, rng: random.Random, now: datetime) -> None:
        super().__init__(rng, now)
        if not Category.objects.exists():
            # `flush` empties the categories of the data migration and `migrate` does not refill
            # them; run the migration's own code rather than keep a second list.
            importlib.import_module("postings.migrations.0002_categories").create_categories(
                apps, None
            )
        self.categories = Category.objects.in_bulk(field_name="slug")
        created = Company.objects.bulk_create(
            Company(name=c.name, slug=company_slug(c.name), website=f"https://{c.domain}.example")
            for c in demo.COMPANIES
        )
        self.companies = list(zip(demo.COMPANIES, created, strict=True))
        self.postings: list[Posting] = []

    def run(self) -> None:
        for market in demo.MARKETS:
            for n in range(market.postings):
                # The first posting of a market is live, so every language lists all its countries.
                city = self.rng.choice(market.cities)
                self.add_job(market.country, {market.language: city}, live=n == 0)
        for country, cities in demo.TRANSLATED:
            self.add_job(country, cities, live=True)
        for posting in self.postings:
            posting.fill_search_text()  # as Posting.save(), which bulk_create skips
        Posting.objects.bulk_create(self.postings, batch_size=200)

    def add_job(self, country: str, cities: dict[str, str], *, live: bool) -> None:
        """One job, written once per language of `cities` (several make a translation group)."""
        rng = self.rng
        role, family = self.role()
        info, company = self.company(country, role.category)
        status = Status.PUBLISHED if live else weighted(rng, STATUS_WEIGHTS)
        published_at, expires_at = self.dates(status, live=live)
        employment = weighted(rng, TYPE_WEIGHTS)
        shared = {
            "company": company,
            "category": self.categories[role.category],
            "country": country,
            # Nurses and warehouse leads work where the patients and the parcels are.
            "remote": Remote.ONSITE if family == "field" else weighted(rng, REMOTE_WEIGHTS),
            "employment_type": employment,
            "status": status,
            "published_at": published_at,
            "expires_at": expires_at,
            "source": "demo",
            "translation_group": (
                uuid.UUID(int=rng.getrandbits(128), version=4) if len(cities) > 1 else None
            ),
            **self.salary(country, family, employment),
        }
        pick = self.pick(family, internship=employment == Type.INTERNSHIP)
        for language, city in cities.items():
            texts = demo.TEXTS[language]
            title = self.title(role, language, employment)
            external_id = f"demo-{len(self.postings) + 1:04d}"
            if rng.random() < 0.75:
                apply = {"apply_url": f"https://jobs.{info.domain}.example/{external_id}"}
            else:
                apply = {"apply_email": f"{texts.email}@{info.domain}.example"}
            self.postings.append(
                Posting(
                    language=language,
                    title=title,
                    slug=posting_slug(title),  # as Posting.save(), which bulk_create skips
                    city=city,
                    external_id=external_id,
                    **shared,
                    **apply,
                    **self.texts(language, family, pick, company=info.name, city=city),
                )
            )

    def company(self, country: str, category: str) -> tuple[demo.DemoCompany, Company]:
        # Hospitals post the nurses and carriers the warehouse jobs; anyone hires engineers.
        fits = [
            (info, company)
            for info, company in self.companies
            if info.country in (country, None)
            and (category not in demo.FIELD_CATEGORIES or info.sector == category)
        ]
        local = [fit for fit in fits if fit[0].country == country]
        return self.rng.choice(local if local and self.rng.random() < 0.6 else fits)
