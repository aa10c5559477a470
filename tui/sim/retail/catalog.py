"""The retail catalogue (retail-api.md §7.5): events, series, sports, leagues and teams.

The engine knows instruments only; everything here is derived from their metadata, so the
catalogue can never disagree with what trades. A market with a ``game_id`` belongs to that
game's event (one event per game, however many markets); any other market is an event of
its own. ``event_series`` names the series, ``event_category`` the category tag and
``sports_game_league`` the league; teams come from a sports slug's two codes (the first is
the YES side, §7.2) and their names from the market's question where it spells them.
Ids are small stable integers, written as strings like the markets' (§13 #9); a team's id
is an integer, as §5.9 types it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tui.core.enums import InstrumentState
from tui.sim.model import SimInstrument
from tui.sim.retail.public import ALL_LEVELS, RetailPublic, is_closed
from tui.sim.retail.wire import money, num, slug_of

CATEGORIES = {"SPR": "Sports", "POL": "Politics", "CRY": "Crypto", "CUL": "Culture"}
SPORTS = {"NFL": "Football", "CFB": "Football", "NBA": "Basketball", "WNBA": "Basketball",
          "CBB": "Basketball", "NHL": "Hockey", "MLB": "Baseball", "MLS": "Soccer",
          "EPL": "Soccer"}
PROVIDER = "sim"  # the provider whose team ids /v1/sports/teams/provider speaks
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})$")
_MATCHUP = re.compile(r"^Will the (.+?) beat the (.+?) on ")
_ACRONYM = re.compile(r"^[A-Z]{1,3}$|^\d+$")


@dataclass(slots=True)
class Team:
    id: int
    abbreviation: str
    name: str
    league: str

    @property
    def provider_id(self) -> str:
        return f"{self.league}-{self.abbreviation}".lower()


@dataclass(slots=True)
class Event:
    id: str
    slug: str
    title: str
    category: str
    series: str  # the event_series code, "" if none
    league: str  # "" unless a sports game
    game_id: str
    date: str | None  # RFC 3339 midnight UTC of the date its slug carries
    instruments: list[SimInstrument] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)


def series_title(code: str) -> str:
    """US-SENATE-2026 → "US Senate 2026": a leading short code and years stay as they are."""
    return " ".join(w if _ACRONYM.match(w) and (i == 0 or w.isdigit()) else w.capitalize()
                    for i, w in enumerate(code.split("-")))


def _date(text: str) -> str | None:
    found = _DATE.search(text)
    return f"{found[1]}-{found[2]}-{found[3]}T00:00:00Z" if found else None


class Catalog:
    """The catalogue the instruments' metadata makes; states and volumes are read live.

    Its structure (events, teams, series, tags) depends only on which instruments there are
    and their metadata, fixed when the exchange is made; an instrument's state changes in
    place on the same object, so a Catalog built once stays true (RetailDiscovery keeps one).
    """

    def __init__(self, public: RetailPublic) -> None:
        self.public = public
        self.exchange = public.exchange
        self.events: list[Event] = []
        self.teams: dict[str, Team] = {}  # provider team id → team
        by_key: dict[str, Event] = {}
        for inst in self.exchange.instruments.values():
            meta = inst.metadata
            game, league = meta.get("game_id", ""), meta.get("sports_game_league", "")
            key = f"{league}-{game}" if game else inst.symbol
            event = by_key.get(key)
            if event is None:
                slug = key.lower() if game else slug_of(inst.symbol).removeprefix("aec-")
                event = by_key[key] = Event(
                    str(5001 + len(by_key)), slug, inst.description,
                    meta.get("event_category", ""), meta.get("event_series", ""), league,
                    game, _date(game or inst.symbol))
                self.events.append(event)
                if game and league:
                    event.teams = self._teams(inst, league)
                    event.title = " vs ".join(t.name for t in event.teams) or event.title
            event.instruments.append(inst)
        self.series = sorted({e.series for e in self.events if e.series})
        self.labels = sorted({label for e in self.events for label in self._labels(e)})

    def _teams(self, inst: SimInstrument, league: str) -> list[Team]:
        parts = slug_of(inst.symbol).split("-")
        if len(parts) < 4:
            return []
        names = _MATCHUP.match(inst.description)
        found = []
        for i, code in enumerate((parts[2].upper(), parts[3].upper())):
            team = Team(0, code, names[i + 1] if names else code, league)
            if team.provider_id not in self.teams:  # ids in order of first sight, from 101
                team.id = 101 + len(self.teams)
                self.teams[team.provider_id] = team
            team = self.teams[team.provider_id]
            found.append(team)
        return found

    # --- derived values -----------------------------------------------------------------
    def series_id(self, code: str) -> str:
        return str(301 + self.series.index(code))

    @staticmethod
    def _labels(event: Event) -> list[str]:
        labels = [CATEGORIES.get(event.category, event.category)] if event.category else []
        return labels + ([event.league] if event.league else [])

    def tags(self, event: Event) -> list[dict[str, str]]:
        """Its category's tag, and its league's for a game."""
        return [{"id": str(201 + self.labels.index(label)), "slug": label.lower(),
                 "label": label} for label in self._labels(event)]

    def active(self, event: Event) -> bool:
        return any(i.state is InstrumentState.OPEN for i in event.instruments)

    def closed(self, event: Event) -> bool:
        return all(is_closed(i) for i in event.instruments)

    def volume(self, event: Event) -> Decimal:
        """Dollars traded this session over its markets."""
        return sum((money(self.exchange.stats(i.symbol).notional, i.scales)
                    for i in event.instruments), Decimal(0))

    def liquidity(self, event: Event) -> Decimal:
        """Dollars resting on its books, both sides at their limit prices."""
        total = Decimal(0)
        for inst in event.instruments:
            bids, offers = self.exchange.book(inst.symbol, ALL_LEVELS)
            total += money(sum(px * q for px, q in bids + offers), inst.scales)
        return total

    # --- JSON ---------------------------------------------------------------------------
    def series_ref(self, code: str) -> dict[str, str]:
        return {"id": self.series_id(code), "slug": code.lower(), "title": series_title(code)}

    def event_json(self, event: Event) -> dict[str, Any]:
        """§7.5 Event, its markets in full (§7.2)."""
        return {
            "id": event.id, "slug": event.slug, "title": event.title,
            "description": " ".join(i.description for i in event.instruments),
            "startTime": event.date if event.game_id else None, "endTime": event.date,
            "active": self.active(event), "closed": self.closed(event), "archived": False,
            "featured": False, "liquidity": num(self.liquidity(event)),
            "volume": num(self.volume(event)),
            "markets": [self.public.market_json(i) for i in event.instruments],
            "tags": self.tags(event),
            "series": self.series_ref(event.series) if event.series else None,
            "category": CATEGORIES.get(event.category, event.category),
            "gameId": event.game_id or None,
        }

    def series_json(self, code: str) -> dict[str, Any]:
        events = [e for e in self.events if e.series == code]
        return self.series_ref(code) | {
            "active": any(self.active(e) for e in events),
            "closed": all(self.closed(e) for e in events), "archived": False,
            "events": [{"id": e.id, "slug": e.slug, "title": e.title} for e in events],
        }

    def sports_json(self) -> list[dict[str, Any]]:
        """§7.5 sports, each with the leagues its markets are in."""
        leagues = sorted({e.league for e in self.events if e.league})
        sports: dict[str, dict[str, Any]] = {}
        for league in leagues:
            name = SPORTS.get(league, league)
            sport = sports.setdefault(name, {"id": str(401 + len(sports)), "name": name,
                                             "slug": name.lower(), "leagues": []})
            sport["leagues"].append({"id": str(501 + leagues.index(league)), "name": league,
                                     "slug": league.lower()})
        return list(sports.values())

    def team_json(self, team: Team) -> dict[str, Any]:
        """§5.9 Team, as far as the sim knows one."""
        return {"id": team.id, "name": team.name, "abbreviation": team.abbreviation,
                "league": team.league.lower(), "alias": team.abbreviation,
                "safeName": team.name, "displayAbbreviation": team.abbreviation,
                "providerId": team.provider_id,
                "providerIds": [{"provider": PROVIDER, "providerId": team.provider_id}]}

    def words(self, event: Event) -> set[str]:
        """Every word search matches against: titles, questions, slugs, series, tags, teams."""
        text = [event.title, event.slug, event.game_id, event.league]
        text += [i.description + " " + slug_of(i.symbol) for i in event.instruments]
        text += [series_title(event.series)] if event.series else []
        text += [t["label"] for t in self.tags(event)]
        text += [f"{t.name} {t.abbreviation}" for t in event.teams]
        return set(re.findall(r"[a-z0-9]+", " ".join(text).lower()))
