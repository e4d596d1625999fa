# civicbot: a small image that runs `civicbot run` as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY locales locales
RUN python -m venv /opt/civicbot \
 && /opt/civicbot/bin/pip install --no-cache-dir ".[all]" \
 && CIVICBOT_LOCALES_DIR=/src/locales /opt/civicbot/bin/civicbot catalogs compile

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 civicbot
COPY --from=build /opt/civicbot /opt/civicbot
COPY --from=build /src/locales /opt/civicbot-locales
ENV PATH=/opt/civicbot/bin:$PATH \
    CIVICBOT_LOCALES_DIR=/opt/civicbot-locales \
    CIVICBOT_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
RUN mkdir /data && chown civicbot /data
USER civicbot
VOLUME /data
# The database must be reachable and at the current schema (a migration is a no-op then).
HEALTHCHECK --interval=30s --timeout=10s --retries=3 CMD ["civicbot", "migrate"]
ENTRYPOINT ["civicbot"]
CMD ["run"]
