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
workers = serving.workers()
threads = serving.threads()
accesslog = "-"
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""
forwarder_headers = ""
control_socket_disable = True
