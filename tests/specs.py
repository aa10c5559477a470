"""Where the wire specs live: docs/spec/ in this repo (a copy of the shared specs, refreshed
when they change), so conformance tests run in any clean clone and never skip."""

from __future__ import annotations

from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parents[1] / "docs" / "spec"
GATEWAY_SPEC = SPEC_DIR / "exchange-gateway.md"
RETAIL_SPEC = SPEC_DIR / "retail-api.md"
CLOB_SPEC = SPEC_DIR / "global-clob.md"
