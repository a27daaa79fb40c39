import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { request } from '../support/http.js';
import { startPostgresForFile } from '../support/postgres.js';
import { armClient } from '../cluster/support.js';
import { freePort, ServerProcess } from './serverProcess.js';

/**
 * A writer creates identities and role assignments as fast as it can while `amity server` is killed with SIGKILL and
 * started again, 20 times: every write answered 201 must be there afterwards, and nothing half-written (an identity
 * without its service principal, a managed identity principal without its identity).
 */

const CYCLES = Number(process.env.AMITY_CRASH_CYCLES ?? 20);
const WRITERS = 4;
const READER_ROLE = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const pg = await startPostgresForFile();

for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' && 'skip' in pg ? pg.skip : false;
  test(`${backend}: ${CYCLES} SIGKILLs while writing lose no acknowledged write and leave nothing half-written`, { skip, timeout: 240_000 }, async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `amity-crash-${backend}-`));
    t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const database = backend === 'postgres' && !('skip' in pg) ? await pg.createDatabase() : undefined;
    const server = new ServerProcess({ port: await freePort(), dataDir, database, keyEncryptionKey: crypto.randomBytes(32).toString('hex') });

    await server.start();
    const bootFile = path.join(dataDir, 'bootstrap.json');
    // bootstrap.json is written just after the server starts listening.
    for (let i = 0; !fs.existsSync(bootFile) && i < 200; i++) await new Promise((r) => setTimeout(r, 25));
    const boot = JSON.parse(fs.readFileSync(bootFile, 'utf8')) as { tenantId: string; subscriptionId: string; clientId: string; clientSecret: string; caCertPath: string };
    const ca = fs.readFileSync(boot.caCertPath);
    const tokenRes = await request(`${server.url}/${boot.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: boot.clientId, client_secret: boot.clientSecret, scope: 'https://management.azure.com/.default' }).toString(),
    });
    assert.equal(tokenRes.status, 200, tokenRes.text);
    // The token outlives every restart: the signing keys are in the database.
    const token = tokenRes.body.access_token as string;
    const group = `/subscriptions/${boot.subscriptionId}/resourceGroups/crash`;
    const setup = armClient(server.url, ca, async () => token);
    assert.equal((await setup.arm('PUT', `${group}?api-version=2021-04-01`, { location: 'westus' })).status, 201);
    setup.close();

    const ackedIdentities = new Map<string, string>(); // name → principalId
    const ackedAssignments = new Set<string>(); // assignment GUID
    let seq = 0;
    let unknown = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle > 0) await server.start();
      const client = armClient(server.url, ca, async () => token, WRITERS * 2);
      let running = true;
      const writer = async () => {
        while (running) {
          const name = `crash-${seq++}`;
          try {
            const put = await client.arm('PUT', `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2023-01-31`, { location: 'westus' });
            if (put.status !== 201) continue;
            const principalId = put.body.properties.principalId as string;
            ackedIdentities.set(name, principalId);
            const guid = crypto.randomUUID();
            const ra = await client.arm('PUT', `${group}/providers/Microsoft.Authorization/roleAssignments/${guid}?api-version=2022-04-01`, {
              properties: { roleDefinitionId: `/subscriptions/${boot.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER_ROLE}`, principalId, principalType: 'ServicePrincipal' },
            });
            if (ra.status === 201) ackedAssignments.add(guid);
          } catch {
            // The connection died with the server: the outcome is unknown, so the write may or may not be there.
            unknown++;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, writer);
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 500));
      await server.stop('SIGKILL');
      running = false;
      await Promise.all(writers);
      client.close();
    }
    // One last start proves the database opens after the last kill (recovery), then a clean stop.
    await server.start();
    await server.stop('SIGTERM');

    const opened = await openDatabase(database ?? path.join(dataDir, 'amity.db'));
    try {
      const db = opened.db;
      const identities = await db.selectFrom('resources').select(['key', 'name', 'properties']).where('type', '=', 'microsoft.managedidentity/userassignedidentities').execute();
      const principals = await db.selectFrom('principals').select(['object_id', 'resource_key']).where('kind', '=', 'ManagedIdentity').execute();
      const assignments = new Set((await db.selectFrom('role_assignments').select('name').execute()).map((r) => r.name.toLowerCase()));
      const principalByKey = new Map(principals.map((p) => [p.resource_key, p.object_id]));
      const identityByName = new Map(identities.map((r) => [r.name, JSON.parse(r.properties).principalId as string]));

      assert.ok(ackedIdentities.size >= CYCLES, `the writer made progress (${ackedIdentities.size} identities acknowledged)`);
      for (const [name, principalId] of ackedIdentities) assert.equal(identityByName.get(name), principalId, `acknowledged identity ${name} is there`);
      for (const guid of ackedAssignments) assert.ok(assignments.has(guid), `acknowledged assignment ${guid} is there`);
      // Nothing half-written, in either direction.
      for (const r of identities) assert.equal(principalByKey.get(r.key), identityByName.get(r.name), `identity ${r.name} has its service principal`);
      const identityKeys = new Set(identities.map((r) => r.key));
      for (const p of principals) if (p.resource_key?.includes('/userassignedidentities/')) assert.ok(identityKeys.has(p.resource_key), `principal ${p.object_id} has its identity`);
      console.log(`${backend}: ${CYCLES} kills, ${ackedIdentities.size} identities and ${ackedAssignments.size} assignments acknowledged, ${unknown} requests cut off`);
    } finally {
      await opened.close();
    }
  });
}
