from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development, manual testing and benchmarks: `manage.py demo seed|reset|delete`.

    It sits on top, like `reports`: it writes into projects, jury, voting and awards at once, and
    nothing imports it (docs/architecture.md). Installed everywhere (one settings file, STYLE.md 7)
    but it has no models, URLs or templates, and its command refuses to run while DEBUG is off
    unless told `--allow-without-debug` (a staging or benchmark server).
    """

    name = "demo"
