"""gunicorn settings of the web process: `gunicorn -c gunicorn.conf.py pdz.wsgi:application`.

The same file for the Dockerfile, docker-compose.yml and `make test-production`, which starts the
server this way on a free port of 127.0.0.1 (GUNICORN_BIND) and crawls it.
"""

import os

bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
# WEB_CONCURRENCY is the name gunicorn itself and most hosting platforms use for this number.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Threads per worker (gthread): with sync workers one slow page holds a whole process, and the
# health check and every quick page wait behind it (benchmarks/pages_load.py: /salute/ at p95
# 4.4 s under 20 clients with 3 sync workers, 1.0 s with threads). Several threads also keep a
# process busy while its requests wait for PostgreSQL.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Django writes one line per request without the query string (it may carry a password-reset
# token or personal data); gunicorn's access log would write the same request with it.
accesslog = None
errorlog = "-"
# A container's overlay filesystem can stall the workers' heartbeat files; memory does not.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn sets the request's scheme from X-Forwarded-Proto only for these peers: the same
# proxies Django believes (pdz.proxy), never "*", or a client could claim HTTPS through it.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "")
