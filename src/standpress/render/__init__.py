"""render: draw laid-out pages. Backends never measure text or decide layout.

``pdf`` draws ``layout.frame.Page`` objects with ReportLab and makes them
PDF/X-4 (``pdfx``), with the crop marks and slug line ``layout.marks`` placed;
``png`` rasterises the finished PDF with pdfium, so a preview is the print.
"""
