"""The other feed formats: CSV, aggregator XML, schema.org JSON-LD; sniffed by --format auto."""

import json

import pytest

from postings.models import Posting
from tests.test_import_postings import run_import

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, content: bytes | str):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_it_imports_csv_with_a_bom_and_reports_bad_rows_by_line(tmp_path):
    content = (
        "\ufeffexternal_id,language,title,company,country,city,description,salary_min,"
        "salary_currency,salary_period\n"
        "c1,fr,Soudeur,Acme,FR,Lyon,<p>Atelier</p>,30000,EUR,year\n"
        'c2,fr,"Chef d\'équipe, nuit",Acme,BE,Liège,"<p>Deux\nlignes</p>",,,\n'
        "c3,xx,Bad,Acme,FR,,x,,,\n"
    ).encode() + b"c4,fr,\xff\xfe,Acme,FR,,x,,,\n"
    status, _, err = run_import(write(tmp_path, "feed.csv", content))
    assert status == 1
    assert set(Posting.objects.values_list("external_id", flat=True)) == {"c1", "c2"}
    assert Posting.objects.get(external_id="c2").title == "Chef d'équipe, nuit"
    assert "row 5: language" in err  # the quoted field spans lines 3 and 4
    assert "row 6: the row is not valid UTF-8" in err


AGGREGATOR_XML = """<?xml version="1.0" encoding="utf-8"?>
<source>
  <publisher>ATS</publisher>
  <job>
    <title><![CDATA[Entwicklerin Java]]></title>
    <date>2026-11-20T09:00:00Z</date>
    <referencenumber>x-1</referencenumber>
    <url>https://jobs.example/x-1</url>
    <company>Spreewerk GmbH</company>
    <city>Berlin</city>
    <country>DE</country>
    <description><![CDATA[<p>Hallo <script>alert(1)</script></p>]]></description>
    <jobtype>fulltime</jobtype>
  </job>
  <job>
    <title>Ohne Land</title>
    <referencenumber>x-2</referencenumber>
    <company>Spreewerk GmbH</company>
    <description>Text</description>
  </job>
</source>
"""


def test_it_imports_the_aggregator_xml_shape(tmp_path):
    path = write(tmp_path, "feed.xml", AGGREGATOR_XML)
    status, _, err = run_import(path, "--language", "de")
    assert status == 1
    posting = Posting.objects.get(external_id="x-1")
    assert posting.language == "de" and posting.country.code == "DE"
    assert posting.apply_url == "https://jobs.example/x-1"
    assert "script" not in posting.description
    assert "row 2: country: This field is required." in err


@pytest.mark.parametrize(
    "attack",
    [
        '<!DOCTYPE source [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE source [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        "<!DOCTYPE source>",
    ],
)
def test_it_refuses_dtds_and_entities_before_any_write(tmp_path, attack):
    content = AGGREGATOR_XML.replace('<?xml version="1.0" encoding="utf-8"?>\n', "")
    path = write(tmp_path, "feed.xml", attack + content)
    status, _, err = run_import(path, "--language", "de")
    assert status == 2
    assert "refused XML" in err
    assert not Posting.objects.exists()


JOB_POSTING = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Enfermera",
    "description": "<p>Turno de noche</p>",
    "identifier": {"@type": "PropertyValue", "name": "Hospital", "value": "h-7"},
    "datePosted": "2026-11-25",
    "validThrough": "2026-12-31T23:59:00+01:00",
    "employmentType": ["PART_TIME"],
    "hiringOrganization": {"@type": "Organization", "name": "Hospital Central"},
    "jobLocation": {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "Madrid", "addressCountry": "ES"},
    },
    "inLanguage": "es-ES",
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 1800,
            "maxValue": 2100,
            "unitText": "MONTH",
        },
    },
}


@pytest.mark.parametrize(
    "document",
    [JOB_POSTING, [JOB_POSTING], {"@context": "https://schema.org/", "@graph": [JOB_POSTING]}],
)
def test_it_imports_schema_org_job_postings(tmp_path, document):
    status, out, _ = run_import(write(tmp_path, "feed.json", json.dumps(document)))
    assert status == 0, out
    posting = Posting.objects.get(external_id="h-7")
    assert (posting.language, posting.country.code, posting.city) == ("es", "ES", "Madrid")
    assert posting.employment_type == "part_time"
    assert (posting.salary_min, posting.salary_max, posting.salary_period) == (1800, 2100, "month")
    assert posting.company.name == "Hospital Central"


def test_it_takes_remote_job_postings_and_rejects_other_types(tmp_path):
    remote = {**JOB_POSTING, "jobLocationType": "TELECOMMUTE", "identifier": "r-1"}
    document = [remote, {"@type": "Event", "name": "Job fair"}]
    status, _, err = run_import(write(tmp_path, "feed.json", json.dumps(document)))
    assert status == 1
    assert Posting.objects.get(external_id="r-1").remote == "remote"
    assert "row 2: not a schema.org JobPosting" in err
