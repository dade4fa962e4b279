"""Hardware profiles, presets and detection (detection only pre-fills; never the truth)."""
