"""CACHE_URL=redis://… gives every process one shared cache (Django's own RedisCache).

Starts a real redis-server on a free loopback port for this module. Skipped on a developer's
machine without the binary (`apt-get install redis-server`); in CI (CI=true) a missing binary
fails, and .ci/run installs it.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache.backends.redis import RedisCache

from tests.test_settings import run_python

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if REDIS_SERVER is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing in CI: .ci/run must install it")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        server.terminate()
        server.wait(10)


def a_node(url: str) -> RedisCache:
    """The cache as one gunicorn node builds it from CACHE_URL."""
    return RedisCache(url, {})


def test_what_one_process_caches_another_reads(redis_url):
    # A separate Python configured only by CACHE_URL writes; this process reads.
    result = run_python(
        "from django.core.cache import cache; cache.set('fairportal-test', {'page': 'kk/fairs'}, 60); "
        "from django.core.cache import caches; print(type(caches['default']).__module__)",
        {"CACHE_URL": redis_url},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis"

    assert a_node(redis_url).get("fairportal-test") == {"page": "kk/fairs"}


def test_add_and_incr_are_shared_between_nodes(redis_url):
    node_1, node_2 = a_node(redis_url), a_node(redis_url)
    node_1.delete_many(["lock", "counter"])

    assert node_1.add("lock", "node 1", 30) is True
    assert node_2.add("lock", "node 2", 30) is False  # one winner across processes
    node_1.set("counter", 0, 30)
    node_2.incr("counter")
    node_1.incr("counter")
    assert node_2.get("counter") == 2
