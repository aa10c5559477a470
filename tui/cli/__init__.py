"""The `pmdesk` command: one module per sub-command; tui.cli.parser is the grammar and
tui.cli.main the dispatch."""
