"""Needs imports as jobs: the upload is stored in matching's database, any worker process runs it.

A job is claimed with a row lock (SKIP LOCKED on PostgreSQL), so exactly one worker runs it;
the claim is a lease, renewed with every batch, so a job left `running` by a dead worker is
taken over once the lease has expired, and resumes after the last committed batch: each batch
commits its needs together with the job's progress (rows read, imported, rejected), under a
check that this run still holds the claim. The uploaded bytes are deleted when the job ends.
"""
from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from typing import Iterator

from sqlalchemy import and_, delete, func, or_, select, true
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import Database, new_id
from shared.errors import DomainError, NotFound, ValidationFailed
from shared.events.relay import wake_relays
from shared.timeutil import utcnow

from . import importer, tabular
from .models import ImportChunk, ImportJob

log = logging.getLogger("unionhub.matching.imports")

MAX_BYTES = 64 * 1024 * 1024  # a whole campaign's questionnaire export
SYNC_MAX_BYTES = 2 * 1024 * 1024  # answered by the request up to this (a few seconds); larger: a job
CHUNK_BYTES = 1024 * 1024
READ_BYTES = 256 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # an upload larger than this waits in a temporary file
LEASE = timedelta(seconds=120)  # renewed by every batch (a batch takes a few seconds at most)
MAX_ATTEMPTS = 3


def _too_large(detail: str) -> DomainError:
    return DomainError(detail, status=413, slug="payload-too-large", title="Request body too large")


def receive(session: Session, principal: Principal, kind: str, stream, content_length: int | None,
            want_async: bool | None):
    """Import at once (the result dict) or store the upload as a job (the ImportJob).

    want_async None: at once up to SYNC_MAX_BYTES, a job above; True: a job; False: at once or 413."""
    if content_length is not None and content_length > MAX_BYTES:
        raise _too_large(f"The file is over the {MAX_BYTES // 2**20} MiB limit of an import.")
    head, size = [], 0
    if not want_async:
        while size <= SYNC_MAX_BYTES:
            data = _read(stream)
            if not data:
                return importer.import_needs(session, principal.sub, kind, head)
            head.append(data)
            size += len(data)
        if want_async is False:
            raise _too_large(f"Over {SYNC_MAX_BYTES // 2**20} MiB a file is imported as a job: "
                             "send it without async=false.")
    # The whole body first, then the database: a slow upload holds no transaction open (on SQLite
    # that would be the one writer's lock).
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        for data in head:
            spool.write(data)
        while data := _read(stream):
            spool.write(data)
        spool.seek(0)
        upload = Upload(session, principal, kind)
        while data := spool.read(CHUNK_BYTES):
            upload.write(data)
    return upload.close()


def _read(stream) -> bytes:
    from werkzeug.exceptions import RequestEntityTooLarge

    try:
        return stream.read(READ_BYTES)
    except RequestEntityTooLarge:
        raise _too_large(f"The file is over the {MAX_BYTES // 2**20} MiB limit of an import.") from None


class Upload:
    """Stores an upload as the chunks of a new job, as it streams in."""

    def __init__(self, session: Session, principal: Principal, kind: str):
        self.session, self.kind = session, kind
        self.job = ImportJob(id=new_id("imp"), union_id=principal.union_id, created_by=principal.sub, kind=kind,
                             encoding="", size_bytes=0, status="queued", rows_done=0, imported=0, rejected_total=0,
                             rejected=[], attempts=0, created_at=utcnow())
        session.add(self.job)
        session.flush()
        self._seq, self._pending, self._sniffer = 0, [], tabular.EncodingSniffer()

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        self.job.size_bytes += len(data)
        if self.kind == "csv":
            self._sniffer.feed(data)
        if sum(map(len, self._pending)) >= CHUNK_BYTES:
            self._flush()

    def _flush(self) -> None:
        data = b"".join(self._pending)
        self._pending = []
        for i in range(0, len(data), CHUNK_BYTES):
            self.session.execute(ImportChunk.__table__.insert(),
                                 {"job_id": self.job.id, "seq": self._seq, "data": data[i:i + CHUNK_BYTES]})
            self._seq += 1

    def close(self) -> ImportJob:
        self._flush()
        if self.kind == "csv":
            self.job.encoding = self._sniffer.result()
        self.session.flush()
        return self.job


def visible(principal: Principal):
    """Staff see their union's jobs; admins every job."""
    if principal.is_admin:
        return true()
    return ImportJob.union_id == principal.union_id


def get_job(session: Session, principal: Principal, job_id: str) -> ImportJob:
    job = session.scalars(select(ImportJob).where(ImportJob.id == job_id, visible(principal))).first()
    if job is None:
        raise NotFound(f"No import {job_id!r} that you may see.")
    return job


