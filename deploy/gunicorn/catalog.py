"""gunicorn settings for the catalog service (see README: Production)."""
import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8001")
# gthread: a few processes, each with threads; requests spend most of their
# time waiting on PostgreSQL, so threads overlap that wait cheaply.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 8))
backlog = 2048
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app logs one line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "unionhub-catalog"
control_socket_disable = True  # three masters on one host would share one socket path
