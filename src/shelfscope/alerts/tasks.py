"""Run kinds and due work of alerting, registered with the job system on import.

* ``alerts.deliver``: send one alert or one digest to one channel (:mod:`.delivery`); its
  attempts are ``alerts.delivery_attempts`` per run, set when the run is created.
* ``alerts.digest``: queue a workspace's daily digest (:mod:`.digest`).
* due source ``alerts.digest``: each scheduler tick creates the digests that became due.
"""

from __future__ import annotations

from shelfscope.alerts.delivery import deliver_run
from shelfscope.alerts.digest import DIGEST_KIND, DIGEST_SOURCE, digest_run, dispatch_digests
from shelfscope.alerts.firing import DELIVER_KIND
from shelfscope.jobs import register_due_source, register_kind

__all__ = ["DELIVER_KIND", "DIGEST_KIND", "DIGEST_SOURCE"]

register_kind(DELIVER_KIND, deliver_run)
register_kind(DIGEST_KIND, digest_run, max_attempts=3)
register_due_source(DIGEST_SOURCE, dispatch_digests)
