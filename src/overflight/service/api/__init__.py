"""HTTP API (FastAPI): aircraft, alerts, airspaces, basemap, health, live stream, map page."""
