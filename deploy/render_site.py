"""Render deploy/nginx/fairportal.conf.in: each @TOKEN@ becomes the environment variable TOKEN.

    UPSTREAM_SERVERS='    server 10.0.0.11:8000;' LISTEN='443 ssl' ... \\
        python3 deploy/render_site.py deploy/nginx/fairportal.conf.in > /etc/nginx/sites-available/fairportal

Stdlib only, so it runs with the system's python3 before any virtualenv exists. A token
without its variable is an error: a half-rendered site must never reach nginx.
"""

import os
import re
import sys


def render(template: str, values: dict[str, str]) -> str:
    missing = sorted({name for name in re.findall(r"@([A-Z_]+)@", template) if name not in values})
    if missing:
        raise SystemExit(f"render_site: set {', '.join(missing)}")
    return re.sub(r"@([A-Z_]+)@", lambda match: values[match[1]], template)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        sys.stdout.write(render(file.read(), dict(os.environ)))
