"""Re-derive what can be re-derived of existing voters under the canonical identity rules.

A vote's identity (`voter_digest`) is an HMAC of the normalised address, and the address itself
was never stored, so old digests CANNOT be recomputed: a mailbox that voted as "a.b@yandex.kz"
before this migration and votes as "a.b@yandex.ru" after it counts twice once. What was stored in
clear is re-derived: the e-mail domain (and the masked address's domain) become canonical
(A-label, provider aliases folded), so the admin's domain filter and cluster views group one
provider's votes together. The migration prints, per fair, how many votes changed domain and
how many groups of votes look like one mailbox under the new rules (same scope, same masked
form, e.g. "a***@yandex.ru" from yandex.ru and yandex.kz) — candidates for an organiser to review
and, with a reason, invalidate. It merges nothing itself: the mask cannot tell "anna" from "arman".
"""

from collections import Counter

from django.db import migrations


def fold_stored_domains(apps, schema_editor):
    from django.core.exceptions import ValidationError

    from voting.identity import canonical_domain

    Vote = apps.get_model("voting", "Vote")
    changed = Counter()
    votes = Vote.objects.filter(channel="email").exclude(email_domain="")
    for vote in votes.only("pk", "fair_id", "email_domain", "voter_masked").iterator():
        try:
            domain = canonical_domain(vote.email_domain)
        except ValidationError:
            continue
        if domain != vote.email_domain:
            local = vote.voter_masked.partition("@")[0]
            Vote.objects.filter(pk=vote.pk).update(email_domain=domain, voter_masked=f"{local}@{domain}")
            changed[vote.fair_id] += 1
    for fair_id, count in sorted(changed.items()):
        groups = Counter(
            Vote.objects.filter(fair_id=fair_id, channel="email").values_list("scope", "voter_masked")
        )
        lookalikes = sum(1 for n in groups.values() if n > 1)
        print(  # noqa: T201 - a migration's report goes to the operator's console
            f"\n  voting: fair {fair_id}: {count} votes now have a canonical domain; "
            f"{lookalikes} masked forms are shared by several votes (review in the admin)."
        )


class Migration(migrations.Migration):
    dependencies = [("voting", "0002_organisers_voting_permissions")]

    operations = [migrations.RunPython(fold_stored_domains, migrations.RunPython.noop, elidable=True)]
