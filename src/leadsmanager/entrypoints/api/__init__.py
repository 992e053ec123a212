"""REST API v1: JSON intake and reporting for external systems."""
