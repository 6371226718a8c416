"""A widely used third-party client, python-amazon-sp-api, works against the sandbox unchanged.

It is pointed at the sandbox the ways it supports: a marketplace object with a custom
``endpoint`` (it only reads ``endpoint``, ``marketplace_id`` and ``region``) and an
``auth_token_client_class`` whose scheme, host and path name the sandbox's LWA token endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from sp_api.api import Reports  # type: ignore[import-untyped]  # ships no type hints
from sp_api.auth import AccessTokenClient  # type: ignore[import-untyped]

from shelfscope.sandbox.spapi import DEMO_APP, ground_truth
from tests.component.test_sandbox_spapi_helpers import START, Sandbox, consent_code, sandbox

__all__ = ["sandbox"]


def _lwa_client_class(sandbox: Sandbox) -> type[AccessTokenClient]:
    class SandboxTokenClient(AccessTokenClient):  # type: ignore[misc]
        scheme = "http://"
        host = urlsplit(sandbox.server.url).netloc
        path = "/lwa/auth/o2/token"

    return SandboxTokenClient


@contextmanager
def _reports_client(sandbox: Sandbox, *, region: str, marketplace_id: str) -> Iterator[Any]:
    """A Reports client holding a refresh token the library itself got from a consent code."""
    token_client = _lwa_client_class(sandbox)
    lwa = token_client(
        credentials=SimpleNamespace(
            lwa_app_id=DEMO_APP.client_id, lwa_client_secret=DEMO_APP.client_secret, refresh_token=None
        )
    )
    try:
        grant = lwa.authorize_auth_code(consent_code(sandbox, region=region.lower())["spapi_oauth_code"])
    finally:
        lwa._transport.close()
    assert grant["token_type"] == "bearer"
    marketplace = SimpleNamespace(
        endpoint=f"{sandbox.server.url}/spapi/{region.lower()}", marketplace_id=marketplace_id, region=region
    )
    client = Reports(
        marketplace=marketplace,
        refresh_token=grant["refresh_token"],
        credentials={"lwa_app_id": DEMO_APP.client_id, "lwa_client_secret": DEMO_APP.client_secret},
        auth_token_client_class=token_client,
    )
    try:
        yield client
    finally:  # the library leaves its httpx clients open
        client.close()
        client._auth._transport.close()


@pytest.mark.parametrize(
    ("region", "marketplace_id", "character_code", "sample"),
    [
        ("NA", "ATVPDKIKX0DER", "utf-8", "approval-date\treimbursement-id"),
        ("FE", "A1VC38T7YXB528", "cp932", "Reason"),
    ],
)
def test_python_amazon_sp_api_exchanges_creates_polls_and_downloads(
    sandbox: Sandbox, region: str, marketplace_id: str, character_code: str, sample: str
) -> None:
    with _reports_client(sandbox, region=region, marketplace_id=marketplace_id) as client:
        _create_poll_and_download(
            sandbox, client, region=region, character_code=character_code, sample=sample
        )


def _create_poll_and_download(
    sandbox: Sandbox, client: Any, *, region: str, character_code: str, sample: str
) -> None:
    report_type = "GET_FBA_REIMBURSEMENTS_DATA" if region == "NA" else "GET_LEDGER_DETAIL_VIEW_DATA"
    start, end = START - timedelta(days=120), START - timedelta(days=1)
    created = client.create_report(reportType=report_type, dataStartTime=start, dataEndTime=end)
    assert created.rate_limit == "0.0167"
    report_id = created.payload["reportId"]

    statuses = []
    for _ in range(30):
        report = client.get_report(report_id).payload
        statuses.append(report["processingStatus"])
        if report["processingStatus"] == "DONE":
            break
        sandbox.advance(60)
    assert statuses[0] == "IN_QUEUE"
    assert statuses[-1] == "DONE"

    document = client.get_report_document(report["reportDocumentId"], download=True)
    assert document.character_code == character_code  # from the download's Content-Type
    text = document.payload["document"]
    assert isinstance(text, str)
    assert sample in text.splitlines()[0]
    kind = "reimbursements" if region == "NA" else "inventory_ledger"
    truth = ground_truth(sandbox.world, region=region, start=start, end=end).rows[kind]
    assert len(text.rstrip("\n").split("\n")) - 1 == truth.rows
    if region == "FE":
        assert any(
            "\u30fc" in line or "\u30bb" in line for line in text.splitlines()[1:]
        )  # katakana survived
