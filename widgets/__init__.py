"""Hidden Insights kit."""
