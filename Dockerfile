FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir '.[postgres]'
COPY config ./config
COPY seeds ./seeds
ENV NEWSDESK_CONFIG_DIR=/app/config NEWSDESK_SEEDS_DIR=/app/seeds
ENTRYPOINT ["newsdesk-bot"]
CMD ["run"]
