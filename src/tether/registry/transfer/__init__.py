"""Bulk import and export of the register: CSV and XLSX files with human-readable columns."""

from tether.registry.transfer.exporting import export_rows
from tether.registry.transfer.importing import ImportResult, RowError, import_file

__all__ = ["ImportResult", "RowError", "export_rows", "import_file"]
