"""The worker pages' blueprint (no prefix): the pages register on it in views_worker.py and views_worker_*.py."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("worker", __name__)
