"""The invariants bench/chaos.py checks after each round, read from the databases and the API.

Each returns a list of violations (plain sentences); an empty list means it held.
"""
from __future__ import annotations

import json

import psycopg

from bench.loadclient import json_request, load

TAKING = ("confirmed", "attended")


def _rows(url: str, sql: str, params=()) -> list:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute(sql, params).fetchall()


def capacity_and_counters(booking_url: str) -> list[str]:
    out = []
    for sid, capacity, confirmed, waitlisted, taken, waiting in _rows(booking_url, """
            SELECT s.session_id, s.capacity, s.confirmed, s.waitlisted,
                   count(b.id) FILTER (WHERE b.status IN ('confirmed', 'attended')),
                   count(b.id) FILTER (WHERE b.status = 'waitlisted')
            FROM booking_sessions s LEFT JOIN booking_bookings b ON b.session_id = s.session_id
            GROUP BY s.session_id, s.capacity, s.confirmed, s.waitlisted"""):
        if taken > capacity:
            out.append(f"{sid}: {taken} places taken of {capacity}")
        if (confirmed, waitlisted) != (taken, waiting):
            out.append(f"{sid}: counters say {confirmed} taken, {waitlisted} waiting; rows say {taken}, {waiting}")
        if waiting and taken < capacity:
            out.append(f"{sid}: {capacity - taken} place(s) free while {waiting} wait")
    return out


def one_active_booking(booking_url: str) -> list[str]:
    return [f"{w} holds {n} active bookings on {s}" for s, w, n in _rows(booking_url, """
            SELECT session_id, worker_id, count(*) FROM booking_bookings
            WHERE status IN ('confirmed', 'waitlisted', 'attended') GROUP BY 1, 2 HAVING count(*) > 1""")]


def fifo_positions(booking_url: str, port: int, admin: str, session_id: str) -> list[str]:
    waiting = _rows(booking_url, "SELECT id, waitlist_seq FROM booking_bookings WHERE session_id = %s "
                                 "AND status = 'waitlisted' ORDER BY waitlist_seq", (session_id,))
    seqs = [seq for _, seq in waiting]
    out = [] if len(set(seqs)) == len(seqs) else [f"{session_id}: two waiting bookings share a ticket"]
    reads = load("127.0.0.1", port, [json_request("GET", f"/booking/bookings/{i}", admin, None) for i, _ in waiting],
                 8, retry=lambda status, _body: status >= 500, attempts=20)
    position = {waiting[r.request][0]: json.loads(r.body).get("waitlist_position") for r in reads.results
                if r.status == 200}
    got = [position.get(i) for i, _ in waiting]
    if got != list(range(1, len(waiting) + 1)):
        out.append(f"{session_id}: positions in ticket order are not 1..{len(waiting)} (first {got[:5]})")
    return out


def acknowledged_and_unique(booking_url: str, session_id: str, answers: dict) -> list[str]:
    rows = _rows(booking_url, "SELECT id, worker_id FROM booking_bookings WHERE session_id = %s", (session_id,))
    by_id = dict(rows)
    per_worker: dict[str, int] = {}
    for _, worker in rows:
        per_worker[worker] = per_worker.get(worker, 0) + 1
    out = [f"{w}: {n} bookings from one Idempotency-Key" for w, n in per_worker.items() if n > 1]
    for worker, result in answers.items():
        if result.status == 201:
            booking_id = json.loads(result.body)["id"]
            if by_id.get(booking_id) != worker:
                out.append(f"{worker}: acknowledged booking {booking_id} is not in the database")
    return out


def events_applied(gaps: list) -> list[str]:
    return [f"{g.get('consumer')} has not applied {g.get('missing')} event(s) of {g.get('producer')}"
            + (f" ({g['error']})" if "error" in g else "")
            for g in gaps if g.get("missing") or "error" in g]


def matching_agrees(booking_url: str, matching_url: str) -> list[str]:
    booking = dict(_rows(booking_url, "SELECT id, status FROM booking_bookings"))
    matching = dict(_rows(matching_url, "SELECT booking_id, status FROM matching_bookings"))
    out = []
    differ = [b for b in booking.keys() | matching.keys() if booking.get(b) != matching.get(b)]
    if differ:
        out.append(f"{len(differ)} booking(s) whose status matching has wrong, e.g. {differ[0]}: "
                   f"booking {booking.get(differ[0])}, matching {matching.get(differ[0])}")
    taken = dict(_rows(booking_url, "SELECT session_id, confirmed FROM booking_sessions"))
    for sid, confirmed in _rows(matching_url, "SELECT session_id, confirmed FROM matching_offer_sessions"):
        if sid in taken and taken[sid] != confirmed:
            out.append(f"{sid}: matching counts {confirmed} confirmed, booking {taken[sid]}")
    return out


def check_round(chaos, session_id: str, answers: dict, later, gaps: list) -> list[str]:
    booking, matching = chaos.urls["booking"], chaos.urls["matching"]
    return (capacity_and_counters(booking) + one_active_booking(booking)
            + fifo_positions(booking, chaos.topology.ports["booking"], chaos.admin, session_id)
            + acknowledged_and_unique(booking, session_id, answers) + events_applied(gaps)
            + matching_agrees(booking, matching))
