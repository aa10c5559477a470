"""The fault suite's short form (the long one is bench/faults.py): for each venue, through a
loopback proxy that cuts its streams and loses REST answers, against the real embedded
exchange, every run ends reconciled with the exchange's journal: no fill lost or doubled,
no order doubled, nothing left working, positions equal. Each test prints its figures."""

from __future__ import annotations

import pytest

from tests.faults.orders import kill_switch_presses, lost_inserts
from tests.faults.process import process_kills
from tests.faults.reconcile import Figures, table
from tests.faults.stale import stale_trials
from tests.faults.streams import stream_kills


def clean(figures: Figures) -> None:
    print("\n" + table([figures]))
    assert figures.fills or figures.presses or figures.stale_trials, (
        f"nothing happened: {figures.describe()}")
    assert not figures.notes, figures.notes
    assert figures.stale_worst <= 2.5, f"{figures.describe()}: {figures.result()}"
    assert not figures.bad, f"{figures.describe()}: {figures.result()}"


async def test_gateway_fills_survive_stream_kills_and_a_restart() -> None:
    figures = await stream_kills("gateway", kills=40, restarts=1)
    assert figures.faults["stream kills"] >= 40 and figures.faults["desk restarts"] == 1
    clean(figures)


async def test_retail_fills_survive_socket_kills() -> None:
    figures = await stream_kills("retail", kills=30)
    assert figures.faults["stream kills"] >= 30
    clean(figures)


async def test_clob_fills_survive_socket_kills() -> None:
    figures = await stream_kills("clob", kills=30)
    assert figures.faults["stream kills"] >= 30
    clean(figures)


@pytest.mark.parametrize("kind", ["gateway", "retail", "clob"])
async def test_inserts_whose_answers_are_lost_are_never_doubled(kind: str) -> None:
    # the CLOB desk batches the inserts of one moment (fewer answers to lose): more inserts
    figures = await lost_inserts(kind, inserts=80 if kind == "clob" else 40, lose=0.3)
    assert figures.faults["answers lost"] >= 5  # the proxy really lost answers
    clean(figures)


@pytest.mark.parametrize("kind", ["gateway", "retail", "clob"])
async def test_the_kill_switch_leaves_nothing_working_with_30_percent_of_answers_lost(
        kind: str) -> None:
    presses = 12 if kind == "gateway" else 4  # the socket venues' presses take longer
    figures = await kill_switch_presses(kind, presses=presses, in_flight=20, lose=0.3,
                                        check_after=0.5)
    assert figures.faults["answers lost"] >= presses
    clean(figures)


async def test_a_desk_process_killed_and_restarted_on_its_database_loses_no_fill() -> None:
    figures = await process_kills(kills=3)
    assert figures.faults["SIGKILLs"] == 3
    clean(figures)


@pytest.mark.parametrize("kind", ["gateway", "retail"])
async def test_a_frozen_price_feed_is_shown_stale_within_2_seconds(kind: str) -> None:
    figures = await stale_trials(kind, trials=2)
    assert figures.stale_trials == 2
    clean(figures)
