"""Stylesheets, shipped inside the wheel as tui.styles."""
