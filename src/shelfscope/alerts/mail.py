"""Email delivery over the installation's SMTP server (``settings.alerts``).

SMTP answers are classified like webhook ones: a connection failure, a timeout or a 4xx reply
(the server's "try again later") is transient; a 5xx reply to the sender or every recipient
is the server refusing the message (:class:`~.webhook.DeliveryRejected`). The password is read
from its ``SecretStr`` only to log in and is never logged.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from shelfscope.alerts.messages import AlertItem, Message
from shelfscope.alerts.webhook import DeliveryRejected
from shelfscope.clock import utcnow
from shelfscope.errors import ConfigError, ShelfscopeError, Timeout, UpstreamUnavailable
from shelfscope.settings import AlertsSettings

__all__ = ["build_email", "send_email"]


def _item_text(item: AlertItem) -> str:
    lines = [item.title, f"{item.level} · {item.fired_at:%Y-%m-%d %H:%M} UTC"]
    if item.body:
        lines.append(item.body)
    if item.link:
        lines.append(f"Chart: {item.link}")
    return "\n".join(lines)


def build_email(message: Message, *, sender: str, recipients: list[str]) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = f"[shelfscope] {message.subject}"[:250]
    email["From"] = sender
    email["To"] = ", ".join(recipients)
    email["Date"] = format_datetime(message.items[0].fired_at if message.items else utcnow())
    email["Message-ID"] = make_msgid(domain="shelfscope.local")
    parts = [_item_text(item) for item in message.items]
    if message.total > len(message.items):
        parts.append(f"… and {message.total - len(message.items)} more.")
    email.set_content("\n\n".join(parts) + "\n")
    return email


def _connect(settings: AlertsSettings) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.smtp_timeout_seconds
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if settings.smtp_security == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def send_email(settings: AlertsSettings, message: Message, *, recipients: list[str]) -> int:
    """Send ``message`` to ``recipients``; returns 250 (accepted) or raises a classified error."""
    if not settings.smtp_host:
        raise ConfigError("no SMTP server is configured (SHELFSCOPE_ALERTS__SMTP_HOST)")
    email = build_email(message, sender=settings.from_address, recipients=recipients)
    try:
        with _connect(settings) as smtp:
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(email)
    except ShelfscopeError:
        raise
    except TimeoutError as exc:
        raise Timeout(f"the SMTP server did not answer within {settings.smtp_timeout_seconds:g}s") from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise ConfigError(f"the SMTP server refused the login ({exc.smtp_code})") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        raise _by_code(codes[-1], "refused every recipient") from exc
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, "refused the message") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise UpstreamUnavailable(f"the SMTP server could not be reached: {exc.__class__.__name__}") from exc
    return 250


def _by_code(code: int, what: str) -> ShelfscopeError:
    if 400 <= code < 500:
        return UpstreamUnavailable(f"the SMTP server {what} for now ({code})")
    return DeliveryRejected(f"the SMTP server {what} ({code})", status=code)
