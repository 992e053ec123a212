"""What the product writes for people outside its pages (emails, chat messages) and the pages alike needs:
gettext catalogues read from .po files, and dates, times and numbers as a language writes them."""
