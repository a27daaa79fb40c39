/** The api-versions the CLI sends: the ones Debian's az 2.45 sends, so both clients exercise the same server paths. */
export const API = {
  resources: '2021-04-01',
  subscriptions: '2022-12-01',
  managedIdentity: '2022-01-31-preview',
  roleAssignments: '2022-04-01',
  roleDefinitions: '2022-04-01',
  compute: '2022-08-01',
  deployments: '2021-04-01',
} as const;
