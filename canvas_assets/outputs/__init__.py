"""Node outputs: how a run stores them (io_manager.py), and how the canvas reads them back: which
result to show (lookup.py), its preview by data type (preview.py; tables: table_pages.py with
row_filter.py, column_stats.py and json_cells.py) and downloads (downloads.py)."""
