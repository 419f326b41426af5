"""The open data pages: the index, the catalogue (JSON-LD, DCAT terms) and the downloads.

Caching (fairportal/page_cache.py): the index, the catalogue and the JSON downloads go through
`cached_public_page`, so they end with the same generations as the pages they mirror (every
change to a project, fair, review, ceremony or award, every invalidated vote) and at the next
moment in a fair's schedule (the vote totals become public at the close). The jury averages'
JSON is never stored, like the commission protocol's PDF it mirrors: scores can still change
while the protocol is public before voting opens, and a score sends no invalidation. CSV files
are streamed (fairportal/spreadsheets.py), which the page cache never stores; they say
`public, max-age=0, must-revalidate` like the pages, so no shared cache serves an old one.
"""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fairportal.page_cache import PUBLIC_CACHE_CONTROL, cached_public_page
from fairportal.spreadsheets import csv_response
from reports import opendata

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
UNCACHED_JSON = {"jury-averages"}


def _fair_and_dataset(slug: str, name: str):
    fair = opendata.published_fair(slug)
    dataset = opendata.DATASETS.get(name)
    if fair is None or dataset is None:
        raise Http404
    now = timezone.now()
    if not opendata.is_public(dataset=dataset, fair=fair, now=now):
        raise Http404
    return fair, dataset, now


def _filename(fair, dataset, extension: str) -> str:
    return f"{fair.slug}-{dataset.slug}-{translation.get_language()}.{extension}"


@require_safe
@cached_public_page
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "reports/open_data/index.html",
        {
            "fairs": opendata.fair_datasets(fairs=opendata.published_fairs(), now=now),
            "datasets": list(opendata.DATASETS.values()),
            "licence": opendata.LICENCE,
            "site_url": opendata.site_url(),
            "today": timezone.localdate(),
        },
    )


@require_safe
def download_csv(request: HttpRequest, slug: str, name: str):
    fair, dataset, now = _fair_and_dataset(slug, name)
    names = dataset.field_names

    def rows():
        yield names
        for row in opendata.dataset_rows(dataset=dataset, fair=fair, now=now):
            yield [opendata.csv_value(row[field]) for field in names]

    response = csv_response(rows(), filename=_filename(fair, dataset, "csv"))
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


def json_document(*, request: HttpRequest, fair, dataset, now) -> dict:
    """The JSON download's structure (docs/open-data.md): the same rows as the CSV, typed."""
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "language": translation.get_language(),
        "fair": {
            "slug": fair.slug,
            "title": fair.title,
            "url": request.build_absolute_uri(reverse("catalogue:fair_detail", args=[fair.slug])),
        },
        "licence": opendata.LICENCE,
        "source": request.build_absolute_uri(reverse("reports:open_data")),
        "generated_at": timezone.localtime(now, opendata.EXPORT_TIME_ZONE).isoformat(),
        "fields": [
            {"name": field.name, "type": field.type, "meaning": str(field.meaning)}
            for field in dataset.fields
        ],
        "rows": [
            {name: opendata.json_value(value) for name, value in row.items()}
            for row in opendata.dataset_rows(dataset=dataset, fair=fair, now=now)
        ],
    }


def _json_response(document: dict, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type=JSON_CONTENT_TYPE
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _download_json(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    fair, dataset, now = _fair_and_dataset(slug, name)
    document = json_document(request=request, fair=fair, dataset=dataset, now=now)
    return _json_response(document, filename=_filename(fair, dataset, "json"))


_cached_download_json = cached_public_page(_download_json)
_uncached_download_json = never_cache(_download_json)


@require_safe
def download_json(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    if name in UNCACHED_JSON:
        return _uncached_download_json(request, slug, name)
    return _cached_download_json(request, slug, name)


@require_safe
@cached_public_page
def catalogue_json(request: HttpRequest) -> HttpResponse:
    """Every dataset of every published fair, in DCAT terms (JSON-LD), with its two downloads.

    Datasets not public yet are listed with `available: false` and their moment, without URLs.
    """
    now = timezone.now()
    datasets = []
    for entry in opendata.fair_datasets(fairs=opendata.published_fairs(), now=now):
        fair = entry.fair
        for dataset, availability in entry.datasets:
            item = {
                "@type": "dcat:Dataset",
                "identifier": f"{fair.slug}/{dataset.slug}",
                "title": f"{dataset.title} — {fair.title}",
                "description": str(dataset.description),
                "license": opendata.LICENCE["url"],
                "available": availability.public,
            }
            if availability.public:
                item["distribution"] = [
                    {
                        "@type": "dcat:Distribution",
                        "format": extension.upper(),
                        "mediaType": media_type,
                        "downloadURL": request.build_absolute_uri(
                            reverse(f"reports:open_data_{extension}", args=[fair.slug, dataset.slug])
                        ),
                    }
                    for extension, media_type in (("csv", "text/csv"), ("json", "application/json"))
                ]
            elif availability.from_moment:
                item["availableFrom"] = timezone.localtime(
                    availability.from_moment, opendata.EXPORT_TIME_ZONE
                ).isoformat()
            datasets.append(item)
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "title": "dct:title",
            "description": "dct:description",
            "identifier": "dct:identifier",
            "language": "dct:language",
            "license": {"@id": "dct:license", "@type": "@id"},
            "landingPage": {"@id": "dcat:landingPage", "@type": "@id"},
            "dataset": "dcat:dataset",
            "distribution": "dcat:distribution",
            "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
            "mediaType": "dcat:mediaType",
            "format": "dct:format",
            "availableFrom": "dct:available",
        },
        "@type": "dcat:Catalog",
        "title": gettext("Open data of the Social Projects Fair"),
        "language": translation.get_language(),
        "landingPage": request.build_absolute_uri(reverse("reports:open_data")),
        "license": opendata.LICENCE["url"],
        "dataset": datasets,
    }
    return _json_response(document)
