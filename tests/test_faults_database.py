"""PostgreSQL stopped and started again in the middle of an upload, under real gunicorn.

The upload (or its confirm) is held at a known point of its transaction by a lock this
test takes, then the cluster is stopped (``pg_ctl stop -m fast``, what a service
manager does) and started again. Whatever happened, the upload is whole or absent, the
person is told which (in both languages), and the same server processes serve again
once the database is back: the pool checks a connection before lending it
(``server/db.py``), so no request gets a connection of the dead server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests import fault_fixtures as fault
from tests.fault_fixtures import ROWS, Served


def warm(served: Served, n: int = 24) -> None:
    """Concurrent requests, so every worker's pool holds several open connections."""
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: requests.get(
            f"{served.url}/api/cases/counts", headers=served.auth, timeout=30), range(n)))
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]


def serves_again(served: Served, workers: list[int], n: int = 24) -> None:
    """Every request after the restart succeeds, from the same worker processes."""
    statuses = [requests.get(f"{served.url}/api/cases/counts", headers=served.auth,
                             timeout=30).status_code for _ in range(n)]
    assert statuses == [200] * n, statuses
    assert served.workers() == workers, "the server was restarted"


def test_database_stopped_mid_upload_keeps_nothing_and_says_so(served: Served):
    data = fault.upload_file(served)
    warm(served)
    workers = served.workers()
    with fault.upload_held(served, data) as (pending, _):
        served.cluster.stop()
        answer = pending.result()
    assert answer.status_code == 503, answer.text
    error = answer.json()["error"]
    assert "tidak tersimpan" in error["detail"] and "was not saved" in error["detail"]
    assert error["message_id"].startswith("Basis data") and "unavailable" in error["message_en"]

    served.cluster.start()
    assert fault.counts(served) == fault.NOTHING
    serves_again(served, workers)
    # And the same file goes through now, whole.
    again = fault.post_upload(served, data)
    assert again.status_code == 201, again.text
    assert again.json()["accepted"] == ROWS and again.json()["rejected"] == 1
    done = fault.post_confirm(served, again.json()["id"])
    assert done.status_code == 200 and done.json()["inserted"] == ROWS
    assert fault.counts(served) == fault.CONFIRMED


def test_database_stopped_mid_confirm_keeps_the_preview_and_says_so(served: Served):
    upload_id = fault.staged_upload(served)
    warm(served)
    workers = served.workers()
    with fault.confirm_held(served, upload_id) as (pending, _):
        served.cluster.stop()
        answer = pending.result()
    assert answer.status_code == 503, answer.text
    detail = answer.json()["error"]["detail"]
    assert "masih berupa pratinjau" in detail and "still a preview" in detail

    served.cluster.start()
    assert fault.counts(served) == fault.PREVIEW
    serves_again(served, workers)
    shown = requests.get(f"{served.url}/api/uploads/{upload_id}", headers=served.auth, timeout=30)
    assert shown.json()["status"] == "preview"
    done = fault.post_confirm(served, upload_id)
    assert done.status_code == 200 and done.json()["inserted"] == ROWS, done.text
    assert fault.post_confirm(served, upload_id).status_code == 409  # and only once
    assert fault.counts(served) == fault.CONFIRMED
