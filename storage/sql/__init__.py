"""The store's queries, one module per capability: mixins of `storage.sqlite.SqliteStore`,
the same SQL on PostgreSQL (`storage.postgres`), each declared as a Protocol in
`storage/base.py`. `mixin` declares what they use of the store."""
