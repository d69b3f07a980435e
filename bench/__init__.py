"""Benchmarks: runnable scripts that print figures; timing lives here, never in tests."""
