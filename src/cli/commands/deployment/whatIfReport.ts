/**
 * az's human-readable what-if report (azure-cli `resource/_formatters.py`, format_what_if_operation_result),
 * ported line for line so both print the same text: the legend of change symbols, the changes grouped by scope,
 * property deltas, and the closing count.
 */

export interface WhatIfPropertyChange {
  path: string;
  propertyChangeType: string;
  before?: unknown;
  after?: unknown;
  children?: WhatIfPropertyChange[] | null;
}

export interface WhatIfChange {
  resourceId: string;
  changeType: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  delta?: WhatIfPropertyChange[] | null;
}

const COLOR = { ORANGE: '\x1b[38;5;208m', GREEN: '\x1b[38;5;77m', PURPLE: '\x1b[38;5;141m', BLUE: '\x1b[38;5;39m', GRAY: '\x1b[38;5;246m', RESET: '\x1b[0m' };

const CHANGE_COLOR: Record<string, string> = { Create: COLOR.GREEN, Delete: COLOR.ORANGE, Modify: COLOR.PURPLE, Deploy: COLOR.BLUE, NoChange: COLOR.RESET, Ignore: COLOR.GRAY, Unsupported: COLOR.GRAY, NoEffect: COLOR.GRAY };
const PROPERTY_COLOR: Record<string, string> = { Create: COLOR.GREEN, Delete: COLOR.ORANGE, Modify: COLOR.PURPLE, Array: COLOR.PURPLE, NoEffect: COLOR.GRAY };
const CHANGE_SYMBOL: Record<string, string> = { Create: '+', Delete: '-', Modify: '~', Deploy: '!', NoChange: '=', Ignore: '*', Unsupported: 'x', NoEffect: 'x' };
const PROPERTY_SYMBOL: Record<string, string> = { Create: '+', Delete: '-', Modify: '~', Array: '~', NoEffect: 'x' };
const CHANGE_WEIGHT: Record<string, number> = { Delete: 0, Create: 1, Deploy: 2, Modify: 3, NoChange: 4, Unsupported: 5, Ignore: 6, NoEffect: 7 };
const PROPERTY_WEIGHT: Record<string, number> = { Delete: 0, Create: 1, Modify: 2, Array: 2, NoEffect: 3 };

/** az's ColoredStringBuilder: colours pushed and popped around text, only when enabled. */
class Builder {
  private readonly contents: string[] = [];
  private readonly colors: string[] = [];
  constructor(private readonly enableColor: boolean) {}

  build(): string {
    return this.contents.join('');
  }

  append(value: unknown, color?: string): this {
    if (color) this.push(color);
    this.contents.push(String(value));
    if (color) this.pop();
    return this;
  }

  appendLine(value: unknown = '', color?: string): this {
    return this.append(`${String(value)}\n`, color);
  }

  scope(color: string, work: () => void): void {
    this.push(color);
    work();
    this.pop();
  }

  private push(color: string): void {
    if (!this.enableColor) return;
    this.colors.push(color);
    this.contents.push(color);
  }

  private pop(): void {
    if (!this.enableColor) return;
    this.colors.pop();
    this.contents.push(this.colors[this.colors.length - 1] ?? COLOR.RESET);
  }
}

/** Python's str.title() of an enum value ("NoChange" → "Nochange", as az prints it). */
const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isLeaf = (v: unknown) => v === null || v === undefined || typeof v !== 'object' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
const isNonEmptyArray = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;
const isNonEmptyObject = (v: unknown): v is Record<string, unknown> => isObject(v) && Object.keys(v).length > 0;

/** Stable sort by a tuple key, as Python's sorted(). */
function sortedBy<T>(items: readonly T[], key: (x: T) => (string | number)[]): T[] {
  return items
    .map((item, i) => ({ item, i, k: key(item) }))
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) if (a.k[j] !== b.k[j]) return a.k[j] < b.k[j] ? -1 : 1;
      return a.i - b.i;
    })
    .map((x) => x.item);
}

/** itertools.groupby: runs of consecutive items with the same key. */
function groupBy<T>(items: readonly T[], key: (x: T) => string): [string, T[]][] {
  const out: [string, T[]][] = [];
  for (const item of items) {
    const k = key(item);
    if (out.length && out[out.length - 1][0] === k) out[out.length - 1][1].push(item);
    else out.push([k, [item]]);
  }
  return out;
}

