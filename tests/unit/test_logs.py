from __future__ import annotations

import logging

from shelfscope.logs import RedactSecrets


def test_credentials_in_query_strings_are_redacted_from_server_logs() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/ws?after=1-2&token=ssk_abc_SECRET", 101),
        None,
    )
    RedactSecrets().filter(record)
    line = record.getMessage()
    assert "SECRET" not in line
    assert "after=1-2&token=[redacted]" in line
