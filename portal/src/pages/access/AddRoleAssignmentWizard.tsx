import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Spinner, Tab, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, TableSelectionCell, TabList, Text, tokens, useId } from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { ErrorBar } from '../../components/ErrorBar.js';
import { SidePane } from '../../components/SidePane.js';
import { MEMBER_KIND_LABELS, PRIVILEGED_ROLES, searchRoles, type Member, type RoleDefinition } from './accessControl.js';
import { createAssignment, listRoles } from './accessApi.js';
import { MemberPicker } from './MemberPicker.js';
import { RoleDetails } from './RoleDetails.js';

const useStyles = makeStyles({
  steps: { marginBottom: tokens.spacingVerticalM },
  search: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, maxWidth: '24rem', margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalS}` },
  roles: { maxHeight: '22rem', overflowY: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  description: { color: tokens.colorNeutralForeground2 },
  section: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalL} 0 ${tokens.spacingVerticalS}` },
  summary: { display: 'grid', gridTemplateColumns: 'minmax(8rem, auto) minmax(0, 1fr)', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  detail: { margin: 0, overflowWrap: 'anywhere' },
  chosen: { margin: `${tokens.spacingVerticalS} 0`, paddingLeft: tokens.spacingHorizontalXL },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
  selectColumn: { width: '3rem' },
  nameColumn: { width: '30%' },
  typeColumn: { width: '7.5rem' },
});

type Step = 'role' | 'members' | 'review';

/**
 * "Add role assignment", as in Azure: Role (search, the selected role's description and permissions) → Next →
 * Members (search users, service principals, managed identities by name) → Review + assign (one PUT per member).
 */
