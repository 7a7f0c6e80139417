"""Live watch service: receiver feeds in, predicted/entry/exit alerts out, persisted and served.

Nothing heavy is imported here; FastAPI and uvicorn load only with :mod:`.api`.

>>> from overflight.service.fix import Fix
>>> Fix("4ca2d6", 0.0, 53.0, -2.0).icao24
'4ca2d6'
"""
