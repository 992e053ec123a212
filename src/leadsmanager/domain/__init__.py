"""Pure domain model: standard library and attrs only, no I/O, no clock, no ids."""
