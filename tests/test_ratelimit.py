"""The PostgreSQL rate limiter: windows, hashed keys, client addresses, the 429 page, races."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from fairportal import urls as site_urls
from fairportal.models import RateLimitCounter
from fairportal.ratelimit import client_ip, hit, parse_rate, ratelimit
from tests.race import at_once, raised

NOON = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


@ratelimit(group="test-login", key="ip", rate="3/d")
@ratelimit(group="test-login", key="post:email", rate="2/d")
def login_view(request):
    return HttpResponse("ok")


# The site's own URLs too: base.html links to them. Day-long windows keep a test in one window.
urlpatterns = [
    *i18n_patterns(path("ratelimit-test/", login_view), prefix_default_language=True),
    *site_urls.urlpatterns,
]
use_test_urls = pytest.mark.urls(__name__)


def post(client, data, *, lang="en", ip="10.0.0.9"):
    return client.post(f"/{lang}/ratelimit-test/", data, REMOTE_ADDR=ip)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("5/m", (5, 60)), ("10/15m", (10, 900)), ("1/s", (1, 1)), ("3/2h", (3, 7200)), ("100/d", (100, 86400))],
)
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["5", "0/m", "5/0m", "5/w", "m/5", "-1/m", ""])
def test_parse_rate_rejects_nonsense(rate):
    with pytest.raises(ValueError, match="Invalid rate"):
        parse_rate(rate)


@pytest.mark.django_db
def test_limit_allows_exactly_limit_hits_per_window_then_refuses():
    now = NOON + timedelta(seconds=20)

    results = [hit("k", limit=3, period=60, now=now) for _ in range(5)]

    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.count for r in results] == [1, 2, 3, 4, 5]
    assert results[-1].retry_after == 40  # windows are aligned to the epoch: this one ends at 12:01
    assert hit("k", limit=3, period=60, now=NOON + timedelta(seconds=60)).allowed  # the next window
    assert hit("other", limit=3, period=60, now=now).count == 1
    assert RateLimitCounter.objects.get(key="k", window_start=NOON).count == 5


@pytest.mark.django_db
def test_keys_longer_than_the_column_are_hashed():
    key = "x" * 500

    assert [hit(key, limit=1, period=60, now=NOON).allowed for _ in range(2)] == [True, False]
    assert RateLimitCounter.objects.get().key.startswith("sha256:")


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, "10.0.0.9"),
        (0, "6.6.6.6", "10.0.0.9"),  # no trusted proxy: a forged header changes nothing
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client prepended a forged entry
        (1, None, "10.0.0.9"),
        (2, "6.6.6.6,203.0.113.7, 10.0.0.1", "203.0.113.7"),  # 10.0.0.1 is the outer proxy
        (2, "203.0.113.7", "10.0.0.9"),  # shorter than the proxy chain
    ],
)
def test_client_ip(settings, proxies, forwarded_for, expected):
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", **headers)

    assert client_ip(request) == expected


@use_test_urls
@pytest.mark.django_db
def test_decorator_answers_429_with_retry_after_and_the_page_in_the_request_language(client):
    for _ in range(2):
        assert post(client, {"email": "aigerim@mail.kz"}, lang="ru").status_code == 200

    response = post(client, {"email": "aigerim@mail.kz"}, lang="ru")

    html = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 86400
    assert "no-store" in response["Cache-Control"]
    assert '<html lang="ru">' in html
    with translation.override("ru"):
        assert translation.gettext("Too many attempts") in html
        assert translation.gettext("Error 429") in html
    assert client.get("/ru/ratelimit-test/").status_code == 200  # only POST counts


@use_test_urls
@pytest.mark.django_db
def test_429_page_in_english_shows_the_wait(client):
    for _ in range(3):
        response = post(client, {"email": "a@b.kz"})

    html = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in html
    assert "You have tried this too many times." in html
    assert "You can try again in " in html


@use_test_urls
@pytest.mark.django_db
def test_limits_per_email_and_per_ip_stack(client):
    # The same address, however typed, from different clients: the e-mail limit (2) applies.
    for n, email in enumerate([" Aigerim@Mail.kz", "aigerim@mail.kz "]):
        assert post(client, {"email": email}, ip=f"10.0.1.{n}").status_code == 200
    assert post(client, {"email": "aigerim@mail.kz"}, ip="10.0.1.9").status_code == 429

    # Different addresses from one client: the IP limit (3) applies; no e-mail is counted under the IP only.
    statuses = [
        post(client, data, ip="10.0.2.1").status_code
        for data in [{"email": "a@x.kz"}, {}, {"email": "  "}, {"email": "d@x.kz"}]
    ]
    assert statuses == [200, 200, 200, 429]


@use_test_urls
@pytest.mark.django_db
def test_stored_keys_hold_no_clear_email_or_address(client):
    post(client, {"email": "Secret.Person@Mail.kz"}, ip="198.51.100.23")

    keys = list(RateLimitCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2
    for key in keys:
        assert "secret.person" not in key.lower()
        assert "198.51.100.23" not in key
    assert not RateLimitCounter.objects.filter(key__contains="@").exists()


@use_test_urls
@pytest.mark.django_db
def test_disabled_rate_limits_let_everything_through(client, settings):
    settings.RATELIMIT_ENABLED = False

    statuses = {post(client, {"email": "a@b.kz"}).status_code for _ in range(5)}

    assert statuses == {200}
    assert hit("k", limit=1, period=60).allowed
    assert not RateLimitCounter.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_hits_from_separate_connections_count_exactly():
    threads_count = 20

    results = at_once(lambda: hit("voting-code:race", limit=5, period=3600, now=NOON), [()] * threads_count)

    assert raised(results) == []
    assert sum(r.allowed for r in results) == 5
    assert sorted(r.count for r in results) == list(range(1, threads_count + 1))
    assert RateLimitCounter.objects.get(key="voting-code:race").count == threads_count


@pytest.mark.django_db
def test_purge_deletes_only_counters_of_long_ended_windows():
    now = datetime.now(UTC)
    hit("recent", limit=5, period=60, now=now)
    hit("ended-an-hour-ago", limit=5, period=60, now=now - timedelta(hours=1))
    hit("two-days-old", limit=5, period=86400, now=now - timedelta(days=2, hours=1))
    hit("older", limit=5, period=900, now=now - timedelta(days=3))

    out = StringIO()
    call_command("purge_rate_limits", dry_run=True, stdout=out)
    assert "Would delete 2 " in out.getvalue()
    assert RateLimitCounter.objects.count() == 4

    call_command("purge_rate_limits", stdout=out)
    assert sorted(RateLimitCounter.objects.values_list("key", flat=True)) == ["ended-an-hour-ago", "recent"]
    call_command("purge_rate_limits", older_than=0, verbosity=0, stdout=(quiet := StringIO()))
    assert quiet.getvalue() == ""
