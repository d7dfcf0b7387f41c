"""Rate limits on public posts use Redis in production: the limit holds across requests in the
shared store, and the service keeps serving when Redis is down.

Runs against the Redis on 127.0.0.1:6379 (database 15, emptied first); skipped when no Redis
answers there, unless REQUIRE_REDIS=1 (CI sets it, so CI cannot skip it).
"""

from __future__ import annotations

import os

import pytest
import redis

from config import Testing
from tests.conftest import KEMI_PLAN, running_app, text_of

REDIS_URL = "redis://127.0.0.1:6379/15"
ASK = "/en/privacy/request"
#: The request form allows 5 posts a minute from one address.
FORM = {"kind": "access", "subject": "receipt", "receipt_code": "AAAA-BBBB-CCCC"}


def _redis() -> redis.Redis | None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but no Redis answers on 127.0.0.1:6379")
        return None
    return client


class WithRedis(Testing):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = REDIS_URL


class RedisDown(Testing):
    RATELIMIT_ENABLED = True
    # Nothing listens on port 1: every call to the store fails at once.
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"


def _load_plan() -> None:
    from app.plan import services

    services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))


def test_posts_over_the_limit_are_refused_with_a_translated_page_and_counted_in_redis():
    store = _redis()
    if store is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    store.flushdb()
    for app in running_app(WithRedis):
        _load_plan()
        client = app.test_client()
        statuses = [client.post(ASK, data=FORM).status_code for _ in range(6)]
        assert statuses == [422] * 5 + [429]
        refused = client.post("/fi/privacy/request", data=FORM)
        assert refused.status_code == 429
        assert "Liian monta yritystä" in text_of(refused)
        # The counts live in Redis, where every app process behind the balancer sees them.
        assert store.keys("*")
        # Reading pages is not limited by the posts.
        assert client.get(ASK).status_code == 200
    store.flushdb()


def test_the_service_keeps_serving_when_redis_is_down():
    for app in running_app(RedisDown):
        _load_plan()
        client = app.test_client()
        assert client.get(ASK).status_code == 200
        statuses = {client.post(ASK, data=FORM).status_code for _ in range(3)}
        # Writes fall back to each process's own memory limits: served, never an error page.
        assert statuses == {422}
        assert client.get("/en/").status_code == 200
