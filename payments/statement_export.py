"""The merchant's statement as a file: CSV or XLSX, the rows the filters chose, every amount a Decimal
string (never a float), the date in China time."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from .merchant_selectors import StatementRow

COLUMNS = [
    "date",
    "kind",
    "kind_label",
    "order",
    "description",
    "gross_cny",
    "commission_cny",
    "amount",
    "deposit",
    "currency",
]
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _text(value) -> str:
    return "" if value is None else str(value)


def export_values(row: StatementRow) -> list[str]:
    return [
        timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        row.kind,
        row.kind_label,
        row.order_number,
        row.description,
        _text(row.gross),
        _text(row.commission),
        _text(row.amount),
        _text(row.deposit),
        row.currency,
    ]


def statement_file(rows, fmt: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(export_values(row))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM: spreadsheet programs read UTF-8
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("statement")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(export_values(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def statement_response(rows, fmt: str, *, slug: str) -> HttpResponse:
    response = HttpResponse(statement_file(rows, fmt), content_type=FORMATS[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="statement-{slug}-{stamp}.{fmt}"'
    return response