/** az's split_resource_id: the scope and the relative id of a resource id. */
export function splitResourceId(resourceId: string): [string, string] {
  let remaining = resourceId;
  const mg = /^\/?providers\/Microsoft.Management\/managementGroups\/([\w\d_.()-]+)/i.exec(remaining);
  remaining = remaining.slice(mg ? mg[0].length : 0);
  const sub = /^\/?subscriptions\/([a-f0-9-]+)/i.exec(remaining);
  remaining = remaining.slice(sub ? sub[0].length : 0);
  const rg = /^\/resourceGroups\/([-\w._()]+)/i.exec(remaining);
  remaining = remaining.slice(rg ? rg[0].length : 0);
  const rel = /^\/providers\/(.+$)/i.exec(remaining);
  const relative = rel ? rel[1] : '';
  if (mg) {
    const mgRelative = `Microsoft.Management/managementGroups/${mg[1]}`;
    return relative ? [`/providers/${mgRelative}`, relative] : ['/', mgRelative];
  }
  if (sub) {
    const subscriptionScope = `/subscriptions/${sub[1].toLowerCase()}`;
    if (rg) {
      const groupId = `resourceGroups/${rg[1]}`;
      return rel ? [`${subscriptionScope}/${groupId}`, relative] : [subscriptionScope, groupId];
    }
    return [subscriptionScope, relative];
  }
  return ['/', relative];
}

export function formatWhatIfReport(changes: WhatIfChange[], enableColor: boolean): string {
  const b = new Builder(enableColor);
  b.appendLine('Note: The result may contain false positive predictions (noise).\nYou can help us improve the accuracy of the result by opening an issue here: https://aka.ms/WhatIfIssues');
  b.appendLine();
  formatLegend(b, changes);
  formatResourceChanges(b, changes);
  formatStats(b, changes);
  return b.build();
}

function formatLegend(b: Builder, changes: WhatIfChange[]): void {
  if (!changes.length) return;
  const types = new Set<string>();
  const collect = (props: WhatIfPropertyChange[] | null | undefined) => {
    for (const p of props ?? []) {
      types.add(p.propertyChangeType === 'Array' ? 'Modify' : p.propertyChangeType);
      collect(p.children);
    }
  };
  for (const c of changes) {
    types.add(c.changeType);
    collect(c.delta);
  }
  const ordered = sortedBy([...types], (t) => [CHANGE_WEIGHT[t] ?? 99]);
  b.append('Resource and property changes are indicated with ');
  b.appendLine(ordered.length === 1 ? 'this symbol:' : 'these symbols:');
  for (const t of ordered) {
    indent(b);
    b.append(CHANGE_SYMBOL[t] ?? '?', CHANGE_COLOR[t]).append(' ');
    b.appendLine(title(t));
  }
}

function formatStats(b: Builder, changes: WhatIfChange[]): void {
  b.appendLine().append('Resource changes: ');
  if (!changes.length) {
    b.append('no change.');
    return;
  }
  const words: Record<string, string> = { Create: 'to create', Delete: 'to delete', Deploy: 'to deploy', Modify: 'to modify', Ignore: 'to ignore', NoChange: 'no change', Unsupported: 'unsupported' };
  const groups = groupBy(
    sortedBy(changes, (c) => [CHANGE_WEIGHT[c.changeType] ?? 99]),
    (c) => c.changeType,
  );
  b.append(groups.map(([t, items]) => `${items.length} ${words[t] ?? t}`).join(', ')).append('.');
}

const scopeOf = (c: WhatIfChange) => splitResourceId(c.resourceId)[0];
const relativeOf = (c: WhatIfChange) => splitResourceId(c.resourceId)[1];

function formatResourceChanges(b: Builder, changes: WhatIfChange[]): void {
  if (!changes.length) return;
  const upper = (c: WhatIfChange) => scopeOf(c).toUpperCase();
  const numScopes = new Set(changes.map(upper)).size;
  b.appendLine();
  b.appendLine(`The deployment will update the following ${numScopes === 1 ? 'scope:' : 'scopes'}`);
  for (const [, inScope] of groupBy(sortedBy(changes, (c) => [upper(c)]), upper)) {
    b.appendLine().appendLine(`Scope: ${scopeOf(inScope[0])}`);
    const sorted = sortedBy(inScope, (c) => [CHANGE_WEIGHT[c.changeType] ?? 99, relativeOf(c)]);
    for (const [type, items] of groupBy(sorted, (c) => c.changeType)) {
      b.scope(CHANGE_COLOR[type] ?? COLOR.RESET, () => {
        for (const c of items) formatResourceChange(b, c, c === sorted[sorted.length - 1]);
      });
    }
  }
}

