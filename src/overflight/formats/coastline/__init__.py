"""Coastline and land data: the default GSHHS shorelines, or the user's own files."""
