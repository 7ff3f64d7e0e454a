"""One catalogue of user-facing texts per language, keyed by message id."""
