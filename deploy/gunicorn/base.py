"""gunicorn settings every service shares; each service's file adds its port and name."""
import multiprocessing
import os

# sync workers, two per core: measured with bench/rush.py against gthread
# (2x8, 2x4, 4x4) and sync (4, 8); see README "Why sync workers". Behind the
# nginx gateway, which buffers slow clients, as gunicorn recommends for sync.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 1))  # for gthread only
backlog = int(os.environ.get("GUNICORN_BACKLOG", 2048))  # capped by the kernel's net.core.somaxconn
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app logs one line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
control_socket_disable = True  # three masters on one host would share one socket path
