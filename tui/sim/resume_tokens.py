"""The resume tokens of the embedded exchange's DropCopyAPI streams (spec §8, §11.6): one
codec for drop copy and the trade capture, position change and instrument state streams.

A token (opaque to clients) is ASCII ``<kind>:<exchange session>:<seq>``: ``kind`` names the
stream and its token version, so one stream's token is never taken by another; ``seq`` is
the position in that stream's journal the token covers (its stream resumes after it).

A token from another life of the exchange (a restarted sim) replays everything this one has
journalled: what it names is gone, and all of this exchange's history is new to the client.
A token that does not parse, is another stream's, or points past the journal is TokenError
(INVALID_ARGUMENT).
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.sim.wire import ns

DROP_COPY = "pmsim-dc1"  # drop copy's kind; the other streams' are dropcopy_journals'
BATCH = 100  # items per response on every one of these streams, in replay and live alike


class TokenError(ValueError):
    """A resume token this exchange cannot resume from; the message is for the client."""


def encode_token(session: str, seq: int, kind: str = DROP_COPY) -> bytes:
    return f"{kind}:{session}:{seq}".encode("ascii")


def decode_token(token: bytes, session: str, latest: int, kind: str = DROP_COPY) -> int:
    """The journal seq a token covers, ``latest`` being the journal's head."""
    try:
        text = token.decode("ascii")
    except UnicodeDecodeError:
        text = ""  # not ours: refused below
    token_kind, _, rest = text.partition(":")
    token_session, _, seq_text = rest.rpartition(":")
    if token_kind != kind or not token_session or not seq_text.isdigit():
        raise TokenError("resume_token is not one this exchange issued for this stream")
    if token_session != session:
        return 0  # another life of the exchange: replay all of this one's
    seq = int(seq_text)
    if seq > latest:
        raise TokenError("resume_token is ahead of this exchange's history")
    return seq


def seq_at(since_ns: int, stamped: Iterable[tuple[int, float]], latest: int) -> int:
    """Where a stream resumed at a time starts: before the first (seq, time) entry at or
    after ``since_ns``; at the head (live only) when there is none, e.g. a future time."""
    # the time as wire.timestamp wrote it, so a time echoed back from a message matches
    return next((seq - 1 for seq, time in stamped if ns(time) >= since_ns), latest)
