"""Times in the gateway's report and position requests, as the embedded exchange reads them:
epoch nanoseconds (as wire.timestamp writes them, so a time echoed back compares equal) and
trade dates (``polymarket.v1.Date``), taken as UTC days: the spec names no trade-date zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tui.proto.polymarket.v1 import types_pb2
from tui.sim.service import INVALID_ARGUMENT, ServiceError
from tui.sim.wire import ns

__all__ = ["day_start_ns", "ns"]  # ns is wire's, named here too for the report modules


def day_start_ns(day: types_pb2.Date, days_after: int = 0) -> int:
    """Midnight UTC starting ``day`` (moved on ``days_after`` days), in epoch nanoseconds;
    a date that does not exist is INVALID_ARGUMENT."""
    try:
        start = date(day.year, day.month, day.day) + timedelta(days=days_after)
    except (ValueError, OverflowError) as exc:
        raise ServiceError(INVALID_ARGUMENT, f"bad date: {exc}") from exc
    return int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()) * 10**9
