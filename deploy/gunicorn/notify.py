"""gunicorn settings for the notify service (shared ones in base.py; see README: Production)."""
import os
import pathlib
import runpy

globals().update({k: v for k, v in runpy.run_path(str(pathlib.Path(__file__).with_name("base.py"))).items()
                  if not k.startswith("_")})
bind = os.environ.get("BIND", "0.0.0.0:8006")
proc_name = "unionhub-notify"
