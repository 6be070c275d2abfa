"""The board paper: performance and the self-assessment for the governing body (Code 8.2, 9.7)."""

from auditlib.board.content import BoardPaper, Chart, Section, Table, assemble
from auditlib.board.render import html, write_board_paper, write_docx, write_pdf

__all__ = [
    "BoardPaper",
    "Chart",
    "Section",
    "Table",
    "assemble",
    "html",
    "write_board_paper",
    "write_docx",
    "write_pdf",
]
