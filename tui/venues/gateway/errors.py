"""The gateway's HTTP errors in the trader's words (spec §3.3).

What a status means depends on what was asked: a 401 at login is a refused password, a
401 later is a session that ran out; a 5xx on a command leaves its fate unknown, on a
read it is only a failed read.  The exchange's own message is kept, in brackets.
"""

from __future__ import annotations

import re

import httpx

from tui.venues.refusals import POST_ONLY_CROSSED, is_post_only_cross

LOGIN_PATH = "/auth/v1beta1/login"
REFRESH_PATH = "/auth/v1beta1/refresh_access_token"
COMMAND_PREFIX = "/v1/trading/orders"  # insert, cancel, replace and their lists
PREVIEW_PATH = "/v1/trading/orders/preview"  # a POST, but it changes nothing
_SCOPE = re.compile(r"missing required scope\s+([\w:.-]+)")
_ACCOUNT = re.compile(r"account\s+(firms/\S+)")


def is_command(method: str, path: str) -> bool:
    """A request that may change something at the exchange (so a lost answer matters)."""
    return method == "POST" and path.startswith(COMMAND_PREFIX) and path != PREVIEW_PATH


def detail_of(resp: httpx.Response) -> str:
    """The exchange's own message ({code, message, details} body), or ""."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    return str(body.get("message", "")).strip() if isinstance(body, dict) else ""


def error_words(resp: httpx.Response, method: str, path: str) -> str:
    """One or two sentences: what went wrong, and whether the request was acted on."""
    status = resp.status_code
    detail = detail_of(resp)
    low = detail.lower()
    if status == 401:
        if path == LOGIN_PATH:
            text = "The login was refused: wrong user or password"
        elif path == REFRESH_PATH:
            text = "The session expired and could not be renewed; log in again"
        elif "expired" in low:
            text = "The session expired"
        else:
            text = "The exchange did not accept this session's token; log in again"
    elif status == 403:
        if scope := _SCOPE.search(detail):
            text = (f"This login lacks the permission {scope.group(1)}; ask the exchange to "
                    "grant that scope to your client")
        elif "participant" in low:
            text = ("The exchange refused the participant id for this call; check "
                    "participant_id in the profile")
        elif account := _ACCOUNT.search(detail):
            text = f"This user may not use the account {account.group(1)}"
        else:
            text = "This user is not allowed to do that"
    elif status == 404:
        # grpc-gateway answers a path it has no route for with the bare reason phrase
        routed = detail and low != "not found"
        text = (f"The exchange does not know that ({path})" if routed else
                f"The exchange has no {path}: check the REST address in the profile")
    elif status == 429:
        text = "The exchange is limiting requests (429); slow down"
    elif status == 464:  # the load balancer's own code (spec §3.3)
        text = "The exchange's load balancer refused the Host header (PrivateLink: rest_host)"
    elif status >= 500:
        what = {502: "is unreachable behind its gateway", 503: "is unavailable",
                504: "timed out inside"}.get(status, "had an internal error")
        text = f"The exchange {what} (HTTP {status})"
        if is_command(method, path):
            return (f"{text}; {path} may or may not have taken effect: watch the blotter "
                    f"before sending it again{_bracket(detail)}.")
        return f"{text}; nothing changed, try again shortly{_bracket(detail)}."
    elif status == 400:  # INVALID_ARGUMENT: what was asked cannot be done, as asked
        if is_post_only_cross(detail):
            return f"The exchange refused it: {POST_ONLY_CROSSED}."
        text = "The exchange refused the request"
    elif status == 409:
        text = "The exchange already has that order id, or the order is already done"
    else:
        text = f"The exchange answered HTTP {status} to {path}"
    return f"{text}{_bracket(detail)}."


def _bracket(detail: str) -> str:
    return f" ({detail.rstrip('.')})" if detail else ""
