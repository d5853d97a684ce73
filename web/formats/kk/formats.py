# Kazakh date formats (Django ships Kazakh translations but no Kazakh formats, so dates would
# otherwise be shown in the English order): "12 Қараша 2025 ж.", "12.11.2025".
DATE_FORMAT = r"j F Y \ж."
YEAR_MONTH_FORMAT = r"F Y \ж."
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = r"j F Y \ж. H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
