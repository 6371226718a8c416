"""What the seller is told when "Connect Amazon" does not work out, and where the browser may go.

The OAuth callback is reached by the seller's browser straight from Seller Central, so its
failures become one clear sentence on the Connect page instead of a JSON body. The connect
form posts to shelfscope and is redirected on to Seller Central: the page that holds the form
must allow that origin as a form target (browsers apply ``form-action`` to redirects too).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response

from shelfscope.errors import AuthorizationRevoked, Conflict, InvalidInput, ShelfscopeError, TransientError
from shelfscope.settings import Settings
from shelfscope.web.templating import SECURITY_HEADERS

__all__ = ["allow_consent_forms", "denied_message", "failure_message"]

_DENIED = {
    "access_denied": "You did not authorize shelfscope in Seller Central, so nothing was connected.",
    "unauthorized_client": "Amazon does not let this application ask for authorization; check the app.",
    "invalid_scope": "Amazon refused the permissions this application asked for.",
}


def denied_message(error: str, description: str | None = None) -> str:
    """The sentence for an OAuth error answer (``error=access_denied`` and friends)."""
    text = _DENIED.get(error, f"Amazon did not complete the authorization ({error}).")
    return f"{text} {description}".strip() if description and error not in _DENIED else text


def failure_message(exc: ShelfscopeError) -> str:
    """The sentence for a callback that failed after Seller Central sent the seller back."""
    if isinstance(exc, Conflict):
        return "This authorization link was already used or has expired. Start again with Connect Amazon."
    if isinstance(exc, AuthorizationRevoked):
        return (
            "Amazon did not accept the authorization code: it is valid for five minutes and works once. "
            "Start again with Connect Amazon."
        )
    if isinstance(exc, InvalidInput) and getattr(exc, "field", None) == "state":
        return "This authorization did not start from this shelfscope. Start again with Connect Amazon."
    if isinstance(exc, TransientError):
        return f"Amazon could not be reached to finish the connection ({exc.message}). Try again shortly."
    return f"The Amazon connection could not be completed: {exc.message}"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def allow_consent_forms(response: Response, settings: Settings) -> Response:
    """Let this page's forms continue to Seller Central's consent page (and nowhere else new)."""
    origins = sorted({o for url in settings.seller.consent_urls.values() if (o := _origin(url))})
    policy = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", " ".join(["form-action 'self'", *origins])
    )
    response.headers["Content-Security-Policy"] = policy
    return response
