/** Every api-version Microsoft.ManagedIdentity has published, newest first as ARM lists them. */
export const MSI_API_VERSIONS = [
  '2026-05-31',
  '2026-04-30',
  '2025-05-31-preview',
  '2025-01-31-preview',
  '2024-11-30',
  '2023-07-31-preview',
  '2023-01-31',
  '2022-01-31-preview',
  '2021-09-30-preview',
  '2018-11-30',
  '2015-08-31-preview',
] as const;

/** Which parts of the identity shape each version has (shared/reference/azure-wire-facts.md §1). */
export const versionFeatures = {
  clientSecretUrl: (v: string) => v === '2015-08-31-preview',
  locationRequired: (v: string) => v !== '2015-08-31-preview',
  isolationScope: (v: string) => ['2024-11-30', '2025-01-31-preview', '2025-05-31-preview', '2026-04-30', '2026-05-31'].includes(v),
  assignmentRestrictions: (v: string) => ['2025-05-31-preview', '2026-05-31'].includes(v),
};
