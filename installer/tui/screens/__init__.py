"""The wizard's screens, one module each (imported when first shown: see installer/tui/app.py)."""
