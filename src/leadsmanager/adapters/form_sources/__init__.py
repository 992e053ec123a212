"""Where form submissions come from: the sites' form plugins, each spoken to in its own API (its kind)."""
