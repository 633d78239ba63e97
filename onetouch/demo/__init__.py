"""Synthetic learners for trying OneTouch out and measuring it: ``flask demo seed``.

The generator writes raw rows only (``learners``, through ``writing``); the statistics
rollups are then recounted by the same function as ``flask stats rebuild``, so there is one
set of rollup rules (``onetouch.stats.keys``).
"""
