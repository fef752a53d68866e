"""Bounce log analysis: parse instrumentation logs (docs/instrumentation.md),
classify their events, and turn them into tables, plots and reports."""
