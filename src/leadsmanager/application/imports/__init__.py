"""Importing files of existing leads (a CSV export of another system, a spreadsheet) by the intake rules."""

from leadsmanager.application.imports.columns import FIELDS, field_name
from leadsmanager.application.imports.import_csv import CsvImport, ImportCsv, Preview
from leadsmanager.application.imports.runs import ImportProgress, ImportSummary

__all__ = ["FIELDS", "CsvImport", "ImportCsv", "ImportProgress", "ImportSummary", "Preview", "field_name"]
