"""Dataset sources: each fetches, verifies and normalizes one dataset into `data/raw/`."""
