"""Who reads which project, when each project is read by N jurors rather than by all of them.

Pure: plain data in, plain data out, no database, so every rule is unit-tested alone
(tests/jury/test_reading_assignment.py). `jury.services` reads the review into these shapes,
calls `propose`, and writes the result.

The rules, in order of importance:

1. a juror reads a project only if eligible (`eligible`): their seat covers its nomination,
   they are no member of its NGO, have not recused from it and declared no conflict with its NGO;
2. each project gets exactly N readers (fewer only when fewer jurors are eligible: a problem
   the organisers are told about, naming the project);
3. the jurors' loads are as even as the seats allow: within one of each other whenever some
   assignment achieves it;
4. among the most even assignments, as many readings as possible in a language the juror
   reads (a preference, never a reason to leave a project unread or a load uneven).

It is a minimum-cost flow (networkx's network simplex): source → juror "slots" → juror →
project → sink, where projects with the same candidates, language and need share one node
(they are interchangeable) and are dealt their readings afterwards. The k-th new reading of a juror already holding F costs (2(F + k) − 1) × M, the
growth of the square of their load; minimising the sum of squares of the loads finds the
most even loads the seats allow (the least-squares load vector of a transportation problem is
also the one with the smallest maximum and largest minimum, Fujishige 1980). A reading in a
language the juror does not read costs 1 more; M exceeds the number of readings, so language
never outweighs balance. Nodes and edges go in sorted order, so the same input always gives
the same output.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from django.utils.translation import gettext, ngettext

from fairportal.text import quoted


@dataclass(frozen=True)
class JurorData:
    id: int
    name: str
    nominations: frozenset[int]  # empty: the whole fair
    languages: frozenset[str]
    organisations: frozenset[int]  # NGOs the juror is a member of
    conflicts: frozenset[int] = frozenset()  # NGOs the juror declared a conflict with
    # May get new readings: an active account that has not finalised (a finalised juror could
    # not score them). Readings they already hold stay theirs.
    available: bool = True


@dataclass(frozen=True)
class ProjectData:
    id: int
    title: str
    nomination_id: int | None
    organisation_id: int
    language: str


@dataclass(frozen=True)
class Problem:
    """Something that keeps the assignment from following the rules, in the organisers' words."""

    code: str  # no_jurors, too_few_jurors, too_few_eligible, uneven
    message: str
    project_id: int | None = None
    juror_ids: tuple[int, ...] = ()


