"""Excel workbooks and spreadsheet imports (openpyxl), fed plain data; never imports the web layer."""
