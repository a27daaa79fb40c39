/** Microsoft.Compute/virtualMachines api-versions the clients send (az 2.45: 2020-06-01/2022-08-01; arm-compute 24: 2026-03-01). */
export const VM_API_VERSIONS = [
  '2026-03-01',
  '2025-04-01',
  '2024-11-01',
  '2024-07-01',
  '2024-03-01',
  '2023-09-01',
  '2023-07-01',
  '2023-03-01',
  '2022-11-01',
  '2022-08-01',
  '2022-03-01',
  '2021-11-01',
  '2021-07-01',
  '2021-03-01',
  '2020-12-01',
  '2020-06-01',
  '2019-07-01',
  '2018-06-01',
  '2017-12-01',
] as const;

/** 2017-12-01 lists user-assigned identities as `identityIds: [id]`; later versions as a `userAssignedIdentities` map. */
export const usesIdentityIds = (apiVersion: string) => apiVersion === '2017-12-01';
