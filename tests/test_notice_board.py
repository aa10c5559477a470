"""The notice board: newest on top, bright while news and grey after, wrapped to its width,
as many as fit, and drawn again only when what it shows changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.notifications import Notification

from tui.ui.widgets.notices import KEPT, NoticeBoard, board_height, notice_lines


class Board(App[None]):
    CSS = """
    NoticeBoard { width: 24; height: 6; }
    NoticeBoard > .notices--information { color: #008000; }
    NoticeBoard > .notices--error { color: #ff0000; }
    NoticeBoard > .notices--old { color: #808080; }
    """

    def compose(self) -> ComposeResult:
        yield NoticeBoard()


def said(board: NoticeBoard) -> list[str]:
    return [board.render_line(y).text.rstrip() for y in range(board.size.height)]


def test_a_notice_wraps_to_the_board_and_a_long_word_is_broken_not_cut() -> None:
    assert notice_lines("Sent BUY YES 10 @ 0.38 GTC", 16) == ["Sent BUY YES", "10 @ 0.38 GTC"]
    assert "".join(notice_lines("AEC-NFL-KC-BUF-2026-11-29", 12)) == "AEC-NFL-KC-BUF-2026-11-29"


def test_the_board_is_taller_on_a_taller_terminal() -> None:
    assert board_height(24) < board_height(36) < board_height(60)


async def test_newest_on_top_news_then_grey_and_only_what_fits() -> None:
    app = Board()
    async with app.run_test() as pilot:
        board = app.query_one(NoticeBoard)
        old = Notification("Sent BUY YES 10 @ 0.38 GTC", timeout=5, raised_at=1000.0)
        new = Notification("Cancelled 1 order", severity="error", timeout=5, raised_at=1002.0)
        board.show([new, old], now=1003.0)  # in any order: by when they were raised
        await pilot.pause()
        assert said(board) == ["messages", "▌ Cancelled 1 order", "▌ Sent BUY YES 10 @ 0.38",
                               "  GTC", "", ""]
        board.show([new, old], now=1003.0)  # already there: nothing changes
        assert board.said == ["Cancelled 1 order", "Sent BUY YES 10 @ 0.38 GTC"]

        def bar(y: int) -> str:
            (segment, *_) = list(board.render_line(y))
            return str(segment.style.color.name if segment.style and segment.style.color else "")
        assert (bar(1), bar(2)) == ("#ff0000", "#008000")  # each its severity's, while news
        board.tick(now=1006.0)  # the older is no longer news; the newer still is
        assert (bar(1), bar(2)) == ("#ff0000", "#808080")
        board.tick(now=1008.0)
        assert (bar(1), bar(2)) == ("#808080", "#808080")

        board.show([Notification(f"notice {n}", raised_at=2000.0 + n) for n in range(KEPT)])
        assert len(board.said) == KEPT and board.said[0] == f"notice {KEPT - 1}"
        assert said(board)[1:] == [f"▌ notice {KEPT - 1 - n}" for n in range(5)]
