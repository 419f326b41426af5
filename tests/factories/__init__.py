"""factory-boy factories, one module per app, for the main models of each.

- accounts: `UserFactory`; roles `make_organiser()`, `make_superuser()`; staff two-factor
  `enrol_two_factor()`, `verified_login()`; `PASSWORD` (every user's), `SUPERUSER_PASSWORD`.
- projects: `FairFactory` (submission open now; flags `in_review`, `in_voting`, `voting_closed`),
  `NominationFactory`, `OrganisationFactory`, `MembershipFactory`, `make_ngo_member()`,
  `ProjectFactory` (a complete draft), `ProjectImageFactory` (through the upload service),
  `valid_bin()`, `jpeg_upload()`.
- jury: `ReviewFactory` (open now), `review_phase_fair()`, `CriterionFactory`, `JurorFactory`,
  `EvaluationFactory` and `score()` (through `evaluation_save`).
- voting: `VoteFactory`, `VoteCodeFactory` (rows written directly), `CardBatchFactory` (through
  `card_batch_create`).
- awards: `CeremonyFactory`, `AwardFactory` (through `award_give`).
- presentations: `shortlisted_review()`, `open_round()` (through `round_open`), `finalist()` (with
  its NGO's members), `SlotFactory` (written directly, no e-mail).

The reports app has no models of its own: its tests build fairs, votes and awards with these.
Factories whose model has rules go through the app's service, so a factory never makes what the
portal could not.
"""
