"""Step kinds: one module per kind (apt, runfile, conda, pip, wheel, file, command), each exposing `KIND`,
an instance of `base.Kind`. `base.get_kind(name)` imports them on first use."""
