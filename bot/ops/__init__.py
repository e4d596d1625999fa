"""Operations: `/healthz`, `/readyz` and `/metrics` on CIVICBOT_OPS_LISTEN (`health`), the
Prometheus metrics (`metrics`) and the logs, JSON and with secrets masked (`logs`)."""
