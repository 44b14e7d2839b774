"""gunicorn's settings for ``geomap serve`` (``gunicorn -c python:server.gunicorn_conf``).

Sizes come from :mod:`server.serving` (read its docstring: workers, threads, the pool of
database connections per worker, and how they fit PostgreSQL's ``max_connections``).

gunicorn itself trusts no ``X-Forwarded-*`` header: by default it would take the scheme
from ``X-Forwarded-Proto`` of any client on 127.0.0.1, so a local user could pass plain
HTTP off as HTTPS. Proxies are declared once, with ``GEOMAP_PROXIES``, and handled in
the app (werkzeug's ``ProxyFix``). The control socket (new in gunicorn 25, one path in
the user's home shared by every server it starts) is off: nothing uses it.
"""

from server import serving

worker_class = "gthread"
# The app (and the analysis stack it imports, server/wsgi.py) is loaded once in the master
# and the workers are forked from it: a worker's first overlay request no longer imports
# seconds of modules, and the workers share those pages of memory. Nothing opens a
# connection or a thread before the fork (the database pools open on first use).
preload_app = True
workers = serving.workers()
threads = serving.threads()
accesslog = "-"
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""
forwarder_headers = ""
control_socket_disable = True
# Idle keep-alive connections wait in the poller, not in a thread, so keeping them
# 10 s (gunicorn: 2) costs little. At 2 s, a client slow to reuse a connection it took
# in time (a busy browser, 50 planners in bench/load.py) wrote onto one gunicorn had
# just closed: 1-5 % of requests got no answer under load; none at 10 s. Behind a
# proxy, keep its upstream keep-alive below 10 s.
keepalive = 10
