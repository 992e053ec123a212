# One image for every role; its command picks the role:
#   serve (the default: web app, uvicorn workers), worker, scheduler, db upgrade, check.
# Build: docker build -t leadsmanager .   Deploy notes: docs/deploy.md

# Stage 1: build the project's wheel and every dependency's, with the build tools kept out of the runtime.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN pip install build
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m build --wheel --outdir /dist \
    && pip wheel --wheel-dir /wheels /dist/leadsmanager-*.whl

# Stage 2: the runtime, slim and unprivileged.
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LEADSMANAGER_DATA_DIR=/var/lib/leadsmanager \
    LEADSMANAGER_LOG_FORMAT=json \
    PORT=8000
RUN groupadd --system --gid 10001 leadsmanager \
    && useradd --system --uid 10001 --gid leadsmanager --home-dir /var/lib/leadsmanager --create-home \
       --shell /usr/sbin/nologin leadsmanager
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels leadsmanager && rm -rf /wheels
USER leadsmanager:leadsmanager
WORKDIR /var/lib/leadsmanager
EXPOSE 8000
# The web role listens on $PORT (Cloud Run sets it); worker and scheduler turn this check off in compose.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=3)"]
# SIGTERM lets the requests and tasks in flight finish; `serve` then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["leadsmanager"]
CMD ["serve", "--host", "0.0.0.0"]
