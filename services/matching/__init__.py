"""Matching: see ../shared/API.md."""
