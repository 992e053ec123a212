"""The wiring: settings from the environment and the one container built from them."""
