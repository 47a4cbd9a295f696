"""The ``cyberkind bench`` harness: our scorer and peer tools, side by side on the same rows."""
