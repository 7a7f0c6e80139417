"""National airspace: land, internal waters and territorial sea, built from coastline data.

The construction is geodesic on WGS84 (``overflight.geometry.offset`` and ``.median``); the
data come from ``overflight.formats.coastline`` (GSHHS shorelines, DCW country polygons) or
the user's own files. See docs/national.md.
"""
