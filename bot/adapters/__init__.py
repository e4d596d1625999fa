"""Chat platform adapters: one module per platform; the core imports none of their SDKs."""
