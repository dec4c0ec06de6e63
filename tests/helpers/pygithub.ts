/**
 * What PyGithub's real GitHub answers (../shared/fixtures/github) give its Repository node: the
 * repository document's fields, and from the weekly statistics 137 commits in the 90 days before
 * 2013-11-15, 15 authors with commits in the year before, jacquev6 alone with 252 of its 356.
 */
export const PYGITHUB_REPOSITORY = {
  archived: false,
  pushedAt: '2024-12-19T12:01:11Z',
  stars: 7122,
  defaultBranch: 'main',
  contributors: 21,
  tags: 30,
  releases: 10,
  commitsLast90Days: 137,
  activeContributors12Months: 15,
  busFactor: 1,
  historySource: 'github-statistics',
} as const;
