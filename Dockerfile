FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir '.[postgres]'
# matplotlib's font cache, built once here instead of at the first timeline chart
RUN python -c "import matplotlib.font_manager"
COPY config ./config
COPY seeds ./seeds
# /healthz and /metrics on 8080 (NEWSDESK_HTTP_LISTEN= , empty, turns the HTTP server off)
ENV NEWSDESK_CONFIG_DIR=/app/config NEWSDESK_SEEDS_DIR=/app/seeds NEWSDESK_DATA_DIR=/app/data \
    NEWSDESK_HTTP_LISTEN=0.0.0.0:8080
EXPOSE 8080
# the slim image has no curl: Python asks /healthz, and a 503 (or no answer) fails the check
HEALTHCHECK --interval=15s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=5)"]
ENTRYPOINT ["newsdesk-bot"]
CMD ["run"]
