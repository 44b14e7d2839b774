"""The server killed (SIGKILL) in the middle of an upload or a confirm: nothing half-written.

As in ``test_faults_database``, a lock this test holds stops the upload (or confirm) at a
known point inside its transaction; then the gunicorn workers are SIGKILLed (the master
starts new ones), or the master and the workers together (the whole server gone), and
the lock is released. The database must then hold the upload whole or not at all:
case, case_person, case_staging and case_upload agree, and the upload is cleanly
pending (it can be confirmed again) or absent.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from tests import fault_fixtures as fault
from tests.fault_fixtures import ROWS, Served


def wait_for_backends_gone(served: Served, keep: int, timeout: float = 60) -> None:
    """Until no backend of this database is left but ``keep`` (and the asking one)."""
    deadline = time.monotonic() + timeout
    with served.db.connect() as conn:
        while time.monotonic() < deadline:
            left = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                                (keep,)).fetchone()[0]
            if left == 0:
                return
            time.sleep(0.1)
    raise AssertionError("the killed server's backends are still there")


def test_workers_killed_mid_upload_keep_nothing(served: Served):
    data = fault.upload_file(served)
    master = served.process.pid
    with fault.upload_held(served, data) as (pending, holder):
        for worker in served.workers():
            os.kill(worker, signal.SIGKILL)
        with pytest.raises(requests.ConnectionError):
            pending.result()
        holder.rollback()  # the upload's statement may go on now, with nobody to commit it
        wait_for_backends_gone(served, holder.info.backend_pid)
    assert fault.counts(served) == fault.NOTHING
    # The master started new workers: the same server takes the file again, whole.
    deadline = time.monotonic() + 60
    while len(served.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    again = fault.post_upload(served, data)
    assert again.status_code == 201, again.text
    assert served.process.pid == master and served.process.poll() is None
    assert fault.counts(served) == fault.PREVIEW


def test_server_killed_mid_confirm_leaves_a_clean_preview(served: Served):
    upload_id = fault.staged_upload(served)
    with fault.confirm_held(served, upload_id) as (pending, holder):
        served.kill()  # master and workers at once
        with pytest.raises(requests.ConnectionError):
            pending.result()
        holder.rollback()
        wait_for_backends_gone(served, holder.info.backend_pid)
    assert fault.counts(served) == fault.PREVIEW
    assert served.db.scalar("SELECT status FROM case_upload WHERE id = %s",
                            (upload_id,)) == "preview"
    served.start()
    done = fault.post_confirm(served, upload_id)
    assert done.status_code == 200 and done.json()["inserted"] == ROWS, done.text
    assert fault.counts(served) == fault.CONFIRMED
