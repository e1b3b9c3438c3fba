"""Repositories: every SQL statement lives here; they return `aiops.model` types."""
