"""Services between the engine and the window: worker, benchmark, settings, exports.

Nothing here imports Tk, so all of it runs from the command line and in tests.
"""
