# Image for the web replicas, the Celery workers, beat and the one-shot migrate (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev
# Dependencies from the production lock, each file checked against its hash (a layer that changes
# only with the lock); then the project alone, built by the locked setuptools.
COPY requirements/production.txt requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/production.txt
COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation .

# collectstatic needs settings but no secrets: a throwaway key for this step only.
RUN DJANGO_SECRET_KEY=build-only DJANGO_READ_DOT_ENV=0 python manage.py collectstatic --noinput

# /app/media exists in the image, owned by pdz: the compose file's named volume mounted there
# starts as a copy of it, writable by every replica (empty and root's otherwise). With an S3
# bucket (PDZ_MEDIA_S3_BUCKET) nothing is written there.
RUN mkdir -p /app/media && useradd --create-home pdz && chown -R pdz /app
USER pdz
EXPOSE 8000
# gunicorn.conf.py: port 8000, WEB_CONCURRENCY workers (3); make test-production runs the same.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "pdz.wsgi:application"]
