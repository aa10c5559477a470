"""UsersAPI's ListUsers at the embedded exchange (`GET /v1/users`, `POST /v1beta1/list_users`):
the end users an ISV or firm login trades for, each with the accounts it may trade for them.

The spec names the routes (§4, "other services"), their scope (§2.4: read:accounts) and that
they need the participant id (§2.2), but not their messages. The imitation's answer, in the
gateway's JSON style: {"users": [{"name", "displayName", "firm", "accounts"}],
"nextPageToken": ""}. A login with no end users lists itself. REST only: without the
messages there is no gRPC method to serve.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.sim.auth import SimUser
from tui.sim.gateway_json import Authed, bind


def users_routes(authed: Authed, users: Mapping[str, SimUser]) -> list[Route]:
    async def list_users(request: Request, user: SimUser) -> Response:
        shown = [users[c] for c in user.clients if c in users] or [user]
        return JSONResponse({"users": [
            {"name": u.participant_id, "displayName": u.display_name, "firm": u.firm,
             "accounts": [a for a in u.accounts if a in user.accounts]} for u in shown],
            "nextPageToken": ""})

    return [*bind(authed, ("/v1/users",), list_users, "GET", account_scoped=True,
                  method="ListUsers"),
            *bind(authed, ("/v1beta1/list_users",), list_users, "POST", account_scoped=True,
                  method="ListUsers")]
