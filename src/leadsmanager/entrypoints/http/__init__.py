"""What the pages and the API share: error statuses, request helpers, and serving HTTP with uvicorn."""
