# English dates as the directory has always written them, "7 December 2026", where Django's
# English writes "Dec. 7, 2026". The other languages keep Django's own formats ("7 grudnia
# 2026" in Polish).
DATE_FORMAT = "j F Y"
