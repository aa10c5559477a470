"""Retail market discovery (retail-api.md §4, §7.5): events, series, sports and search.

Public, as on the gateway host: no key. The catalogue is derived from the instruments' own
metadata (see catalog). Query parameters are the SDK's: lists are repeated keys, booleans
`true`/`false`. A malformed parameter is a 400 in words; a filter on something the sim's
catalogue has none of (a recurrence, a featured event) simply matches nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.routing import Route

from tui.sim.retail.api import RetailApi
from tui.sim.retail.catalog import CATEGORIES, PROVIDER, Catalog, Event
from tui.sim.retail.public import RetailPublic, public_endpoint
from tui.sim.retail.wire import RetailError

T = TypeVar("T")
SEARCH_STATUSES = ("active", "closed", "upcoming")


def flag(query: QueryParams, name: str) -> bool | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    if value not in ("true", "false"):
        raise RetailError(400, f"{name} must be true or false")
    return value == "true"


def whole(query: QueryParams, name: str, default: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise RetailError(400, f"{name} must be a whole number")
    return int(value)


def ordered(items: list[T], query: QueryParams, keys: dict[str, Callable[[T], Any]]
            ) -> list[T]:
    """Sorted by each orderBy in turn (the first decides), asc unless orderDirection=desc."""
    direction = query.get("orderDirection") or "asc"
    if direction not in ("asc", "desc"):
        raise RetailError(400, "orderDirection must be asc or desc")
    fields = query.getlist("orderBy")
    for name in reversed(fields):  # stable sorts: the last key first
        if name not in keys:
            raise RetailError(400, f"orderBy must be one of {', '.join(keys)}")
        items = sorted(items, key=lambda item: (keys[name](item) is None, keys[name](item)))
    return items[::-1] if fields and direction == "desc" else items


def window(items: Sequence[T], query: QueryParams) -> list[T]:
    offset = whole(query, "offset", 0)
    return list(items[offset:offset + whole(query, "limit", len(items))])


class RetailDiscovery:
    def __init__(self, api: RetailApi) -> None:
        self.api = api
        self.public = RetailPublic(api)
        self._catalog: tuple[tuple[str, ...], Catalog] | None = None

    def catalog(self) -> Catalog:
        """The catalogue, built once: it changes only if the set of instruments does (their
        states are read live), so it is remade only then, never per request."""
        symbols = tuple(self.api.exchange.instruments)
        if self._catalog is None or self._catalog[0] != symbols:
            self._catalog = symbols, Catalog(self.public)
        return self._catalog[1]

    def routes(self) -> list[Route]:
        p = public_endpoint  # unauthenticated, errors in the retail shape
        return [
            Route("/v1/events", p(self._events), methods=["GET"]),
            Route("/v1/events/slug/{slug}", p(self._event_by_slug), methods=["GET"]),
            Route("/v1/events/{id}", p(self._event_by_id), methods=["GET"]),
            Route("/v1/series", p(self._series), methods=["GET"]),
            Route("/v1/series/id/{id}", p(self._series_by_id), methods=["GET"]),
            Route("/v1/sports", p(self._sports), methods=["GET"]),
            Route("/v1/sports/teams/provider", p(self._teams), methods=["GET"]),
            Route("/v1/search", p(self._search), methods=["GET"]),
        ]

    # --- events ---------------------------------------------------------------------------
    def _events(self, request: Request) -> dict[str, Any]:
        query, catalog = request.query_params, self.catalog()
        events = [e for e in catalog.events if self._wanted(catalog, e, query)]
        keys: dict[str, Callable[[Event], Any]] = {
            "id": lambda e: int(e.id), "slug": lambda e: e.slug, "title": lambda e: e.title,
            "startTime": lambda e: e.date if e.game_id else None,
            "endTime": lambda e: e.date, "volume": catalog.volume,
            "liquidity": catalog.liquidity}
        events = window(ordered(events, query, keys), query)
        return {"events": [catalog.event_json(e) for e in events]}

    @staticmethod
    def _wanted(catalog: Catalog, event: Event, query: QueryParams) -> bool:
        ids, slugs = query.getlist("id"), {s.lower() for s in query.getlist("slug")}
        series = query.getlist("seriesId")
        categories = {c.lower() for c in query.getlist("categories")}
        tags = catalog.tags(event)
        checks = [
            not ids or event.id in ids, not slugs or event.slug in slugs,
            not series or (bool(event.series) and catalog.series_id(event.series) in series),
            not categories or event.category.lower() in categories
            or CATEGORIES.get(event.category, "").lower() in categories,
            not query.get("gameId") or event.game_id.lower() == query["gameId"].lower(),
            not query.get("tagId") or any(t["id"] == query["tagId"] for t in tags),
            not query.get("tagSlug") or any(t["slug"] == query["tagSlug"].lower()
                                            for t in tags),
        ]
        for name, value in (("active", catalog.active), ("closed", catalog.closed),
                            ("ended", catalog.closed), ("archived", lambda e: False),
                            ("featured", lambda e: False)):
            wanted = flag(query, name)
            checks.append(wanted is None or value(event) == wanted)
        return all(checks)

    def _event_by_id(self, request: Request) -> dict[str, Any]:
        catalog, wanted = self.catalog(), request.path_params["id"]
        for event in catalog.events:
            if event.id == wanted:
                return {"event": catalog.event_json(event)}
        raise RetailError(404, f"unknown event id {wanted}")

    def _event_by_slug(self, request: Request) -> dict[str, Any]:
        catalog, wanted = self.catalog(), request.path_params["slug"].lower()
        for event in catalog.events:
            if event.slug == wanted:
                return {"event": catalog.event_json(event)}
        raise RetailError(404, f"unknown event {wanted}")

    # --- series ---------------------------------------------------------------------------
    def _series(self, request: Request) -> dict[str, Any]:
        query, catalog = request.query_params, self.catalog()
        slugs = {s.lower() for s in query.getlist("slug")}
        found = [catalog.series_json(code) for code in catalog.series]
        found = [s for s in found if (not slugs or s["slug"] in slugs)
                 and not query.get("recurrence")]  # no sim series recurs
        for name in ("active", "closed", "archived"):
            wanted = flag(query, name)
            found = [s for s in found if wanted is None or s[name] == wanted]
        keys: dict[str, Callable[[dict[str, Any]], Any]] = {
            "id": lambda s: int(s["id"]), "slug": lambda s: s["slug"],
            "title": lambda s: s["title"]}
        return {"series": window(ordered(found, query, keys), query)}

    def _series_by_id(self, request: Request) -> dict[str, Any]:
        catalog, wanted = self.catalog(), request.path_params["id"]
        for code in catalog.series:
            if catalog.series_id(code) == wanted:
                return {"series": catalog.series_json(code)}
        raise RetailError(404, f"unknown series id {wanted}")

    # --- sports ---------------------------------------------------------------------------
    def _sports(self, request: Request) -> dict[str, Any]:
        return {"sports": self.catalog().sports_json()}

    def _teams(self, request: Request) -> dict[str, Any]:
        query, catalog = request.query_params, self.catalog()
        provider, league = query.get("provider"), (query.get("league") or "").lower()
        ids = {i.lower() for i in query.getlist("teamIds")}
        if provider not in (None, "", PROVIDER):
            return {"teams": {}}  # the sim's teams are known by its own ids only
        return {"teams": {key: catalog.team_json(team) for key, team in catalog.teams.items()
                          if (not ids or key in ids)
                          and (not league or team.league.lower() == league)}}

    # --- search ---------------------------------------------------------------------------
    def _search(self, request: Request) -> dict[str, Any]:
        """Events whose words include every word of the query (each as a word's start)."""
        query, catalog = request.query_params, self.catalog()
        words = re.findall(r"[a-z0-9]+", (query.get("query") or "").lower())
        if not words:
            raise RetailError(400, "query is required: the words to search for")
        status = query.get("status") or None
        if status is not None and status not in SEARCH_STATUSES:
            raise RetailError(400, f"status must be one of {', '.join(SEARCH_STATUSES)}")
        series = query.getlist("seriesIds")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.api.exchange.clock()))
        found = []
        for event in catalog.events:
            have = catalog.words(event)
            if not all(any(w.startswith(word) for w in have) for word in words):
                continue
            if series and not (event.series and catalog.series_id(event.series) in series):
                continue
            if status is None or {
                    "active": catalog.active(event), "closed": catalog.closed(event),
                    # a game not yet begun: its date still ahead
                    "upcoming": catalog.active(event) and bool(event.game_id)
                    and (event.date or "") > now}[status]:
                found.append(event)
        limit = whole(query, "limit", len(found)) or len(found)
        page = max(whole(query, "page", 1), 1)  # pages count from 1
        return {"events": [catalog.event_json(e)
                           for e in found[(page - 1) * limit:page * limit]]}
