"""One entry of an account's audit journal: what a trader pressed, was asked and answered,
what the desk sent and what came back, what it refused and what it said.

Entries are made where each happens (the desk controller's keys and answers, tui/desk/
audit.py; the venue's commands, tui/venues/audit.py; notices, DeskState.notify) and handed
to DeskState.audit, which tells its listeners: the local database keeps them, per account,
with secrets redacted, and `pmdesk export journal` writes them out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# what an entry is: the kinds `pmdesk export journal` writes
KEY = "key"  # a key that trades or could, as the desk took it, and what it meant
QUESTION = "question"  # a confirmation the trader was asked
ANSWER = "answer"  # the trader's answer to it
# what was not done, and why: a key refused (limits, checks, a bad ticket), or a plan
# carried out that the desk, the venue or the exchange refused (said as an error)
REFUSAL = "refusal"
COMMAND = "command"  # a command sent to the venue and its answer or failure
LOOKUP = "lookup"  # a read the venue made for the desk (open orders, an order's fate)
SAID = "said"  # what the desk or the venue told the trader (sent, cancelled, filled, ...)
KINDS = (KEY, QUESTION, ANSWER, REFUSAL, COMMAND, LOOKUP, SAID)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    kind: str
    summary: str  # the plain words a trader would read
    request: object = None  # the detail (redacted by whoever stores it)
    response: object = None  # what came back, if anything did
    account: str = ""  # "" : the venue's own account (DeskState.audit fills it in)
    at: float = field(default_factory=time.time)  # wall clock, seconds (UTC epoch)
