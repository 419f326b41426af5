"""What every CSV/XLSX export of the portal shares: time zone, content type, formula safety."""

from zoneinfo import ZoneInfo

# The fairs are held in Kazakhstan; organisers read times as Almaty time whatever the server's zone.
EXPORT_TIME_ZONE = ZoneInfo("Asia/Almaty")
# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Excel in Kazakh and Russian locales splits columns on ";", not ",".
CSV_DELIMITER = ";"


def neutralise(value):
    """Make a text cell inert: a leading apostrophe keeps spreadsheets from evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
