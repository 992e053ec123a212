"""Password hashes: argon2 for every password set here, and the formats of systems users come from."""
