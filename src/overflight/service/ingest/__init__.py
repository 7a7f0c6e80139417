"""Receiver inputs: SBS-1/BaseStation, Beast/AVR (pyModeS), aircraft.json, recorded replay."""
