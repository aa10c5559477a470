"""Market discovery on the gateway host (retail-api.md §7.5): events, series, sports, teams,
search and a market's settlement. Public calls, a mixin of RetailRest.

Results are typed; an event keeps its markets as the exchange sent them (convert.instrument
reads those). A reply that cannot be read is a VenueError saying which, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from tui.core.money import wire_decimal
from tui.core.venue import VenueError

Json = dict[str, Any]
T = TypeVar("T")
SEARCH_STATUSES = ("active", "closed", "upcoming")


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    slug: str
    label: str


@dataclass(frozen=True, slots=True)
class SeriesRef:
    id: str
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    slug: str
    title: str
    description: str
    start_time: str | None  # RFC 3339, as sent
    end_time: str | None
    active: bool
    closed: bool
    volume: Decimal
    liquidity: Decimal
    markets: tuple[Json, ...]  # §7.2 Market objects
    tags: tuple[Tag, ...]
    series: SeriesRef | None

    @property
    def market_slugs(self) -> tuple[str, ...]:
        return tuple(str(m.get("slug") or "") for m in self.markets)


@dataclass(frozen=True, slots=True)
class Series:
    id: str
    slug: str
    title: str
    active: bool
    closed: bool


@dataclass(frozen=True, slots=True)
class League:
    id: str
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Sport:
    id: str
    name: str
    slug: str
    leagues: tuple[League, ...]


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str
    abbreviation: str
    league: str


@dataclass(frozen=True, slots=True)
class Settlement:
    slug: str
    price: Decimal  # dollars a YES contract pays: 1 if YES won, 0 if NO


def _text(data: Json, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _series_ref(data: object) -> SeriesRef | None:
    if not isinstance(data, dict):
        return None
    return SeriesRef(_text(data, "id"), _text(data, "slug"), _text(data, "title"))


def event_of(data: Json) -> Event:
    tags = tuple(Tag(_text(t, "id"), _text(t, "slug"), _text(t, "label"))
                 for t in data.get("tags") or [] if isinstance(t, dict))
    markets = tuple(m for m in data.get("markets") or [] if isinstance(m, dict))
    return Event(
        id=_text(data, "id"), slug=_text(data, "slug"), title=_text(data, "title"),
        description=_text(data, "description"), start_time=data.get("startTime"),
        end_time=data.get("endTime"), active=bool(data.get("active")),
        closed=bool(data.get("closed")), volume=wire_decimal(data.get("volume") or 0),
        liquidity=wire_decimal(data.get("liquidity") or 0), markets=markets, tags=tags,
        series=_series_ref(data.get("series")))


def series_of(data: Json) -> Series:
    return Series(_text(data, "id"), _text(data, "slug"), _text(data, "title"),
                  bool(data.get("active")), bool(data.get("closed")))


def sport_of(data: Json) -> Sport:
    leagues = tuple(League(_text(lg, "id"), _text(lg, "name"), _text(lg, "slug"))
                    for lg in data.get("leagues") or [] if isinstance(lg, dict))
    return Sport(_text(data, "id"), _text(data, "name"), _text(data, "slug"), leagues)


def team_of(data: Json) -> Team:
    return Team(int(data.get("id") or 0), _text(data, "name"), _text(data, "abbreviation"),
                _text(data, "league"))


def read(what: str, parse: Callable[[Json], T], data: object) -> T:
    """One object of the reply, or a VenueError that says which could not be read."""
    if not isinstance(data, dict):
        raise VenueError(f"The exchange sent {what} that is not a JSON object.")
    try:
        return parse(data)
    except (ValueError, TypeError) as exc:
        raise VenueError(f"The exchange sent {what} that cannot be read ({exc}).") from None


def _flag(name: str, value: bool | None) -> list[tuple[str, str]]:
    return [] if value is None else [(name, "true" if value else "false")]


def _many(name: str, values: Sequence[str]) -> list[tuple[str, str]]:
    return [(name, v) for v in values]  # the SDK's lists: repeated keys (§2.5)


def _page(limit: int | None, offset: int | None) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in (("limit", limit), ("offset", offset)) if v is not None]


class DiscoveryCalls:
    """The gateway's discovery routes over RetailRest's transport."""

    async def _call(self, method: str, path: str, *, body: Json | None = None,
                    params: list[tuple[str, str]] | None = None, public: bool = False
                    ) -> Json:
        raise NotImplementedError  # RetailRest's

    async def events(self, *, slugs: Sequence[str] = (), series_ids: Sequence[str] = (),
                     categories: Sequence[str] = (), game_id: str | None = None,
                     active: bool | None = None, closed: bool | None = None,
                     limit: int | None = None, offset: int | None = None) -> list[Event]:
        """GET /v1/events, filtered as asked."""
        params = (_many("slug", slugs) + _many("seriesId", series_ids)
                  + _many("categories", categories) + _flag("active", active)
                  + _flag("closed", closed) + _page(limit, offset)
                  + ([("gameId", game_id)] if game_id else []))
        reply = await self._call("GET", "/v1/events", params=params, public=True)
        return [read("an event", event_of, e) for e in reply.get("events") or []]

    async def event(self, event_id: str) -> Event:
        reply = await self._call("GET", f"/v1/events/{event_id}", public=True)
        return read("an event", event_of, reply.get("event"))

    async def event_by_slug(self, slug: str) -> Event:
        reply = await self._call("GET", f"/v1/events/slug/{slug}", public=True)
        return read("an event", event_of, reply.get("event"))

    async def series_list(self, *, slugs: Sequence[str] = (), active: bool | None = None,
                          closed: bool | None = None, limit: int | None = None,
                          offset: int | None = None) -> list[Series]:
        """GET /v1/series."""
        params = (_many("slug", slugs) + _flag("active", active) + _flag("closed", closed)
                  + _page(limit, offset))
        reply = await self._call("GET", "/v1/series", params=params, public=True)
        return [read("a series", series_of, s) for s in reply.get("series") or []]

    async def series(self, series_id: str) -> Series:
        reply = await self._call("GET", f"/v1/series/id/{series_id}", public=True)
        return read("a series", series_of, reply.get("series"))

    async def sports(self) -> list[Sport]:
        """GET /v1/sports: each sport with its leagues."""
        reply = await self._call("GET", "/v1/sports", public=True)
        return [read("a sport", sport_of, s) for s in reply.get("sports") or []]

    async def teams(self, *, league: str | None = None, team_ids: Sequence[str] = (),
                    provider: str | None = None) -> dict[str, Team]:
        """GET /v1/sports/teams/provider: provider team id → team."""
        params = (_many("teamIds", team_ids) + ([("league", league)] if league else [])
                  + ([("provider", provider)] if provider else []))
        reply = await self._call("GET", "/v1/sports/teams/provider", params=params,
                                 public=True)
        teams = reply.get("teams") or {}
        if not isinstance(teams, dict):
            raise VenueError("The exchange sent teams that are not a JSON object.")
        return {str(k): read("a team", team_of, v) for k, v in teams.items()}

    async def search(self, query: str, *, status: str | None = None,
                     series_ids: Sequence[str] = (), limit: int | None = None,
                     page: int | None = None) -> list[Event]:
        """GET /v1/search: the events whose words match ``query``."""
        if not query.strip():
            raise VenueError("Give some words to search for.")
        if status is not None and status not in SEARCH_STATUSES:
            raise VenueError(f"A search status is one of {', '.join(SEARCH_STATUSES)}.")
        params = ([("query", query)] + ([("status", status)] if status else [])
                  + _many("seriesIds", series_ids)
                  + [(k, str(v)) for k, v in (("limit", limit), ("page", page))
                     if v is not None])
        reply = await self._call("GET", "/v1/search", params=params, public=True)
        return [read("an event", event_of, e) for e in reply.get("events") or []]

    async def settlement(self, slug: str) -> Settlement:
        """GET /v1/markets/{slug}/settlement; a market not settled yet is a VenueError
        (the exchange answers 404: "Not found: market … has not settled.")."""
        reply = await self._call("GET", f"/v1/markets/{slug}/settlement", public=True)
        return read("a settlement", lambda d: Settlement(
            _text(d, "slug") or slug, wire_decimal(d.get("settlement"))), reply)
