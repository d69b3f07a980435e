"""The database: engine and sessions, every table, and each feature's queries."""
