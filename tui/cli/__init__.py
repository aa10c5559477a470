"""The `pmdesk` command: one module per sub-command; tui.cli.main parses and dispatches."""
