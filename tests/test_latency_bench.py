"""bench/latency.py's parts: its arithmetic, and its instrumented exchange in its own process
(each insert's arrival stamped; bob's planted book reaching a desk). The bench itself is a
minute of processes on a shared machine, so it is run by hand, never timed here."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from latency_desk import Exchange
from latency_stats import (
    Row,
    Stall,
    match_keys,
    percentile,
    read_stalls,
    stall_figures,
    table,
)
from latency_term import Children, descendants

from tests.conftest import eventually
from tui.core.prices import Intent
from tui.core.state import LinkState
from tui.core.ticket import build_order
from tui.sim.auth import DEMO_PASSWORD
from tui.venues.base import ORDER_STREAM
from tui.venues.gateway.venue import GatewayVenue


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_each_key_meets_its_own_request_even_when_requests_queue() -> None:
    keys = [0.0, 0.1, 0.2]
    arrivals = [0.31, 0.32, 0.33]  # all three late, arriving after the third key
    assert match_keys(keys, arrivals) == pytest.approx([0.31, 0.22, 0.13])


def test_a_key_that_sent_nothing_charges_its_wait_to_the_next_never_less() -> None:
    keys = [0.0, 1.0, 2.0]
    arrivals = [0.005, 2.007]  # the key at 1.0 sent no request
    assert match_keys(keys, arrivals) == pytest.approx([0.005, 1.007])


def test_the_stall_log_is_read_in_its_window_and_junk_is_skipped(tmp_path: Path) -> None:
    log = tmp_path / "stalls.log"
    log.write_text("10.0 50.0 startup\n"
                   "not a line\n"
                   "20.5 9.0 App._on_timer frame\n"
                   "21.0 30.5 Screen._compositor_refresh\n"
                   "21.5 7.9 small\n")
    stalls = read_stalls(log)
    assert [s.name for s in stalls] == ["startup", "App._on_timer frame",
                                        "Screen._compositor_refresh", "small"]
    longest, per_s = stall_figures(stalls, 20.0, 22.0)
    assert longest == Stall(21.0, 30.5, "Screen._compositor_refresh")  # start-up left out
    assert per_s == pytest.approx(1.0)  # two of 8 ms or more in two seconds
    assert read_stalls(tmp_path / "none.log") == []


def test_the_table_has_the_issues_columns() -> None:
    text = table([Row("key → request at the exchange, p99", "6 ms", "≤ 15 ms")])
    assert text.splitlines() == ["| figure | measured | goal |", "|---|---|---|",
                                 "| key → request at the exchange, p99 | 6 ms | ≤ 15 ms |"]


async def test_the_bench_exchange_stamps_inserts_and_plants_books_a_desk_sees() -> None:
    children = Children()
    try:
        ex = Exchange(children, ["--no-flow"])
        desk = GatewayVenue(rest_url=ex.ready["rest"], grpc_target=ex.ready["grpc"],
                            username="demo", password=DEMO_PASSWORD, silence_timeout=5.0)
        await desk.start()
        try:
            symbol = next(s for s, i in sorted(desk.state.instruments.items())
                          if i.scales.price_scale == 100)
            inst = desk.state.instruments[symbol]
            await eventually(lambda: desk.state.streams.get(ORDER_STREAM) is not None
                             and desk.state.streams[ORDER_STREAM].state is LinkState.LIVE,
                             what="the desk's order stream")
            before = time.monotonic()
            await desk.submit(build_order(inst, Intent.BUY_YES, 40, 3))
            await eventually(lambda: ex.arrivals, what="the insert's arrival stamp")
            assert before <= ex.arrivals[0] <= time.monotonic()

            ex.plant(symbol)  # bob rests 9 to 13 ticks under the desk's bid of 0.40
            await eventually(lambda: ex.planted, what="the plant's acceptance")
            text = ex.planted[0][1]
            assert len(text) == 4 and text.isdigit()

            def shown() -> bool:
                book = desk.state.books.get(symbol)
                return book is not None and any(inst.scales.qty_text(q) == text
                                                for _, q in book.bids)
            await eventually(shown, what=f"bob's level of {text} in the desk's book")
        finally:
            await desk.stop()
        pid = ex.proc.pid
    finally:
        children.stop_all()
    assert ex.proc.poll() is not None, "the bench's exchange outlived stop_all"
    assert not descendants(pid)


def test_every_goal_of_the_issue_gets_a_row_with_its_figure(tmp_path: Path) -> None:
    from latency import parse, rows
    from latency_desk import Phase

    args = parse(["--quick", "--soak", "2"])
    args.home = str(tmp_path)
    hose = Phase("firehose", 2000, window=10.0, keys=[0.005, 0.009, 0.2], requests=3,
                 key_stamps=[1.0, 2.0, 3.0], ticks=[0.05, 0.3], plants=2,
                 bytes_per_s=150 * 1024, cpu=0.5, rss=110.0,
                 stalls=[Stall(5.0, 40.0, "frame")], span=(0.0, 10.0))
    calm = Phase("traders", 0, window=10.0, bytes_per_s=20 * 1024, cpu=0.1, rss=100.0)
    table_rows = rows(args, hose, calm, [1.5, 1.6], [0.2, 0.3], (100.0, 103.0), (10.0, 24.0))
    measured = {r.figure.split(",")[0]: r.measured for r in table_rows}
    assert len(table_rows) == 8
    assert measured["key → request at the exchange"].startswith("200 ms (p50 9 ms")
    assert "3 of 3 keys" in measured["key → request at the exchange"]
    assert measured["book change → terminal output"].startswith("50 ms / 300 ms")
    assert measured["bytes to the terminal"].startswith("150 KiB/s")
    assert measured["desk process CPU with only the demo's traders (exchange in its own "
                    "process)"].startswith("10% of a core")
    assert measured["`pmdesk demo` launch → live ladder"].startswith("1.55 s (hello world "
                                                                     "0.25 s: 6.2x")
    assert measured["RSS growth of the demo"].startswith("+3.0% over 2 min")
    assert measured["main-thread CPU per frame"].startswith("2.4x less")
