"""Storage: SQLModel tables, the database engine and its migrations (the adapters)."""
