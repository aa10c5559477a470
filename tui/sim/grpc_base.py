"""What every gRPC servicer of the embedded exchange shares: caller checks, stream waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import grpc

from tui.sim.auth import AuthError, SimUser, TokenIssuer
from tui.sim.exchange import Exchange
from tui.sim.hub import Hub, Subscriber
from tui.sim.service import GatewayService, ServiceError


class Base:
    def __init__(self, auth: TokenIssuer, service: GatewayService, hub: Hub,
                 heartbeat: float) -> None:
        self.auth = auth
        self.service = service
        self.hub = hub
        self.heartbeat = heartbeat

    @property
    def exchange(self) -> Exchange:
        return self.service.exchange

    async def _user(self, context: grpc.aio.ServicerContext, *, account_scoped: bool
                    ) -> SimUser:
        md = {k: v for k, v in (context.invocation_metadata() or ())}
        try:
            user = self.auth.check(str(md.get("authorization", "")))
        except AuthError as exc:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(exc))
            raise  # abort raises; keeps type checkers honest
        if account_scoped:
            await self._call(context, self.service.require_participant, user,
                             md.get("x-participant-id"))
        return user

    @staticmethod
    async def _call(context: grpc.aio.ServicerContext, fn: Callable[..., Any],
                    *args: Any) -> Any:
        try:
            return fn(*args)
        except ServiceError as exc:
            await context.abort(grpc.StatusCode(status_code(exc.code)), exc.message)

    async def _wait(self, sub: Subscriber, context: grpc.aio.ServicerContext) -> bool:
        """Wait for news; False on a heartbeat timeout. Aborts when the exchange drops us."""
        try:
            await asyncio.wait_for(sub.wake.wait(), timeout=self.heartbeat)
        except TimeoutError:
            return False
        finally:
            if sub.dropped:
                await context.abort(grpc.StatusCode.UNAVAILABLE, "stream reset by the exchange")
        sub.wake.clear()
        return True


def status_code(number: int) -> tuple[int, str]:
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return code.value
    return grpc.StatusCode.UNKNOWN.value