function formatResourceChange(b: Builder, c: WhatIfChange, isLast: boolean): void {
  const apiVersion = (c.before?.apiVersion ?? c.after?.apiVersion) as string | undefined;
  b.appendLine();
  formatPath(
    b,
    relativeOf(c),
    0,
    1,
    () => b.append(CHANGE_SYMBOL[c.changeType] ?? '?').append(' '),
    () => {
      if (!apiVersion) return;
      b.scope(COLOR.RESET, () => b.append(' ').append('[').append(apiVersion).append(']'));
    },
  );
  if (c.changeType === 'Create' && c.after) formatJson(b, c.after, '', 0, 2);
  else if (c.changeType === 'Delete' && c.before) formatJson(b, c.before, '', 0, 2);
  else if (c.delta?.length) {
    b.scope(COLOR.RESET, () => {
      b.appendLine();
      formatPropertyChanges(b, sortPropertyChanges(c.delta!), 2);
    });
  } else if (isLast) b.appendLine();
}

const sortPropertyChanges = (changes: WhatIfPropertyChange[]) => sortedBy(changes, (p) => [PROPERTY_WEIGHT[p.propertyChangeType] ?? 99, p.path]);

function formatPropertyChanges(b: Builder, changes: WhatIfPropertyChange[], indentLevel: number): void {
  const maxPathLength = Math.max(0, ...changes.filter(considerPath).map((p) => p.path.length));
  for (const p of changes) {
    formatPropertyChange(b, p, maxPathLength, indentLevel);
    b.appendLine();
  }
}

function considerPath(p: WhatIfPropertyChange): boolean {
  if (p.propertyChangeType === 'Create') return isLeaf(p.after);
  if (p.propertyChangeType === 'Delete' || p.propertyChangeType === 'Modify') return isLeaf(p.before);
  return !p.children?.length;
}

function formatPropertyChange(b: Builder, p: WhatIfPropertyChange, maxPathLength: number, indentLevel: number): void {
  switch (p.propertyChangeType) {
    case 'Create':
      formatPropertyPath(b, p, p.after, maxPathLength, indentLevel);
      b.scope(PROPERTY_COLOR.Create, () => formatJson(b, p.after, '', 0, indentLevel + 1));
      break;
    case 'Delete':
      formatPropertyPath(b, p, p.before, maxPathLength, indentLevel);
      b.scope(PROPERTY_COLOR.Delete, () => formatJson(b, p.before, '', 0, indentLevel + 1));
      break;
    case 'Modify':
      formatPropertyPath(b, p, p.before, maxPathLength, indentLevel);
      formatPropertyModify(b, p, indentLevel + 1);
      break;
    case 'Array':
      formatPropertyPath(b, p, p.children, maxPathLength, indentLevel);
      formatArrayChange(b, p, p.children ?? [], indentLevel + 1);
      break;
    default:
      formatPropertyPath(b, p, p.after, maxPathLength, indentLevel);
      b.scope(PROPERTY_COLOR.NoEffect, () => formatJson(b, p.after, '', 0, indentLevel + 1));
  }
}

function formatPropertyPath(b: Builder, p: WhatIfPropertyChange, value: unknown, maxPathLength: number, indentLevel: number): void {
  if (!p.path) return;
  let padding = maxPathLength - p.path.length + 1;
  if (isNonEmptyArray(value)) padding = 1;
  if (isNonEmptyObject(value)) padding = 0;
  if (p.propertyChangeType === 'Modify' && p.children?.length) padding = 0;
  formatPath(
    b,
    p.path,
    padding,
    indentLevel,
    () => b.append(PROPERTY_SYMBOL[p.propertyChangeType] ?? '?', PROPERTY_COLOR[p.propertyChangeType]).append(' '),
    () => b.append(':', COLOR.RESET),
  );
}

