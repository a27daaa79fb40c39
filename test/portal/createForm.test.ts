import assert from 'node:assert/strict';
import test from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { CreateIdentityBasics, type CreateIdentityBasicsProps } from '../../portal/src/pages/identities/CreateIdentityBasics.js';
import { validateCreateForm, type CreateFormValue } from '../../portal/src/pages/identities/createForm.js';

/**
 * The Create pane's Basics form, rendered to HTML with react-dom/server (no browser, no jsdom): the rules' messages
 * appear next to the right field, labelled, and "Create new" switches the resource group field.
 */
function render(value: CreateFormValue, extra: Partial<CreateIdentityBasicsProps> = {}): string {
  const { errors, warnings } = validateCreateForm(value);
  const props: CreateIdentityBasicsProps = {
    value,
    onChange: () => undefined,
    subscriptions: [{ id: '/subscriptions/s1', subscriptionId: 's1', displayName: 'Sub One', state: 'Enabled' }],
    groups: [{ id: '/subscriptions/s1/resourceGroups/rg-a', name: 'rg-a', location: 'westus' }],
    locations: [{ name: 'westus', displayName: 'West US' }],
    errors,
    warnings,
    showAll: false,
    ...extra,
  };
  return renderToStaticMarkup(createElement(FluentProvider, { theme: webLightTheme }, createElement(CreateIdentityBasics, props)));
}

const base: CreateFormValue = { subscriptionId: 's1', resourceGroup: 'rg-a', location: 'westus', name: 'good-name', tags: [] };

/** The text of the validation message that follows the labelled field (Fluent renders it after the control). */
function fieldBlock(html: string, label: string): string {
  const at = html.indexOf(`>${label}`);
  assert.ok(at >= 0, `no field labelled ${label}`);
  return html.slice(at, at + 2500);
}

test('a valid form shows no error and every control is labelled', () => {
  const html = render(base);
  assert.doesNotMatch(html, /role="alert"/);
  for (const label of ['Subscription', 'Resource group', 'Region', 'Name']) assert.match(html, new RegExp(`<label[^>]*for="[^"]+"[^>]*>${label}`), label);
  assert.match(html, /<option value="westus"[^>]*>West US<\/option>/);
  assert.match(html, />Create new</);
});

test('a rejected name shows its error next to the Name field while typing', () => {
  const html = render({ ...base, name: '-bad' });
  const block = fieldBlock(html, 'Name');
  assert.match(block, /must start with a letter or a number/);
  assert.match(block, /aria-invalid="true"/);
});

test('a long name shows the 24-character warning, not an error', () => {
  const html = render({ ...base, name: 'a'.repeat(30) });
  const block = fieldBlock(html, 'Name');
  assert.match(block, /longer than 24 characters/);
  assert.doesNotMatch(block, /aria-invalid="true"/);
});

test('untouched required fields are flagged only once Review was pressed', () => {
  const empty: CreateFormValue = { subscriptionId: 's1', resourceGroup: '', location: '', name: '', tags: [] };
  assert.doesNotMatch(render(empty), /is required|Choose a/);
  const after = render(empty, { showAll: true });
  assert.match(after, /Choose a resource group, or create a new one/);
  assert.match(after, /Choose a region/);
  assert.match(after, /A name is required/);
});

test('"Create new" shows the new group name field with its own rules, and server errors appear by their field', () => {
  const html = render({ ...base, newResourceGroup: 'bad/name' });
  const block = fieldBlock(html, 'New resource group name');
  assert.match(block, /can contain only letters/);
  assert.match(html, />Use existing</);
  const withServer = render(base, { errors: { location: "The provided location 'westus' is not available (LocationNotAvailableForResourceType)" } });
  assert.match(fieldBlock(withServer, 'Region'), /LocationNotAvailableForResourceType/);
});