def list_jobs(session: Session, principal: Principal, args: dict) -> dict:
    stmt = select(ImportJob).where(visible(principal))
    if "status" in args:
        stmt = stmt.where(ImportJob.status == args["status"])
    stmt = stmt.order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    return paginate(session, stmt, args["page"], args["per_page"])


# The worker's side: claim, run in batches, finish.

def run_next(database: Database) -> int:
    """Claim the oldest job that is waiting (or whose runner died) and run it; 1 if there was one."""
    claim = _claim(database)
    if claim is None:
        return 0
    job_id, run_id, kind, encoding, skip, recorded_by = claim
    try:
        rows = tabular.rows(kind, _chunks(database, job_id), encoding)
        importer.check_header(next(rows, None))
        for batch in importer.batches(rows, recorded_by, skip=skip):
            with database.transaction() as session:
                job = _held(session, job_id, run_id)
                if job is None:
                    log.warning("import %s: the claim was taken over; this run stops", job_id)
                    return 1
                job.imported += importer.store(session, batch.needs)
                job.rows_done += batch.rows_read
                job.rejected_total += len(batch.rejected)
                room = importer.MAX_REJECTED_LISTED - len(job.rejected)
                if room > 0 and batch.rejected:
                    job.rejected = job.rejected + batch.rejected[:room]
                job.lease_until = utcnow() + LEASE
            wake_relays()
        _finish(database, job_id, run_id, "done")
    except ValidationFailed as exc:  # the file itself: no header, not a workbook
        _finish(database, job_id, run_id, "failed", exc.errors)
    except Exception as exc:  # the database or a bug: tried again (resuming) up to MAX_ATTEMPTS
        log.error("import %s: run failed with %s; it will be tried again", job_id, type(exc).__name__)
        _release(database, job_id, run_id)
    return 1


def _claim(database: Database):
    now = utcnow()
    with database.transaction() as session:
        stmt = (select(ImportJob)
                .where(or_(ImportJob.status == "queued",
                           and_(ImportJob.status == "running", ImportJob.lease_until < now)))
                .order_by(ImportJob.created_at).limit(1))
        if not database.is_sqlite:  # SQLite: BEGIN IMMEDIATE already admits one writer at a time
            stmt = stmt.with_for_update(skip_locked=True)
        job = session.scalars(stmt).first()
        if job is None:
            return None
        if job.status == "running":
            log.warning("import %s: taking over from a run whose lease expired", job.id)
        job.attempts += 1
        if job.attempts > MAX_ATTEMPTS:
            _end(session, job, "failed", {"_job": [f"The import stopped {MAX_ATTEMPTS} times; rows after "
                                                   f"{job.rows_done} were not imported."]})
            return None
        job.status, job.claimed_by, job.lease_until = "running", new_id("run"), now + LEASE
        job.started_at = job.started_at or now
        return job.id, job.claimed_by, job.kind, job.encoding, job.rows_done, job.created_by


def _held(session: Session, job_id: str, run_id: str) -> ImportJob | None:
    """The job, locked, if this run still holds its claim (a takeover changes claimed_by)."""
    return session.scalars(select(ImportJob).where(ImportJob.id == job_id, ImportJob.claimed_by == run_id,
                                                   ImportJob.status == "running").with_for_update()).first()


def _chunks(database: Database, job_id: str) -> Iterator[bytes]:
    with database.transaction() as session:
        count = session.scalar(select(func.count()).where(ImportChunk.job_id == job_id))
    for seq in range(count):
        with database.transaction() as session:  # closed before the rows are used: no lock held meanwhile
            data = session.scalar(select(ImportChunk.data).where(ImportChunk.job_id == job_id, ImportChunk.seq == seq))
        yield data


def _finish(database: Database, job_id: str, run_id: str, status: str, error: dict | None = None) -> None:
    with database.transaction() as session:
        job = _held(session, job_id, run_id)
        if job is not None:
            _end(session, job, status, error)


def _end(session: Session, job: ImportJob, status: str, error: dict | None) -> None:
    job.status, job.error, job.finished_at = status, error, utcnow()
    job.claimed_by, job.lease_until = None, None
    session.execute(delete(ImportChunk).where(ImportChunk.job_id == job.id))  # personal data: kept no longer


def _release(database: Database, job_id: str, run_id: str) -> None:
    try:
        with database.transaction() as session:
            job = _held(session, job_id, run_id)
            if job is not None:
                job.status, job.claimed_by, job.lease_until = "queued", None, None
    except Exception as exc:  # the lease expires anyway, and the job is taken over then
        log.error("import %s: could not release the claim (%s)", job_id, type(exc).__name__)