function formatPropertyModify(b: Builder, p: WhatIfPropertyChange, indentLevel: number): void {
  if (p.children?.length) {
    b.appendLine().appendLine();
    formatPropertyChanges(b, sortPropertyChanges(p.children), indentLevel);
    return;
  }
  b.scope(PROPERTY_COLOR.Delete, () => formatJson(b, p.before, '', 0, indentLevel));
  if (isNonEmptyObject(p.before)) {
    b.appendLine();
    indent(b, indentLevel);
  } else b.append(' ');
  b.append('=>');
  if (!isNonEmptyObject(p.after)) b.append(' ');
  b.scope(PROPERTY_COLOR.Create, () => formatJson(b, p.after, '', 0, indentLevel));
  if (!isLeaf(p.before) && isLeaf(p.after)) b.appendLine();
}

function formatArrayChange(b: Builder, parent: WhatIfPropertyChange, children: WhatIfPropertyChange[], indentLevel: number): void {
  let level = indentLevel;
  if (!parent.path) {
    level -= 1;
    indent(b, level);
  }
  if (!children.length) {
    b.appendLine('[]');
    return;
  }
  b.append('[').appendLine();
  formatPropertyChanges(
    b,
    sortedBy(children, (p) => [Number(p.path), PROPERTY_WEIGHT[p.propertyChangeType] ?? 99]),
    level,
  );
  indent(b, level);
  b.append(']');
}

function formatJson(b: Builder, value: unknown, path: string, maxPathLength: number, indentLevel: number): void {
  if (isLeaf(value)) {
    formatJsonPath(b, path, maxPathLength - path.length + 1, indentLevel);
    formatLeaf(b, value);
  } else if (isNonEmptyArray(value)) {
    formatJsonPath(b, path, 1, indentLevel);
    formatArray(b, value, indentLevel);
  } else if (isNonEmptyObject(value)) formatObject(b, value, path, maxPathLength, indentLevel);
}

function formatLeaf(b: Builder, value: unknown): void {
  if (value === null || value === undefined) b.append('null');
  else if (typeof value === 'boolean') b.append(String(value));
  else if (typeof value === 'string') b.append('"').append(value).append('"');
  else if (Array.isArray(value)) b.append('[]');
  else if (typeof value === 'object') b.append('{}');
  else b.append(value);
}

function formatArray(b: Builder, value: unknown[], indentLevel: number): void {
  b.append('[', COLOR.RESET).appendLine();
  let maxIndex = 0;
  value.forEach((v, i) => {
    if (isLeaf(v)) maxIndex = i;
  });
  const maxPathLength = String(maxIndex).length;
  value.forEach((child, i) => {
    const childPath = String(i);
    if (isNonEmptyObject(child)) {
      formatJsonPath(b, childPath, 0, indentLevel + 1);
      formatObject(b, child, '', 0, indentLevel + 1);
    } else formatJson(b, child, childPath, maxPathLength, indentLevel + 1);
    b.appendLine();
  });
  indent(b, indentLevel);
  b.append(']', COLOR.RESET);
}

function formatObject(b: Builder, value: Record<string, unknown>, path: string, maxPathLength: number, indentLevel: number): void {
  const isRoot = !path;
  let max = maxPathLength;
  let level = indentLevel;
  if (isRoot) {
    b.appendLine().appendLine();
    max = maxPathLengthOfObject(value);
    level += 1;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = isRoot ? key : `${path}.${key}`;
    formatJson(b, child, childPath, max, level);
    if (!isNonEmptyObject(child)) b.appendLine();
  }
}

function maxPathLengthOfObject(value: Record<string, unknown>): number {
  let max = 0;
  for (const [key, child] of Object.entries(value)) {
    if (isNonEmptyArray(child)) continue;
    max = Math.max(max, isNonEmptyObject(child) ? key.length + 1 + maxPathLengthOfObject(child) : key.length);
  }
  return max;
}

function formatJsonPath(b: Builder, path: string, padding: number, indentLevel: number): void {
  formatPath(b, path, padding, indentLevel, undefined, () => b.append(':', COLOR.RESET));
}

function formatPath(b: Builder, path: string, padding: number, indentLevel: number, head?: () => void, tail?: () => void): void {
  if (!path) return;
  indent(b, indentLevel);
  head?.();
  b.append(path);
  tail?.();
  b.append(' '.repeat(Math.max(0, padding)));
}

function indent(b: Builder, level = 1): void {
  b.append(' '.repeat(2 * level));
}
