"""The web pages: a Flask app that is a client of the services' HTTP API (never their databases)."""
