"""Shared fixtures: a loaded test municipality and the fixed cast of users (ARCHITECTURE.md)."""
