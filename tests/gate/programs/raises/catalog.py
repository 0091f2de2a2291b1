"""The failing part lives in its own module, so the reported location is the program's own file."""


def load_catalog() -> None:
    raise ValueError("catalog entry 'payments': deletion_window_in_days must be between 7 and 30, got 3")
