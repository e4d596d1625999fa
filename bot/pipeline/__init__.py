"""The message pipeline: what a message is (`types`), how it finds its handler (`router`),
what a handler gets (`context`), the core that runs one message through flood control,
identity, language and form expiry to its handler (`core`, `flood`), and the inbox that
records incoming platform updates before they are confirmed (`inbox`)."""
