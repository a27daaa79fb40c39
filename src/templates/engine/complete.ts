/**
 * Complete mode: after every template resource succeeded, the group's resources the template does not list
 * are deleted (with the newest api-version of their type). Resources whose condition was false are kept, as
 * Azure does since api-version 2019-05-10.
 */
import type { ArmErrorBody, ResourceGateway, RunHooks } from './contract.js';
import type { Plan } from './plan.js';
import { OperationTracker, toArmError } from './operations.js';

export async function unlistedResources(plan: Plan, gateway: ResourceGateway): Promise<{ id: string; type: string }[]> {
  const listed = new Set(plan.instances.map((r) => r.id.toLowerCase()));
  const inGroup = await gateway.listGroupResources();
  // Children first, so a parent's delete does not pull its listed children from under later deletes.
  return inGroup.filter((r) => !listed.has(r.id.toLowerCase())).sort((a, b) => b.id.length - a.id.length);
}

export async function deleteUnlisted(plan: Plan, gateway: ResourceGateway, hooks: RunHooks): Promise<ArmErrorBody[]> {
  const failures: ArmErrorBody[] = [];
  for (const r of await unlistedResources(plan, gateway)) {
    if (hooks.signal?.aborted) break;
    const versions = gateway.apiVersionsOf(r.type);
    const apiVersion = versions?.[versions.length - 1] ?? '';
    const name = r.id.split('/').pop() ?? '';
    const op = new OperationTracker((o) => hooks.onOperation(o), 'Delete', { id: r.id, type: r.type, name, apiVersion });
    try {
      await op.running();
      const res = await gateway.delete(r.id, apiVersion);
      await op.succeeded(res.status);
    } catch (e) {
      const { status, error } = toArmError(e);
      // Already gone (a parent deleted before): that is what we wanted.
      if (status === 404) {
        await op.succeeded(204);
        continue;
      }
      await (async () => op.failed(status, error))().catch(() => undefined);
      failures.push({ code: error.code, message: error.message });
      break;
    }
  }
  return failures;
}
