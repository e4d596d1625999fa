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
    CIVICBOT_OPS_LISTEN=0.0.0.0:9108 \
    PYTHONUNBUFFERED=1
RUN mkdir /data && chown civicbot /data
USER civicbot
VOLUME /data
EXPOSE 9108
# Alive = the operations endpoint answers (readiness, with the database, is /readyz).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=4)"]
ENTRYPOINT ["civicbot"]
CMD ["run"]