@dataclass
class Proposal:
    readers: dict[int, list[int]]  # project id → juror ids, sorted, kept and new together
    new: list[tuple[int, int]]  # (juror id, project id) to create, sorted
    loads: dict[int, int]  # juror id → readings held after the proposal
    language_matches: dict[int, int]  # juror id → readings in a language they read
    problems: list[Problem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every rule holds: a proposal the organisers may apply as it is."""
        return not self.problems

    # The jurors who may take new readings: the evenness of the loads is theirs to keep.
    balanced: frozenset[int] = frozenset()

    @property
    def spread(self) -> int:
        loads = [load for juror_id, load in self.loads.items() if juror_id in self.balanced]
        return max(loads) - min(loads) if loads else 0


def eligible(juror: JurorData, project: ProjectData, recusals: frozenset[tuple[int, int]] | set) -> bool:
    if juror.nominations and project.nomination_id not in juror.nominations:
        return False
    if project.organisation_id in juror.organisations or project.organisation_id in juror.conflicts:
        return False
    return (juror.id, project.id) not in recusals


def propose(
    *,
    jurors: Iterable[JurorData],
    projects: Iterable[ProjectData],
    readers_per_project: int,
    recusals: Iterable[tuple[int, int]] = (),
    kept: Iterable[tuple[int, int]] = (),
) -> Proposal:
    """N readers for every project, keeping the readings in `kept` ((juror id, project id), each
    still eligible: the caller drops the others) and adding the fewest, most evenly spread.

    Never raises for an impossible case: the problems are listed, and the projects that can be
    read are still given as many readers as can read them (re-balancing after a recusal must
    never fail the recusal). A proposal with problems is not `complete`.
    """
    jurors = sorted(jurors, key=lambda juror: juror.id)
    projects = sorted(projects, key=lambda project: project.id)
    recusals = frozenset(recusals)
    by_juror = {juror.id: juror for juror in jurors}
    by_project = {project.id: project for project in projects}
    n = readers_per_project
    readers: dict[int, set[int]] = {project.id: set() for project in projects}
    for juror_id, project_id in kept:
        if juror_id in by_juror and project_id in readers:
            readers[project_id].add(juror_id)
    problems: list[Problem] = []
    if not jurors:
        problems.append(Problem("no_jurors", gettext("The review has no jurors yet: invite them first.")))
    elif n > len(jurors):
        problems.append(
            Problem(
                "too_few_jurors",
                ngettext(
                    "Each project should be read by %(n)d jurors, but the review has only %(count)d juror.",
                    "Each project should be read by %(n)d jurors, but the review has only %(count)d jurors.",
                    len(jurors),
                )
                % {"n": n, "count": len(jurors)},
            )
        )
    overall = bool(problems)
    # What each project still needs, and who could give it.
    needs: dict[int, int] = {}
    candidates: dict[int, list[int]] = {}
    for project in projects:
        wanted = n - len(readers[project.id])
        if wanted <= 0:
            continue
        able = [
            juror.id
            for juror in jurors
            if juror.available and juror.id not in readers[project.id] and eligible(juror, project, recusals)
        ]
        # With too few jurors altogether, that one problem says it; not again for every project.
        if len(able) < wanted and not overall:
            problems.append(
                Problem(
                    "too_few_eligible",
                    ngettext(
                        "%(project)s needs %(n)d readers, but only %(count)d juror can read it "
                        "(the others are outside its nomination, its NGO's members, in conflict or recused).",
                        "%(project)s needs %(n)d readers, but only %(count)d jurors can read it "
                        "(the others are outside its nomination, its NGO's members, in conflict or recused).",
                        len(readers[project.id]) + len(able),
                    )
                    % {
                        "project": quoted(project.title),
                        "n": n,
                        "count": len(readers[project.id]) + len(able),
                    },
                    project_id=project.id,
                )
            )
        needs[project.id] = min(wanted, len(able))
        candidates[project.id] = able
    held = {juror.id: 0 for juror in jurors}
    for juror_ids in readers.values():
        for juror_id in juror_ids:
            held[juror_id] += 1
    new = _flow(jurors, by_project, needs, candidates, held)
    for juror_id, project_id in new:
        readers[project_id].add(juror_id)
        held[juror_id] += 1
    matches = {juror.id: 0 for juror in jurors}
    for project_id, juror_ids in readers.items():
        for juror_id in juror_ids:
            if by_project[project_id].language in by_juror[juror_id].languages:
                matches[juror_id] += 1
    proposal = Proposal(
        readers={project_id: sorted(juror_ids) for project_id, juror_ids in readers.items()},
        new=sorted(new),
        loads=held,
        language_matches=matches,
        problems=problems,
        balanced=frozenset(juror.id for juror in jurors if juror.available),
    )
    if jurors and proposal.spread > 1:
        proposal.problems.append(_uneven(proposal, by_juror))
    return proposal


def _flow(
    jurors: list[JurorData],
    by_project: dict[int, ProjectData],
    needs: dict[int, int],
    candidates: dict[int, list[int]],
    held: dict[int, int],
) -> list[tuple[int, int]]:
    total = sum(needs.values())
    if not total:
        return []
    # How many new readings each juror could take at most: one per project they could read.
    capacity = {juror.id: 0 for juror in jurors}
    for project_id, need in needs.items():
        if need:
            for juror_id in candidates[project_id]:
                capacity[juror_id] += 1
    takers = [juror for juror in jurors if capacity[juror.id]]
    # A juror's "slots" (one node per possible new reading) make the graph as large as jurors ×
    # projects: 2,150 projects and 9 jurors took 28 s. The optimum's highest load is the least
    # highest load possible (see the module), so slots up to a ceiling change nothing as long as
    # the flow is still feasible with them: start at the even share and raise the ceiling until
    # it is; without any ceiling it always is (each need is at most its candidates).
    ceiling = -(-(total + sum(held[juror.id] for juror in takers)) // len(takers))
    step = 1
    while True:
        limited = any(held[juror.id] + capacity[juror.id] > ceiling for juror in takers)
        try:
            return _min_cost_flow(takers, by_project, needs, candidates, held, capacity, ceiling)
        except nx.NetworkXUnfeasible:
            if not limited:
                raise
            ceiling += step
            step *= 2


def _min_cost_flow(jurors, by_project, needs, candidates, held, capacity, ceiling) -> list[tuple[int, int]]:
    total = sum(needs.values())
    weight = total + 1  # balance before language: all mismatches together cost less than one step
    by_juror = {juror.id: juror for juror in jurors}
    # Projects with the same candidates, language and need are interchangeable: one node for
    # them all, read at most once per project by each juror (capacity: their number). 2,150
    # projects make a handful of groups, so the simplex pivots over a few dozen edges, not
    # tens of thousands; `_spread` then hands each juror's readings of a group to distinct projects.
    groups: dict[tuple, list[int]] = {}
    for project_id in sorted(needs):
        if needs[project_id]:
            key = (tuple(candidates[project_id]), by_project[project_id].language, needs[project_id])
            groups.setdefault(key, []).append(project_id)
    graph = nx.DiGraph()
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    for juror in jurors:
        for k in range(1, min(capacity[juror.id], ceiling - held[juror.id]) + 1):
            slot = ("slot", juror.id, k)
            load = held[juror.id] + k
            # The k-th new reading costs the growth of the juror's squared load.
            graph.add_edge("source", slot, capacity=1, weight=(2 * load - 1) * weight)
            graph.add_edge(slot, ("juror", juror.id), capacity=1, weight=0)
    keys = sorted(groups)
    for index, key in enumerate(keys):
        juror_ids, language, need = key
        size = len(groups[key])
        for juror_id in juror_ids:
            cost = 0 if language in by_juror[juror_id].languages else 1
            graph.add_edge(("juror", juror_id), ("group", index), capacity=size, weight=cost)
        graph.add_edge(("group", index), "sink", capacity=need * size, weight=0)
    flow = nx.min_cost_flow(graph)
    result = []
    for index, key in enumerate(keys):
        taken = [(juror_id, flow[("juror", juror_id)].get(("group", index), 0)) for juror_id in key[0]]
        result += _spread(groups[key], taken)
    return result


def _spread(project_ids: list[int], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each juror's count of readings in a group of interchangeable projects, as (juror, project)
    pairs: laid end to end round the projects, so a juror's (at most one per project) land on
    distinct projects and every project gets the same number."""
    pairs, position = [], 0
    for juror_id, count in taken:
        for _ in range(count):
            pairs.append((juror_id, project_ids[position % len(project_ids)]))
            position += 1
    return pairs


def _uneven(proposal: Proposal, by_juror: dict[int, JurorData]) -> Problem:
    loads = {juror_id: load for juror_id, load in proposal.loads.items() if juror_id in proposal.balanced}
    low, high = min(loads.values()), max(loads.values())
    lightest = sorted(juror_id for juror_id, load in loads.items() if load == low)
    heaviest = sorted(juror_id for juror_id, load in loads.items() if load == high)
    return Problem(
        "uneven",
        gettext(
            "The loads cannot be within one of each other with these seats: %(light)s read %(low)d "
            "projects and %(heavy)s read %(high)d. Their nominations (or conflicts) leave no other way; "
            "widen a seat or invite another juror to even them out."
        )
        % {
            "light": ", ".join(by_juror[juror_id].name for juror_id in lightest),
            "low": low,
            "heavy": ", ".join(by_juror[juror_id].name for juror_id in heaviest),
            "high": high,
        },
        juror_ids=(*lightest, *heaviest),
    )
