# Django's Russian formats, with thousands grouped by a non-breaking space (10 000 000 ₸).
from django.conf.locale.ru.formats import *  # noqa: F403

NUMBER_GROUPING = 3
# "2 декабря", not Django's "2 Декабрь" (the admin's date drill-down): the month in the genitive.
MONTH_DAY_FORMAT = "j E"
# Django's Russian clock is "G:i" (2:35); timetables, e-mails and PDFs here read 02:35, as in kk and en.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"
