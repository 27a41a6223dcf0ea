"""Events between services: envelope, transactional outbox, relay, consumer groups.

Flow: a domain change and its event row are written in one transaction
(outbox). The relay moves outbox rows to the service's Redis Stream after
commit. Each consuming service reads with its own consumer group, applies an
event and records its id in its inbox table in one transaction, then ACKs.
Entries left pending by a dead consumer are reclaimed; an event id already in
the inbox is skipped, so redelivery is harmless.
"""
from .envelope import Envelope, stream_name
from .outbox import event_rows, inbox_table, outbox_table, record_event, record_event_rows, record_events

__all__ = ["Envelope", "stream_name", "outbox_table", "inbox_table", "record_event", "record_events", "event_rows",
           "record_event_rows"]
