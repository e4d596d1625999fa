# civicbot: a small image that runs `civicbot run` as a non-root user.
#
#   docker build -t civicbot .
#   docker build --build-arg BASE=debian-python:bookworm -t civicbot .   # any Debian-like base
#                                                                        # with python3 >= 3.11
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
WORKDIR /src
# Debian's own python3 needs its venv module; the python images have it already.
RUN python3 -m venv --help >/dev/null 2>&1 || (apt-get update && apt-get install -y --no-install-recommends python3-venv && rm -rf /var/lib/apt/lists/*)
COPY pyproject.toml setup.py README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY locales locales
# The wheel carries the compiled catalogs (setup.py); the language data (bot.qa.lexicon) is built
# once here, so that no container pays for it at start.
RUN python3 -m venv /opt/civicbot \
 && /opt/civicbot/bin/pip install --no-cache-dir ".[all]" \
 && XDG_CACHE_HOME=/opt/civicbot-cache /opt/civicbot/bin/python -m bot.qa.textnorm \
 && rm -rf /opt/civicbot/bin/pip* /opt/civicbot/lib/python3*/site-packages/pip* \
           /opt/civicbot/lib/python3*/site-packages/setuptools* \
           /opt/civicbot/lib/python3*/site-packages/_distutils_hack \
           /opt/civicbot/lib/python3*/site-packages/distutils-precedence.pth \
 && /opt/civicbot/bin/python -c "import bot.cli"

FROM ${BASE}
# No package installer in the image that runs: nothing to install into it at run time.
RUN rm -rf /usr/local/bin/pip* /usr/local/lib/python3*/site-packages/pip* \
           /usr/local/lib/python3*/site-packages/setuptools* /usr/lib/python3/dist-packages/pip* \
 && useradd --create-home --uid 10001 civicbot \
 && mkdir /data && chown civicbot /data && chmod 0700 /data
COPY --from=build /opt/civicbot /opt/civicbot
COPY --from=build /opt/civicbot-cache /opt/civicbot-cache
ENV PATH=/opt/civicbot/bin:$PATH \
    XDG_CACHE_HOME=/opt/civicbot-cache \
    CIVICBOT_DATA_DIR=/data \
    CIVICBOT_OPS_LISTEN=0.0.0.0:9108 \
    PYTHONUNBUFFERED=1
USER civicbot
VOLUME /data
EXPOSE 9108
# Alive = the operations endpoint answers (readiness, with the database, is /readyz).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=4)"]
ENTRYPOINT ["civicbot"]
CMD ["run"]
