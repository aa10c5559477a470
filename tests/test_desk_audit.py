"""What the desk controller puts in the audit journal, headless on a venue in memory: each
key in words with what it meant, the question and the answer, the refusals (at the key, and
when carrying a plan out), and what it said; in the order they happened."""

from __future__ import annotations

from decimal import Decimal

from tests.desk_fakes import MARKET, FakeVenue, holding, market
from tui.core.audit import AuditEntry
from tui.core.config import DeskConfig
from tui.core.limits import Limit, Limits
from tui.core.state import DeskListener
from tui.core.venue import VenueError
from tui.desk.controller import DeskController

KEYS = {"buy": "b", "sell": "s", "cancel_bids": ",", "kill_switch": "K", "flatten": "F",
        "order_size_up": ">", "move": "m", "rearm": "R"}


class Journal(DeskListener):
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def on_audit(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def take(self) -> list[tuple[str, str]]:
        taken, self.entries = self.entries, []
        return [(e.kind, e.summary) for e in taken]


LOOSE = Limits()


def desk(limits: Limits = LOOSE) -> tuple[DeskController, FakeVenue, Journal]:
    venue, journal = FakeVenue(), Journal()
    market(venue.state)
    venue.state.open_account("acct-1")
    venue.state.listen(journal)
    controller = DeskController(venue, DeskConfig(limits=limits), repeat_guard=0,
                                say_key=KEYS.get)
    controller.aim(MARKET, 40)
    return controller, venue, journal


async def press(controller: DeskController, plan: object, yes: bool = True) -> None:
    if plan is not None:
        await controller.answer(plan, yes)  # type: ignore[arg-type]


async def test_each_key_is_journalled_with_what_it_meant() -> None:
    controller, venue, journal = desk()
    await press(controller, controller.order(True))
    assert journal.take() == [
        ("key", f"b (buy) in {MARKET} at 0.40: BUY YES 10 @ 0.40 GTC in {MARKET}"),
        ("said", f"Sent BUY YES 10 @ 0.40 GTC {MARKET}")]
    await press(controller, controller.resize(1))
    (key, said) = journal.take()
    assert key[0] == "key" and key[1].startswith(f"> (order size up) in {MARKET} at 0.40: "
                                                 "Changing BUY YES at 0.40 from 10 to")
    assert said[0] == "said" and said[1].startswith("Changing BUY YES at 0.40 from 10 to")
    await press(controller, controller.move())  # picks the order up: nothing sent yet
    assert journal.take()[0] == ("key", f"m (move) in {MARKET} at 0.40: nothing sent")
    await press(controller, controller.cancel_market("bids"))
    assert journal.take() == [
        ("key", f", (cancel bids) in {MARKET} at 0.40: cancel my bids in {MARKET}"),
        ("said", f"Cancelled 1 bid in {MARKET}; none working.")]
    await press(controller, controller.kill_switch())
    assert journal.take() == [
        ("key", "K (kill switch): cancel every order in every market"),
        ("said", "Kill switch: No working orders in any market. Nothing that adds risk is "
                 "sent until you re-arm (R).")]
    assert {e.account for e in journal.entries} <= {"acct-1"}
    assert [c.kind for c in venue.commands] == ["submit", "replace", "cancel_all",
                                                "kill_switch"]


async def test_a_question_its_answer_and_the_refusals_are_journalled() -> None:
    limits = Limits(max_qty=Limit(Decimal(5), hard=False),
                    max_ticks_from_mid=Limit(Decimal(20), hard=True))
    controller, venue, journal = desk(limits)
    plan = controller.order(True)
    await press(controller, plan, yes=False)
    kinds = journal.take()
    assert [k for k, _ in kinds] == ["key", "question", "answer", "said"]
    assert kinds[1][1].startswith("Send this order? ") and "5" in kinds[1][1]
    assert kinds[2:] == [("answer", "Send this order? no (Not sent.)"), ("said", "Not sent.")]

    venue.refuse = VenueError("The order stream is not live, so nothing was sent.")
    await press(controller, controller.order(True), yes=True)
    assert journal.take()[2:] == [
        ("answer", "Send this order? yes, send"),
        ("refusal", f"Not sent: BUY YES 10 @ 0.40 GTC {MARKET}. The order stream is not "
                    "live, so nothing was sent.")]

    controller.aim(MARKET, 10)  # 32 ticks from the mid: over a hard limit
    assert controller.order(False) is None
    (key, refusal) = journal.take()
    assert key == ("key", f"s (sell) in {MARKET} at 0.10: nothing sent")
    assert refusal[0] == "refusal" and refusal[1].startswith("Not sent: ")


async def test_flatten_asks_and_its_answer_is_journalled() -> None:
    controller, _, journal = desk()
    holding(controller.state, 10, 40)
    plan = controller.flatten()
    entries = journal.take()
    assert entries[0][0] == "key" and entries[0][1].startswith(
        f"F (flatten) in {MARKET} at 0.40: flatten {MARKET}, then close: SELL YES 10")
    assert entries[1] == ("question", f"Flatten {MARKET}?")
    await press(controller, plan, yes=False)
    assert journal.take() == [("answer", f"Flatten {MARKET}? no (Flatten cancelled; nothing "
                                         "sent.)"),
                              ("said", "Flatten cancelled; nothing sent.")]
