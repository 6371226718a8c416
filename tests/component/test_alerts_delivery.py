"""Alert delivery for real: webhooks to an HTTP receiver and email to an SMTP server on 127.0.0.1,
executed as runs by the job system (retries included), plus the daily digest."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

import shelfscope.alerts.tasks  # noqa: F401 - registers the run kinds and the digest source
from shelfscope.alerts.channels import create_channel
from shelfscope.alerts.digest import dispatch_digests
from shelfscope.alerts.firing import Alert, fire_alert
from shelfscope.alerts.models import AlertChannel, AlertDelivery, AlertDigest
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.models import Run
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.alerts_support import Mailbox, smtp_server, webhook_receiver
from tests.jobs_support import jobs_platform, make_workspace

SECRET = "s3cret-signing-key"
_subjects = itertools.count(1)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def platform(settings: Settings, db: Database, mailbox: Mailbox) -> Iterator[Platform]:
    alerts = settings.alerts.model_copy(
        update={"allow_private_targets": True, "smtp_host": "127.0.0.1", "smtp_port": mailbox.port,
                "smtp_security": "none", "from_address": "alerts@shelfscope.test", "delivery_attempts": 3}
    )  # fmt: skip
    tuned = settings.model_copy(update={"alerts": alerts})
    with jobs_platform(tuned, db, clock=FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))) as platform:
        yield platform


def _channel(platform: Platform, workspace_id: int, **options: object) -> int:
    with platform.db.session() as session:
        return create_channel(session, platform, workspace_id=workspace_id, **options).id  # type: ignore[arg-type]


def _fire(platform: Platform, workspace_id: int, title: str = "“trinkflasche”: B0D7KQ3M2X dropped") -> int:
    subject = f"keyword:{next(_subjects)}"
    alert = Alert(
        workspace_id=workspace_id, kind="rank_moved", rule_key="ranks.rule:1", subject_key=subject,
        dedupe_key=f"ranks.rule:1|{subject}|run:1", title=title, body="from #4 to #19",
        link="/ranks/jobs/7?keyword=3", cooldown=timedelta(hours=6), source="ranks", source_id=7,
        details={"delta": -15},
    )  # fmt: skip
    with platform.db.session() as session:
        event = fire_alert(session, platform, alert)
        assert event is not None
        return event.id


def _delivery(platform: Platform, event_id: int) -> AlertDelivery:
    with platform.db.session() as session:
        row = session.scalars(select(AlertDelivery).where(AlertDelivery.event_id == event_id)).one()
        session.expunge(row)
        return row


def _run_status(platform: Platform, run_id: int) -> str:
    with platform.db.session() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run.status


def _execute(platform: Platform, run_id: int | None) -> str:
    assert run_id is not None
    execute_run(platform, run_id, worker="test-worker")
    return _run_status(platform, run_id)


def test_a_json_webhook_gets_the_signed_alert_with_its_chart_link(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    with webhook_receiver() as receiver:
        _channel(platform, workspace_id, name="ops", kind="webhook", url=receiver.url, signing_secret=SECRET)
        event_id = _fire(platform, workspace_id)
        assert _execute(platform, _delivery(platform, event_id).run_id) == "succeeded"

    (request,) = receiver.received
    alert = request.json["alert"]
    assert request.json["type"] == "alert" and request.json["workspace_id"] == workspace_id
    assert (alert["id"], alert["kind"], alert["link"]) == (event_id, "rank_moved", "/ranks/jobs/7?keyword=3")
    assert alert["details"] == {"delta": -15}
    timestamp = request.headers["x-shelfscope-timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-shelfscope-signature"] == f"sha256={expected}"
    delivery = _delivery(platform, event_id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("sent", 1, 200)


def test_a_slack_webhook_gets_text_and_blocks(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    with webhook_receiver() as receiver:
        _channel(
            platform, workspace_id, name="slack", kind="webhook", url=receiver.url, webhook_format="slack"
        )
        event_id = _fire(platform, workspace_id, title="“yoga mat”: B0CZ8VN4TR left page 1")
        assert _execute(platform, _delivery(platform, event_id).run_id) == "succeeded"

    (request,) = receiver.received
    assert "x-shelfscope-signature" not in request.headers
    body = request.json
    assert body["text"] == "“yoga mat”: B0CZ8VN4TR left page 1"
    assert body["blocks"][0]["type"] == "section"
    assert "*“yoga mat”: B0CZ8VN4TR left page 1*" in body["blocks"][0]["text"]["text"]
    assert "/ranks/jobs/7?keyword=3" in body["blocks"][0]["text"]["text"]


def test_server_errors_are_retried_until_the_webhook_accepts(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    clock = platform.clock
    assert isinstance(clock, FakeClock)
    with webhook_receiver(statuses=[503, 500]) as receiver:
        _channel(platform, workspace_id, name="ops", kind="webhook", url=receiver.url)
        event_id = _fire(platform, workspace_id)
        run_id = _delivery(platform, event_id).run_id
        assert _execute(platform, run_id) == "queued"
        first = _delivery(platform, event_id)
        assert (first.status, first.attempts, first.last_error) == (
            "pending", 1, "upstream_unavailable: the webhook answered 503",
        )  # fmt: skip
        clock.advance(timedelta(hours=1))
        assert _execute(platform, run_id) == "queued"
        clock.advance(timedelta(hours=1))
        assert _execute(platform, run_id) == "succeeded"

    assert len(receiver.received) == 3
    assert len({r.body for r in receiver.received}) == 1
    done = _delivery(platform, event_id)
    assert (done.status, done.attempts, done.last_error) == ("sent", 3, None)


def test_a_client_error_fails_the_delivery_without_retrying(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    with webhook_receiver(statuses=[410]) as receiver:
        channel_id = _channel(platform, workspace_id, name="ops", kind="webhook", url=receiver.url)
        event_id = _fire(platform, workspace_id)
        assert _execute(platform, _delivery(platform, event_id).run_id) == "failed"

    assert len(receiver.received) == 1
    delivery = _delivery(platform, event_id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 410)
    with platform.db.session() as session:
        channel = session.get(AlertChannel, channel_id)
        assert channel is not None and channel.last_delivery_ok is False


def test_an_email_channel_mails_each_recipient_with_the_chart_link(
    platform: Platform, db: Database, mailbox: Mailbox
) -> None:
    workspace_id = make_workspace(db)
    _channel(
        platform, workspace_id, name="team", kind="email", recipients=["ana@example.com", "bo@example.com"]
    )
    event_id = _fire(platform, workspace_id)
    assert _execute(platform, _delivery(platform, event_id).run_id) == "succeeded"

    ((sender, recipients, raw),) = mailbox.messages
    assert sender == "alerts@shelfscope.test"
    assert recipients == ["ana@example.com", "bo@example.com"]
    mail = message_from_bytes(raw, policy=default_policy)
    assert isinstance(mail, EmailMessage)
    assert mail["Subject"] == "[shelfscope] “trinkflasche”: B0D7KQ3M2X dropped"
    text = mail.get_content()
    assert "from #4 to #19" in text and "Chart: /ranks/jobs/7?keyword=3" in text


def test_an_smtp_refusal_fails_the_email_at_once(platform: Platform, db: Database, mailbox: Mailbox) -> None:
    workspace_id = make_workspace(db)
    mailbox.reject_with = "550 mailbox unavailable"
    _channel(platform, workspace_id, name="team", kind="email", recipients=["gone@example.com"])
    event_id = _fire(platform, workspace_id)
    assert _execute(platform, _delivery(platform, event_id).run_id) == "failed"
    delivery = _delivery(platform, event_id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 550)
    assert mailbox.messages == []


def test_the_daily_digest_sends_one_message_with_the_days_alerts(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    clock = platform.clock
    assert isinstance(clock, FakeClock)
    with webhook_receiver() as receiver:
        _channel(platform, workspace_id, name="daily", kind="webhook", url=receiver.url, digest=True)
        fired = [_fire(platform, workspace_id, title=f"alert {n}") for n in range(3)]
        with platform.db.session() as session:  # a digest channel gets no message per alert
            assert list(session.scalars(select(AlertDelivery))) == []

        assert (
            dispatch_digests(platform, clock.now(), 10) == 0
        )  # 1 March had no alerts; 2 March's is due tomorrow
        clock.advance(timedelta(days=1))  # 3 March 09:00, past the 07:00 digest hour
        assert dispatch_digests(platform, clock.now(), 10) == 1
        assert dispatch_digests(platform, clock.now(), 10) == 0  # once per workspace and day
        with platform.db.session() as session:
            days = {d.day.isoformat(): d.run_id for d in session.scalars(select(AlertDigest))}
        assert days.keys() == {"2026-03-01", "2026-03-02"} and days["2026-03-01"] is None
        digest_run = days["2026-03-02"]
        assert _execute(platform, digest_run) == "succeeded"
        with platform.db.session() as session:
            delivery = session.scalars(select(AlertDelivery)).one()
            assert delivery.digest_day is not None and delivery.event_id is None
        assert _execute(platform, delivery.run_id) == "succeeded"

    (request,) = receiver.received
    body = request.json
    assert (body["type"], body["day"], body["count"]) == ("digest", "2026-03-02", 3)
    assert [alert["id"] for alert in body["alerts"]] == fired
    assert [alert["title"] for alert in body["alerts"]] == ["alert 0", "alert 1", "alert 2"]


def test_a_webhook_that_never_answers_is_retried_later(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    platform.settings = platform.settings.model_copy(
        update={"alerts": platform.settings.alerts.model_copy(update={"webhook_timeout_seconds": 0.3})}
    )
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never answers
        port = silent.getsockname()[1]
        _channel(platform, workspace_id, name="slow", kind="webhook", url=f"http://127.0.0.1:{port}/hook")
        event_id = _fire(platform, workspace_id)
        assert _execute(platform, _delivery(platform, event_id).run_id) == "queued"
    delivery = _delivery(platform, event_id)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "timeout: the webhook did not answer within 0.3s"
