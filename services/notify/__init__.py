"""Notify: the inbox, deliveries through SMS and WeChat, preferences, timers; fed by the events of the other services."""
