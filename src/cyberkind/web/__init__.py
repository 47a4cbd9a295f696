"""cyberkind's web layer: the app factory (:mod:`.app`), its route modules (:mod:`.views`),
and what they share (:mod:`.context`, :mod:`.responses`, :mod:`.scoring`, :mod:`.security`).

Only this package imports Starlette; the core never imports it (a test checks).
"""
