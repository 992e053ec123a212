"""The pages in the reader's language: gettext catalogues, the language a request is answered in, and
dates, times and numbers written as that language writes them, in the deployment's time zone."""
