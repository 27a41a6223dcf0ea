"""Booking: see ../shared/API.md."""
