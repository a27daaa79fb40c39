import { Button, makeStyles, mergeClasses, Select, Spinner, Tab, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, TabList, Text, Toolbar, tokens, useId } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { AppLink } from '../../routing/router.js';
import { iamPathOf, MEMBER_KIND_LABELS, roleGuidOf, scopeKind, scopeLabel, scopeName, scopeRelation, type Member, type RoleAssignment, type RoleDefinition } from './accessControl.js';
import { deleteAssignment, listAssignments, listRoles, resolvePrincipals } from './accessApi.js';
import { AddRoleAssignmentWizard } from './AddRoleAssignmentWizard.js';
import { CheckAccess } from './CheckAccess.js';

const useStyles = makeStyles({
  sections: { marginBottom: tokens.spacingVerticalM },
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, margin: `${tokens.spacingVerticalM} 0` },
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: '12rem' },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  wrap: { overflowWrap: 'anywhere' },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
  footer: { marginTop: tokens.spacingVerticalM },
});

interface Row {
  assignment: RoleAssignment;
  roleName: string;
  principal: Member | undefined;
  relation: 'this' | 'inherited' | 'child';
}

/**
 * Access control (IAM) at any scope (a resource, a resource group, a subscription): the role assignments that apply
 * here (at this scope, or inherited from above), Add role assignment, Remove, and Check access.
 */
export function AccessControl({ scope, scopeTitle }: { scope: string; scopeTitle: string }) {
  const styles = useStyles();
  const ids = { scope: useId('iam-scope') };
  const [section, setSection] = useState<'assignments' | 'check'>('assignments');
  const [rows, setRows] = useState<Row[]>();
  const [roles, setRoles] = useState<RoleDefinition[]>([]);
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const [which, setWhich] = useState<'' | 'this' | 'inherited'>('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Row>();
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState<unknown>();
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    (async () => {
      const [assignments, roleList] = await Promise.all([listAssignments(scope, abort.signal), listRoles(scope, abort.signal)]);
      const principals = await resolvePrincipals(
        assignments.map((a) => a.properties.principalId),
        abort.signal,
      ).catch(() => new Map<string, Member>());
      const roleNames = new Map(roleList.map((r) => [r.name.toLowerCase(), r.properties.roleName]));
      setRoles(roleList);
      setRows(
        assignments
          .map((a) => ({
            assignment: a,
            roleName: roleNames.get(roleGuidOf(a.properties.roleDefinitionId)) ?? roleGuidOf(a.properties.roleDefinitionId),
            principal: principals.get(a.properties.principalId.toLowerCase()),
            relation: scopeRelation(a.properties.scope, scope),
          }))
          .sort((a, b) => a.roleName.localeCompare(b.roleName) || (a.principal?.displayName ?? '').localeCompare(b.principal?.displayName ?? '')),
      );
    })().catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [scope, generation]);

  const shown = useMemo(() => (rows ?? []).filter((r) => !which || r.relation === which), [rows, which]);

  async function remove(r: Row) {
    setRemoveBusy(true);
    setRemoveError(undefined);
    try {
      await deleteAssignment(r.assignment.id);
      setRemoving(undefined);
      reload();
    } catch (e) {
      setRemoveError(e);
    } finally {
      setRemoveBusy(false);
    }
  }

  const who = (r: Row) => r.principal?.displayName ?? `Unknown principal ${r.assignment.properties.principalId}`;
  return (
    <>
      <TabList className={styles.sections} selectedValue={section} onTabSelect={(_, d) => setSection(d.value as 'assignments' | 'check')} aria-label="Access control sections">
        <Tab value="assignments">Role assignments</Tab>
        <Tab value="check">Check access</Tab>
      </TabList>
      {section === 'check' && <CheckAccess scope={scope} roles={roles} />}
      {section === 'assignments' && (
        <>
          <Toolbar aria-label="Access control actions">
            <Button appearance="primary" onClick={() => setAdding(true)}>
              Add role assignment
            </Button>
            <Button onClick={reload}>Refresh</Button>
          </Toolbar>
          <div className={styles.filters}>
            <div className={styles.filter}>
              <label htmlFor={ids.scope}>Scope</label>
              <Select id={ids.scope} value={which} onChange={(_, d) => setWhich(d.value as '' | 'this' | 'inherited')}>
                <option value="">All scopes</option>
                <option value="this">This resource</option>
                <option value="inherited">Inherited</option>
              </Select>
            </div>
          </div>
          <ErrorBar error={error} title="The role assignments could not be listed" />
          {!rows && !error && <Spinner size="small" label="Loading…" />}
          {rows && (
            <div className={styles.tableWrap}>
              <Table aria-label="Role assignments" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Name</TableHeaderCell>
                    <TableHeaderCell className={styles.hideNarrow}>Type</TableHeaderCell>
                    <TableHeaderCell>Role</TableHeaderCell>
                    <TableHeaderCell>Scope</TableHeaderCell>
                    <TableHeaderCell>Actions</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {shown.map((r) => (
                    <TableRow key={r.assignment.id}>
                      <TableCell className={styles.wrap}>
                        {who(r)}
                        {r.principal?.detail && (
                          <Text block size={200} className={styles.muted}>
                            {r.principal.detail}
                          </Text>
                        )}
                      </TableCell>
                      <TableCell className={styles.hideNarrow}>{r.principal ? MEMBER_KIND_LABELS[r.principal.kind] : r.assignment.properties.principalType}</TableCell>
                      <TableCell>{r.roleName}</TableCell>
                      <TableCell>
                        {scopeLabel(r.assignment.properties.scope, scope)}
                        {r.relation !== 'this' && (
                          <Text block size={200} className={styles.muted}>
                            {scopeName(r.assignment.properties.scope)}
                          </Text>
                        )}
                      </TableCell>
                      <TableCell>
                        {r.relation === 'this' ? (
                          <Button size="small" aria-label={`Remove ${r.roleName} for ${who(r)}`} onClick={() => (setRemoveError(undefined), setRemoving(r))}>
                            Remove
                          </Button>
                        ) : iamPathOf(r.assignment.properties.scope) ? (
                          // As in Azure, an inherited assignment is removed where it is assigned.
                          <AppLink to={iamPathOf(r.assignment.properties.scope)!} aria-label={`Manage ${r.roleName} for ${who(r)} at its scope`}>
                            Manage at {scopeKind(r.assignment.properties.scope).toLowerCase()}
                          </AppLink>
                        ) : (
                          <Text className={styles.muted}>Assigned at the root</Text>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
          {rows && shown.length === 0 && <Text className={styles.footer}>No role assignment {which === 'this' ? 'at this scope' : which === 'inherited' ? 'inherited here' : 'applies here'}.</Text>}
          {rows && (
            <Text block className={mergeClasses(styles.footer, styles.muted)} role="status">
              {shown.length} role assignment{shown.length === 1 ? '' : 's'}
            </Text>
          )}
        </>
      )}
      {adding && (
        <AddRoleAssignmentWizard
          scope={scope}
          scopeTitle={scopeTitle}
          onClose={(assigned) => {
            setAdding(false);
            if (assigned) reload();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          open
          title="Remove role assignment?"
          confirmLabel="Remove"
          busy={removeBusy}
          error={removeError}
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(undefined)}
        >
          <Text block>
            {who(removing)} will no longer have the role {removing.roleName} at this scope, nor on what it contains.
          </Text>
        </ConfirmDialog>
      )}
    </>
  );
}
