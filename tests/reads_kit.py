"""Helpers the gateway read-call tests share: a token with only some scopes, and a gRPC
refusal caught with its status."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable

import grpc
import pytest

from tui.sim.server import SimServer

OTHER_FIRM = "firms/ISV/accounts/house"  # another firm's account: never a DEMO user's


def narrow(sim: SimServer, user: str, *scopes: str) -> dict[str, str]:
    """REST headers (and gRPC metadata pairs) of a token granting only ``scopes``."""
    who = sim.auth.users[user]
    token = "narrow-" + secrets.token_hex(8)
    sim.auth.accept(token, who, sim.auth.clock() + 600, frozenset(scopes))
    return {"authorization": f"Bearer {token}", "x-participant-id": who.participant_id}


async def refused(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    """The error a unary gRPC call ends in (the test fails if it answers)."""
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    return err.value
