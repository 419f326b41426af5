import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_answers_503_when_the_database_does_not(client, tmp_path):
    # A real failed connection: point the connection at a socket directory where no
    # server listens, exactly what a load balancer sees when PostgreSQL is down.
    original_host = connection.settings_dict["HOST"]
    connection.close()
    connection.settings_dict["HOST"] = str(tmp_path)
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["HOST"] = original_host

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_healthz_answers_head_requests_from_probes(client):
    assert client.head("/healthz").status_code == 200
