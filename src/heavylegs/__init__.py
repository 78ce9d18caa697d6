"""heavylegs: local-first help for people whose legs feel heavy.

heavylegs informs, it does not diagnose. The package is laid out by the data flow:
knowledge -> assessment -> diary/training -> reports, with store underneath and cli/web as faces.
"""

__version__ = "0.1.0"
