FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir '.[postgres]'
# matplotlib's font cache, built once here instead of at the first timeline chart
RUN python -c "import matplotlib.font_manager"
COPY config ./config
COPY seeds ./seeds
ENV NEWSDESK_CONFIG_DIR=/app/config NEWSDESK_SEEDS_DIR=/app/seeds
ENTRYPOINT ["newsdesk-bot"]
CMD ["run"]
