"""cyberkind's web layer: the ASGI app (:mod:`.app`) and its HTTP APIs.

Only this package imports Starlette; the core never imports it (a test checks).
"""
