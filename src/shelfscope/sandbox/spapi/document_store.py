"""Report documents and their presigned download URLs, as S3 serves them to SP-API clients.

getReportDocument answers with a URL that works without any auth header for five minutes, like
an S3 presigned URL: the query carries ``X-Amz-Date``, ``X-Amz-Expires`` and an HMAC signature
over the key, date, lifetime and optional ``Content-Encoding``. A URL whose time is up answers
403 "Request has expired"; a tampered one 403 SignatureDoesNotMatch; a document past its
retention 404 NoSuchKey, all as S3 XML error bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shelfscope.sandbox.spapi.render.charsets import Charset

__all__ = ["DocumentStore", "DownloadRefused", "StoredDocument"]

_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, kw_only=True)
class StoredDocument:
    document_id: str
    key: str
    selling_partner_id: str
    region: str
    body: bytes
    charset: Charset
    expires_at: datetime
    """End of the document's retention."""


class DownloadRefused(Exception):
    """What S3 answers instead of the document: a status and an XML error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    @property
    def xml(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{self.message}</Message>"
            f"<RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>"
        )


class DocumentStore:
    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._by_id: dict[str, StoredDocument] = {}
        self._by_key: dict[str, StoredDocument] = {}

    def add(self, document: StoredDocument) -> None:
        with self._lock:
            self._by_id[document.document_id] = document
            self._by_key[document.key] = document

    def get(self, selling_partner_id: str, region: str, document_id: str) -> StoredDocument | None:
        with self._lock:
            found = self._by_id.get(document_id)
        if found is None or (found.selling_partner_id, found.region) != (selling_partner_id, region):
            return None
        return found

    def _signature(self, key: str, date: str, expires: str, encoding: str) -> str:
        message = "\n".join((key, date, expires, encoding)).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def presign(
        self, document: StoredDocument, *, now: datetime, ttl: float, gzip_encoding: bool
    ) -> dict[str, str]:
        """The query string of a URL for ``document`` valid ``ttl`` seconds from ``now``."""
        date, expires = now.astimezone(UTC).strftime(_DATE_FORMAT), str(round(ttl))
        encoding = "gzip" if gzip_encoding else ""
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": date,
            "X-Amz-Expires": expires,
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Signature": self._signature(document.key, date, expires, encoding),
        }
        if encoding:
            query["response-content-encoding"] = encoding
        return query

    def open(self, key: str, query: dict[str, str], *, now: datetime) -> tuple[StoredDocument, bool]:
        """The document behind a presigned URL and whether to send ``Content-Encoding: gzip``."""
        date, expires = query.get("X-Amz-Date", ""), query.get("X-Amz-Expires", "")
        encoding = query.get("response-content-encoding", "")
        given = query.get("X-Amz-Signature", "")
        if not hmac.compare_digest(given, self._signature(key, date, expires, encoding)):
            raise DownloadRefused(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        signed_at = datetime.strptime(date, _DATE_FORMAT).replace(tzinfo=UTC)
        if now > signed_at + timedelta(seconds=int(expires)):
            raise DownloadRefused(403, "AccessDenied", "Request has expired")
        with self._lock:
            document = self._by_key.get(key)
        if document is None or document.expires_at <= now:
            raise DownloadRefused(404, "NoSuchKey", "The specified key does not exist.")
        return document, encoding == "gzip"
