"""gunicorn settings for the web pages (shared ones in base.py). The pages wait on the API, so
threads: a sync worker would sit idle during each API call (WEB_THREADS, default 4 per worker)."""
import os
import pathlib
import runpy

globals().update({k: v for k, v in runpy.run_path(str(pathlib.Path(__file__).with_name("base.py"))).items()
                  if not k.startswith("_")})
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", 4))
bind = os.environ.get("BIND", "0.0.0.0:8005")
proc_name = "unionhub-web"
