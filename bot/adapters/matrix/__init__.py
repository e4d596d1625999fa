"""The Matrix adapter (matrix-nio with end-to-end encryption): see adapter.py for the whole,
docs/ARCHITECTURE.md ("Matrix adapter") for the map of its modules."""

from bot.adapters.matrix.adapter import MatrixAdapter

__all__ = ["MatrixAdapter"]