export function AddRoleAssignmentWizard({ scope, scopeTitle, onClose }: { scope: string; scopeTitle: string; onClose(assigned: boolean): void }) {
  const styles = useStyles();
  const searchId = useId('role-search');
  const [step, setStep] = useState<Step>('role');
  const [roles, setRoles] = useState<RoleDefinition[]>();
  const [rolesError, setRolesError] = useState<unknown>();
  const [text, setText] = useState('');
  const [role, setRole] = useState<RoleDefinition>();
  const [members, setMembers] = useState<Member[]>([]);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState('');
  const [failures, setFailures] = useState<string[]>([]);
  const [attempted, setAttempted] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    listRoles(scope, abort.signal)
      .then(setRoles)
      .catch((e: unknown) => !abort.signal.aborted && setRolesError(e));
    return () => abort.abort();
  }, [scope]);

  const shown = useMemo(() => searchRoles(roles ?? [], text), [roles, text]);
  const canGo: Record<Step, boolean> = { role: true, members: !!role, review: !!role && members.length > 0 };

  async function assign() {
    if (!role) return;
    setBusy(true);
    setFailures([]);
    const failed: string[] = [];
    const remaining: Member[] = [];
    for (const m of members) {
      setProgress(`Assigning ${role.properties.roleName} to ${m.displayName}…`);
      try {
        await createAssignment(scope, role, m, description);
      } catch (e) {
        failed.push(`${m.displayName}: ${e instanceof Error ? e.message : String(e)}`);
        remaining.push(m);
      }
    }
    setBusy(false);
    setAttempted(true);
    if (failed.length === 0) onClose(true);
    else {
      // Keep only the members still to assign, so "Review + assign" again retries just those.
      setMembers(remaining);
      setFailures(failed);
    }
  }

  const primary = () => {
    if (step === 'review') void assign();
    else if (canGo.review) setStep('review');
    else if (step === 'role' && canGo.members) setStep('members');
  };

  return (
    <SidePane
      title="Add role assignment"
      size="large"
      locked={busy}
      onClose={() => onClose(attempted)}
      subtitle={<Text className={styles.description}>Scope: {scopeTitle}</Text>}
      footer={
        <>
          <Button appearance="primary" onClick={primary} disabled={busy || (step === 'review' ? !canGo.review : !role)}>
            Review + assign
          </Button>
          {step !== 'role' && (
            <Button onClick={() => setStep(step === 'review' ? 'members' : 'role')} disabled={busy}>
              Previous
            </Button>
          )}
          {step !== 'review' && (
            <Button onClick={() => setStep(step === 'role' ? 'members' : 'review')} disabled={busy || !canGo[step === 'role' ? 'members' : 'review']}>
              Next
            </Button>
          )}
          <Button onClick={() => onClose(attempted)} disabled={busy}>
            Cancel
          </Button>
        </>
      }
    >
      <TabList className={styles.steps} selectedValue={step} onTabSelect={(_, d) => setStep(d.value as Step)} aria-label="Steps">
        <Tab value="role">Role</Tab>
        <Tab value="members" disabled={!canGo.members}>
          Members
        </Tab>
        <Tab value="review" disabled={!canGo.review}>
          Review + assign
        </Tab>
      </TabList>

      {step === 'role' && (
        <section aria-label="Role">
          <Text block className={styles.description}>
            A role definition is a collection of permissions. Choose the one to grant at this scope.
          </Text>
          <div className={styles.search} role="search" aria-label="Search roles">
            <label htmlFor={searchId}>Search by role name or description</label>
            <Input id={searchId} value={text} onChange={(_, d) => setText(d.value)} placeholder="Reader, identity, assign…" />
          </div>
          <ErrorBar error={rolesError} title="The roles could not be listed" />
          {!roles && !rolesError && <Spinner size="tiny" label="Loading roles…" />}
          {roles && (
            <div className={styles.roles}>
              <Table aria-label="Roles" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell className={styles.selectColumn} aria-label="Selected" />
                    <TableHeaderCell className={styles.nameColumn}>Name</TableHeaderCell>
                    <TableHeaderCell className={styles.hideNarrow}>Description</TableHeaderCell>
                    <TableHeaderCell className={styles.typeColumn}>Type</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {shown.map((r) => (
                    <TableRow key={r.id} aria-selected={role?.id === r.id} onClick={() => setRole(r)}>
                      <TableSelectionCell type="radio" checked={role?.id === r.id} radioIndicator={{ 'aria-label': r.properties.roleName }} />
                      <TableCell>{r.properties.roleName}</TableCell>
                      <TableCell className={styles.hideNarrow}>{r.properties.description}</TableCell>
                      <TableCell>{r.properties.type === 'CustomRole' ? 'Custom' : PRIVILEGED_ROLES.includes(r.properties.roleName) ? 'Privileged' : 'Job function'}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {shown.length === 0 && <Text role="status">No role matches.</Text>}
            </div>
          )}
          {role && (
            <>
              <h2 className={styles.section}>Selected role: {role.properties.roleName}</h2>
              <RoleDetails role={role} />
            </>
          )}
        </section>
      )}

      {step === 'members' && (
        <section aria-label="Members">
          <Text block className={styles.description}>
            Assign {role?.properties.roleName} to users, service principals or managed identities.
          </Text>
          <MemberPicker selected={members} onChange={setMembers} />
          <h2 className={styles.section}>Selected members</h2>
          {members.length === 0 ? (
            <Text>None yet.</Text>
          ) : (
            <ul className={styles.chosen} aria-label="Selected members">
              {members.map((m) => (
                <li key={m.id}>
                  {m.displayName} ({MEMBER_KIND_LABELS[m.kind]}){' '}
                  <Button size="small" appearance="subtle" aria-label={`Remove ${m.displayName}`} onClick={() => setMembers(members.filter((x) => x.id !== m.id))}>
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {step === 'review' && role && (
        <section aria-label="Review + assign">
          <dl className={styles.summary}>
            <dt className={styles.term}>Role</dt>
            <dd className={styles.detail}>{role.properties.roleName}</dd>
            <dt className={styles.term}>Scope</dt>
            <dd className={styles.detail}>{scope}</dd>
            <dt className={styles.term}>Members</dt>
            <dd className={styles.detail}>{members.map((m) => `${m.displayName} (${MEMBER_KIND_LABELS[m.kind]})`).join(', ')}</dd>
          </dl>
          <Field label="Description (optional)" className={styles.section}>
            <Input value={description} onChange={(_, d) => setDescription(d.value)} />
          </Field>
          {busy && <Spinner size="tiny" label={progress} labelPosition="after" role="status" />}
          {failures.length > 0 && (
            <MessageBar intent="error" role="alert" layout="multiline">
              <MessageBarBody>
                {failures.length} assignment{failures.length > 1 ? 's' : ''} failed. {failures.join(' ')}
              </MessageBarBody>
            </MessageBar>
          )}
        </section>
      )}
    </SidePane>
  );
}
