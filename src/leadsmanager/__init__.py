"""LeadsManager: one clean leads table for every form, site and API call."""

__version__ = "0.1.0"
