"""A gateway profile's credentials, read from where the profile names them (never from the
profile itself): one reading for the desk and for `pmdesk check`, so both say the same."""

from __future__ import annotations

import os

from tui.core.profiles import Profile
from tui.core.venue import VenueError
from tui.venues.gateway.auth0 import Auth0Client, client_for
from tui.venues.gateway.connection import Connection


def auth0_client(profile: Profile) -> Auth0Client:
    # a custom environment's token endpoint is on the gateway's own host, so the profile's
    # CA file vouches for it; Auth0's public hosts are checked against the system roots
    verify = (Connection.from_profile(profile).ssl_context()
              if profile.environment == "custom" and profile.ca_file else True)
    return client_for(token_url=profile.token_url, audience=profile.audience,
                      client_id_env=profile.client_id_env, key_file=profile.key_file,
                      verify=verify)


def gateway_credentials(profile: Profile) -> tuple[str, Auth0Client | None]:
    """(password, None) for a password login, ("", client) for Auth0; VenueError in words."""
    if profile.auth == "auth0":
        return "", auth0_client(profile)
    if not profile.user:
        raise VenueError(f"profile {profile.name} names no user.")
    if not profile.password_env:
        raise VenueError(f"profile {profile.name} names no password_env variable.")
    password = os.environ.get(profile.password_env, "")
    if not password:
        raise VenueError(f"${profile.password_env} is not set; export the password of "
                         f"{profile.user} in it.")
    return password, None
