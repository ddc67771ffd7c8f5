"""render: draw laid-out pages. Backends never measure text or decide layout.

``pdf`` draws ``layout.frame.Page`` objects with ReportLab and makes them
PDF/X-4 (``pdfx``); ``marks`` adds crop marks and the slug outside the bleed;
``png`` rasterises the finished PDF with pdfium, so a preview is the print.
"""
