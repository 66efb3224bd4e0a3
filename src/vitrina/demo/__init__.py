"""The demo organisations, built from the seed documents, in one place.

``build.build_demo()`` makes the organisations, libraries, people and channels
(``organisations``), then runs every app's demo step: an app that adds to the demo has a
module ``demo.py`` with ``load(context)`` and ``DEMO_ORDER``, found the way Django finds an
app's ``admin.py`` — no list of steps to extend and nothing to register.
"""
