"""The staff web app and the public lead forms (Starlette + Jinja2)."""
