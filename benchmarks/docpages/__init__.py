"""Parts of the document-page generator (benchmarks/doc_pages.py): text, layout, truth, scans."""
