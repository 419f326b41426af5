from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """How often one key was hit in one fixed window; written only by `fairportal.ratelimit.hit`."""

    # Never a clear e-mail or IP address: ratelimit.py stores digests of user input.
    key = models.CharField(_("key"), max_length=200)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            # The target of hit()'s ON CONFLICT: one row per key and window, even under races.
            models.UniqueConstraint(
                fields=["key", "window_start"], name="fairportal_ratelimit_one_counter_per_window"
            ),
        ]
        # purge_rate_limits deletes by window_start.
        indexes = [models.Index(fields=["window_start"], name="fairportal_ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"
